"""Offices keep up with the base (issue 16): each override remembers the base part it was made from, and
check says when the base moved, with what changed; accepting quiets it; status covers every office."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

from .conftest import edit, working_copy
from .conftest import invoke as handbook


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return working_copy(tmp_path, monkeypatch)


def test_the_example_offices_are_up_to_date(root: Path) -> None:
    result = handbook("offices", "status", "--strict")
    assert result.exit_code == 0, result.output
    assert re.search(r"northfield\s+up to date\s+nothing", result.output)
    assert re.search(r"passerelle\s+up to date\s+nothing", result.output)
    for slug in ("northfield", "passerelle"):
        stamps = (root / "offices" / slug / "base-stamps.yml").read_text(encoding="utf-8")
        assert stamps.startswith("# Written by the handbook generator"), "readable, and says who writes it"


def test_each_kind_of_override_is_told_when_its_base_changes(root: Path) -> None:
    # A template of Northfield's own, recorded, before the base moves on.
    (root / "offices" / "northfield" / "templates").mkdir()
    base_template = (root / "templates" / "resources.md.j2").read_text(encoding="utf-8")
    (root / "offices" / "northfield" / "templates" / "resources.md.j2").write_text(base_template, encoding="utf-8")
    assert handbook("offices", "accept", "northfield", "resources.md.j2").exit_code == 0
    assert handbook("check", "--office", "northfield", "--no-pdf", "--strict").exit_code == 0

    edit(root / "content" / "index.yml", "title: Job Interview Handbook", "title: The Job Interview Handbook")
    edit(root / "content" / "checklists" / "offer-decision.yml", "An item you cannot tick is something",
         "An item you cannot tick yet is something")
    edit(root / "content" / "checklists" / "offer-decision.yml", "      - text: The schedule fits my life.\n",
         "      - text: The schedule fits my life.\n      - text: The employer pays for further study.\n")
    edit(root / "content" / "scripts" / "follow-up-note.yml", "I remain very interested", "I am still keen")
    edit(root / "templates" / "resources.md.j2", "{% import", "{# A fix in the base. #}\n{% import")
    (root / "content" / "salary-talk.yml").write_text(
        "kind: page\ntitle: Talking about pay\nsummary: How to bring up pay.\nreviewed: 2026-11-01\nbody: Soon.\n",
        encoding="utf-8")

    result = handbook("check", "--office", "northfield", "--no-pdf")
    out = result.output
    assert result.exit_code == 0, out  # warnings, not errors
    assert ('offices/northfield/content/index.yml: warning: the base page you replaced changed: content/index.yml'
            in out)
    assert 'title: "Job Interview Handbook" → "The Job Interview Handbook"' in out
    assert ("offices/northfield/patches/offer-decision.yml:4:1: warning: the base changed a field your patch also "
            "changes (a conflict): intro in content/checklists/offer-decision.yml") in out, out
    assert 'cannot tick is something' in out and 'cannot tick yet is something' in out
    assert "groups[The terms].items[4].text: (not there) → \"The employer pays for further study.\"" in out
    assert re.search(r"offices/northfield/office\.yml:\d+:5: warning: hide\[0\]: the base page you hide changed: "
                     r"content/scripts/follow-up-note\.yml", out), out
    assert ("offices/northfield/templates/resources.md.j2: warning: the base template you override changed: "
            "templates/resources.md.j2") in out
    assert "+{# A fix in the base. #}" in out, "a diff of the template"
    assert out.count("Note: New in the base since this office last accepted it: salary-talk.") == 1
    assert "then run: handbook offices accept northfield offer-decision" in out

    strict = handbook("check", "--office", "northfield", "--no-pdf", "--strict")
    assert strict.exit_code == 1

    status = handbook("offices", "status")
    assert re.search(r"northfield\s+conflict\s+page index, patch offer-decision, hidden follow-up-note, "
                     r"template resources\.md\.j2; 1 new base page", status.output), status.output
    assert re.search(r"passerelle\s+conflict\s+patch index; 1 new base page", status.output), status.output
    assert handbook("offices", "status", "--strict").exit_code == 1
    data = json.loads(handbook("offices", "status", "--format", "json").output)
    northfield = next(office for office in data if office["office"] == "northfield")
    assert northfield["state"] == "conflict" and northfield["new_base_pages"] == ["salary-talk"]
    patch = next(change for change in northfield["changes"] if change["override"] == "patch")
    assert patch["file"] == "offices/northfield/patches/offer-decision.yml"
    assert patch["base"] == "content/checklists/offer-decision.yml" and patch["state"] == "conflict"
    assert patch["fields"]["groups[The terms].items[4].text"] == {"old": None,
                                                                  "new": "The employer pays for further study."}

    # Accepting one quiets that one; accepting the office quiets the rest.
    assert handbook("offices", "accept", "northfield", "index").exit_code == 0
    out = handbook("check", "--office", "northfield", "--no-pdf").output
    assert "the base page you replaced changed" not in out and "a conflict" in out
    accepted = handbook("offices", "accept", "northfield")
    assert accepted.output.startswith("Recorded the base for northfield: page index, patch offer-decision")
    result = handbook("check", "--office", "northfield", "--no-pdf", "--strict")
    assert result.exit_code == 0, result.output
    assert "Note:" not in result.output


def test_passerelle_patch_conflicts_when_the_base_changes_what_it_changes(root: Path) -> None:
    edit(root / "content" / "index.yml", "summary: ", "summary: Today, ")
    out = handbook("check", "--office", "passerelle", "--no-pdf").output
    assert re.search(r"offices/passerelle/patches/index\.yml:\d+:1: warning: the base changed a field your patch "
                     r"also changes \(a conflict\): summary in content/index\.yml", out), out


def test_a_fresh_office_is_quiet_and_a_later_patch_asks_to_be_recorded(root: Path) -> None:
    assert handbook("new-office", "riverside").exit_code == 0
    stamps = root / "offices" / "riverside" / "base-stamps.yml"
    assert stamps.is_file()
    result = handbook("check", "--office", "riverside", "--no-pdf", "--strict")
    assert result.exit_code == 0, result.output
    assert "Note:" not in result.output
    (root / "offices" / "riverside" / "patches").mkdir()
    (root / "offices" / "riverside" / "patches" / "get-ready.yml").write_text("summary: Ours.\n", encoding="utf-8")
    out = handbook("check", "--office", "riverside", "--no-pdf").output
    assert ("offices/riverside/patches/get-ready.yml: warning: not yet recorded: the base page your patch changes "
            "(get-ready) is not in the office's record of the base") in out
    assert "once it is right, run: handbook offices accept riverside get-ready" in out
    assert handbook("offices", "accept", "riverside", "get-ready").exit_code == 0
    assert handbook("check", "--office", "riverside", "--no-pdf", "--strict").exit_code == 0


def test_no_record_damaged_record_and_a_vanished_target(root: Path) -> None:
    stamps = root / "offices" / "northfield" / "base-stamps.yml"
    stamps.unlink()
    out = handbook("check", "--office", "northfield", "--no-pdf").output
    assert ("offices/northfield/base-stamps.yml: warning: this office has no record of the base its changes "
            "were made from") in out
    assert "then run: handbook offices accept northfield" in out
    stamps.write_text("base_pages: [unclosed\n", encoding="utf-8")
    result = handbook("check", "--office", "northfield", "--no-pdf")
    assert result.exit_code == 1
    assert "cannot be read" in result.output and "handbook offices accept northfield" in result.output
    assert handbook("offices", "accept", "northfield").exit_code == 0, "accepting writes it again"
    # A patch whose base page is gone stays an error, as before.
    (root / "content" / "checklists" / "offer-decision.yml").unlink()
    for other in (root / "content").rglob("*.yml"):
        other.write_text(other.read_text(encoding="utf-8").replace("  - offer-decision\n", ""), encoding="utf-8")
    result = handbook("check", "--office", "northfield", "--no-pdf")
    assert result.exit_code == 1
    assert 'offices/northfield/patches/offer-decision.yml: no base page has the id "offer-decision"' in result.output


def test_accept_refuses_names_the_office_does_not_override(root: Path) -> None:
    result = CliRunner().invoke(main, ["offices", "accept", "northfield", "get-redy"])
    assert result.exit_code == 2
    assert "get-redy: the office replaces, patches, hides or overrides no such page or template" in result.output


def test_a_replaced_page_whose_base_page_is_gone_is_told(root: Path) -> None:
    """The base renamed the page Northfield replaced: Northfield's file is now a page of its own, and says so."""
    mock = root / "offices" / "northfield" / "content" / "mock-interviews.yml"
    (root / "offices" / "northfield" / "content" / "about.yml").write_text(mock.read_text(encoding="utf-8"),
                                                                           encoding="utf-8")
    assert handbook("offices", "accept", "northfield").exit_code == 0
    (root / "content" / "pages" / "about.yml").rename(root / "content" / "pages" / "about-us.yml")
    result = handbook("check", "--office", "northfield", "--no-pdf")
    assert ("offices/northfield/content/about.yml: warning: the base no longer has the page about that this file "
            "of yours was made from") in result.output, result.output
    assert "gone from the base" in handbook("offices", "status").output


def test_a_record_that_is_an_alias_bomb_is_refused_in_plain_words(root: Path) -> None:
    """The record is read with the loader's limits (no aliases): 600 bytes cannot become gigabytes."""
    bomb = ['a0: &a0 ["xxxxxxxxxxxxxxxxxxxx", "xxxxxxxxxxxxxxxxxxxx"]']
    bomb += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    (root / "offices" / "northfield" / "base-stamps.yml").write_text("\n".join([*bomb, "base_pages: [*a8, *a8]"]),
                                                                      encoding="utf-8")
    result = handbook("check", "--office", "northfield", "--no-pdf")
    assert result.exit_code == 1
    assert "base-stamps.yml cannot be read (aliases (*a0) are not supported in handbook files)" in result.output
