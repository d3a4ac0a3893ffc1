"""Bad-input stories: each file in tests/cases/ is a small content or office tree, the exact report it must
give, and the exit code of `handbook check`.

A case lists the files it adds to (or, with a null value, removes from) a minimal valid handbook, and the
report `handbook check` prints for it: every problem with file, line, column, key and hint (errors, an
office template's included; when there are none, editorial warnings). Optional keys:

- ``office``: check that office's handbook (``--office``), its files under ``offices/<slug>/``;
- ``symlinks``: links to make, ``{path: target}``;
- ``generate``: many files from one text, ``{path: "content/p-{n}.yml", count: 2000, text: "…{n}…"}``;
- a file's value may be ``!!binary`` (raw bytes) or ``{repeat: text, times: n}`` (a large file);
- ``strict``: check with ``--strict``; ``exit``: the exit code (default: 1 with errors, else 0);
- ``rendered``: ``must_contain`` / ``must_not_contain``, checked in every generated page and handout.

Refresh the expected reports after a deliberate change of wording with
`pytest tests/test_cases.py --update-golden`, then read the diff.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.editorial import review
from generator.handouts import page_urls
from generator.load import load_tree
from generator.offices import for_office, layer, load_office
from generator.pipeline import generate, render_all
from generator.problems import ContentError, format_plain
from generator.validate import validate

from .conftest import REPO

# The day the editorial warnings count from, so an expected report does not age.
TODAY = dt.date(2026, 11, 23)

CASES = sorted((Path(__file__).parent / "cases").glob("*.yml"))

BASE = {
    "content/handbook.yml": """\
title: Test handbook
description: A handbook for tests.
office:
  name: Test Career Office
phases:
  - id: before
    title: Before the interview
  - id: after
    title: After the interview
""",
    "content/sources.yml": """\
an-article:
  title: An article
  author: Someone
""",
    "content/index.yml": """\
kind: page
title: Home
summary: The home page.
reviewed: 2026-01-01
body: Welcome.
contents: true
""",
}


def report(root: Path, office: str | None = None) -> str:
    """What `handbook check` prints for the content under ``root`` (without the source excerpts)."""
    try:
        tree, hidden = load_tree(root / "content"), frozenset()
        if office:
            loaded = load_office(root / "offices", office)
            layered = layer(tree, loaded)
            tree, hidden = layered.tree, layered.hidden
        handbook = validate(tree, hidden)
        if office:
            handbook = for_office(handbook, loaded, layered.asset_dirs)
        templates = [REPO / "templates"]
        if office and loaded.templates_dir.is_dir():
            templates.insert(0, loaded.templates_dir)
        render_all(handbook, templates, page_urls("https://example.org/"), loaded if office else None)
    except ContentError as error:
        return format_plain(error.problems, root) + "\n"
    warnings = review(handbook, TODAY)
    return format_plain(warnings, root) + "\n" if warnings else "no problems\n"


MKDOCS_YML = f"""\
site_name: cases
docs_dir: content
theme:
  name: material
plugins:
  - handbook:
      templates: {REPO / "templates"}
"""


def _write(root: Path, spec: dict) -> None:
    files = {**BASE, "mkdocs.yml": MKDOCS_YML, **spec["files"]}
    for relative, value in files.items():
        if value is None:
            continue
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(value, bytes):
            path.write_bytes(value)
        elif isinstance(value, dict):
            path.write_text(value["repeat"] * value["times"], encoding="utf-8")
        else:
            path.write_text(value, encoding="utf-8")
    for link, target in (spec.get("symlinks") or {}).items():
        (root / link).parent.mkdir(parents=True, exist_ok=True)
        (root / link).symlink_to(target)
    if "generate" in spec:
        many = spec["generate"]
        for n in range(many["count"]):
            path = root / many["path"].format(n=n)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(many["text"].replace("{n}", str(n)), encoding="utf-8")


def _check_exit_code(root: Path, spec: dict, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real command, in this process: its exit code is the one the case states."""
    args = ["check", "-f", str(root / "mkdocs.yml"), "--no-pdf"]
    if spec.get("office"):
        args += ["--office", spec["office"]]
    if spec.get("strict"):
        args.append("--strict")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    has_errors = expected != "no problems\n" and "warning:" not in expected.splitlines()[0]
    exit_code = spec.get("exit", 1 if has_errors or (spec.get("strict") and expected != "no problems\n") else 0)
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output


def _check_rendered(root: Path, spec: dict) -> None:
    office = load_office(root / "offices", spec["office"]) if spec.get("office") else None
    site = generate(root / "content", REPO / "templates", site_url="https://example.org/", office=office)
    outputs = {**site.pages, **{f"handouts/{h.id}.html": h.html for h in site.handouts}}
    for text in spec["rendered"].get("must_contain", []):
        assert any(text in output for output in outputs.values()), f"nothing rendered contains {text!r}"
    for text in spec["rendered"].get("must_not_contain", []):
        found = [name for name, output in outputs.items() if text in output]
        assert not found, f"{text!r} was rendered into {found}"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_case(case: Path, tmp_path: Path, update_golden: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # check sets it; restored after the test
    spec = yaml.safe_load(case.read_text(encoding="utf-8"))
    _write(tmp_path, spec)
    actual = report(tmp_path, spec.get("office"))
    if update_golden:
        spec["expected"] = actual
        case.write_text(_dump_case(spec), encoding="utf-8")
    assert actual == spec["expected"], f"{case.name}: {spec['about']}"
    _check_exit_code(tmp_path, spec, actual, monkeypatch)
    if "rendered" in spec:
        _check_rendered(tmp_path, spec)


def test_there_are_cases() -> None:
    assert len(CASES) >= 40


def _dump_case(spec: dict) -> str:
    class Literal(str):
        pass

    def literal(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")

    yaml.add_representer(Literal, literal, Dumper=yaml.SafeDumper)
    out = {
        "about": spec["about"],
        **{key: spec[key] for key in ("office", "strict", "exit") if key in spec},
        "files": {k: Literal(v) if isinstance(v, str) and "\n" in v else v for k, v in spec["files"].items()},
        **{key: spec[key] for key in ("symlinks", "generate", "rendered") if key in spec},
        "expected": Literal(spec["expected"]),
    }
    return yaml.safe_dump(out, sort_keys=False, allow_unicode=True, width=120)
