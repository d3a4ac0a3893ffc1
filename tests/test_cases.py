"""Bad-content stories: each file in tests/cases/ is a small content tree and the exact report it must give.

A case lists the files it adds to (or, with a null value, removes from) a minimal valid handbook, and the
report `handbook check` prints for it: every problem with file, line, column, key and hint. Refresh the
expected reports after a deliberate change of wording with `pytest tests/test_cases.py --update-golden`,
then read the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.load import load_tree
from generator.problems import ContentError, format_plain
from generator.validate import validate

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


def report(root: Path) -> str:
    """What `handbook check` prints for the content under ``root`` (without the source excerpts)."""
    try:
        validate(load_tree(root / "content"))
    except ContentError as error:
        return format_plain(error.problems, root) + "\n"
    return "no problems\n"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_case(case: Path, tmp_path: Path, update_golden: bool) -> None:
    spec = yaml.safe_load(case.read_text(encoding="utf-8"))
    files = {**BASE, **spec["files"]}
    for relative, text in files.items():
        if text is not None:
            path = tmp_path / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    actual = report(tmp_path)
    if update_golden:
        spec["expected"] = actual
        case.write_text(_dump_case(spec), encoding="utf-8")
    assert actual == spec["expected"], f"{case.name}: {spec['about']}"


def test_there_are_cases() -> None:
    assert len(CASES) >= 30


def _dump_case(spec: dict) -> str:
    class Literal(str):
        pass

    def literal(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")

    yaml.add_representer(Literal, literal, Dumper=yaml.SafeDumper)
    out = {
        "about": spec["about"],
        "files": {k: Literal(v) if isinstance(v, str) and "\n" in v else v for k, v in spec["files"].items()},
        "expected": Literal(spec["expected"]),
    }
    return yaml.safe_dump(out, sort_keys=False, allow_unicode=True, width=120)
