"""The field reference is generated from the models; the committed copy must match them."""

from __future__ import annotations

from generator.reference import field_reference

from .conftest import REPO, handbook


def test_fields_md_is_up_to_date() -> None:
    committed = (REPO / "FIELDS.md").read_text(encoding="utf-8")
    assert committed == field_reference(), "FIELDS.md is out of date: run `handbook fields > FIELDS.md`"


def test_reference_covers_every_kind_and_part() -> None:
    text = field_reference()
    for heading in ("## kind: guide", "## kind: checklist", "## kind: recovery", "## kind: script", "## kind: page",
                    "## content/handbook.yml", "## content/sources.yml", "### Checklist item", "### Write-in"):
        assert heading in text
    assert "| `lines` | no (default `3`) | whole number (1 to 12) |" in text


def test_fields_command_prints_it() -> None:
    assert handbook("fields", cwd=REPO).stdout == field_reference()
