"""Property-based tests: whatever YAML or tree an editor (or an attacker) writes, the loader and validator
answer with a valid handbook or a list of positioned problems, and never with any other exception."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import load_text, load_tree
from generator.models import PAGE_KINDS
from generator.problems import ContentError, Problem
from generator.validate import validate

FIELDS = ["kind", "title", "summary", "phase", "related", "sources", "reviewed", "order", "when", "groups",
          "items", "text", "note", "write_in", "prompt", "lines", "sections", "why", "how", "body", "contents",
          "channel", "message", "placeholders", "name", "hint", "printable", "intro", "feelings", "thoughts"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.text(max_size=40), st.sampled_from(["before", "after", "checklist", "guide", "no", "2024", "12:30",
                                            "<script>", "{{ 7*7 }}", "[x](javascript:y)", "get-ready"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), inner, max_size=5)), max_leaves=25)
pages = st.fixed_dictionaries({"kind": st.sampled_from([*PAGE_KINDS, "checkist", 3])},
                              optional={field: values for field in FIELDS[1:]})

SETTINGS = "title: T\ndescription: D\noffice:\n  name: O\nphases:\n  - id: before\n    title: Before\n"
HOME = "kind: page\ntitle: Home\nsummary: S.\nreviewed: 2026-01-01\nbody: Hi.\ncontents: true\n"


def _positioned(problems: list[Problem], files: set[Path]) -> None:
    assert problems, "a failure must say why"
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.file in files or problem.file.parent in {f.parent for f in files}, problem
        assert problem.line >= 0 and problem.column >= 0 and problem.message


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_loads_or_is_a_positioned_problem(text: str) -> None:
    file = Path("content/page.yml")
    doc, problems = load_text(text, file)
    for problem in problems:
        assert problem.file == file and problem.line >= 0 and problem.message
    if doc is None:
        assert problems


@settings(max_examples=300, deadline=None)
@given(values)
def test_any_yaml_value_round_trips_with_a_position_for_every_value(value: object) -> None:
    text = yaml.safe_dump({"kind": "page", "data": value}, allow_unicode=True)
    doc, problems = load_text(text, Path("x.yml"))
    if doc is not None:
        assert doc.data["kind"] == "page"
        for path in doc.values:
            assert doc.values[path].line >= 1


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pages, min_size=1, max_size=4), st.sampled_from(["", "\t", "\ufeff", "- a\n- b\n", "x: [\n"]))
def test_any_tree_validates_or_lists_positioned_problems(generated: list[dict], extra: str) -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "content"
        root.mkdir()
        (root / "handbook.yml").write_text(SETTINGS)
        (root / "index.yml").write_text(HOME)
        files = {root / "handbook.yml", root / "index.yml"}
        for n, page in enumerate(generated):
            path = root / f"page-{n}.yml"
            path.write_text(yaml.safe_dump(page, allow_unicode=True), encoding="utf-8")
            files.add(path)
        if extra:
            (root / "odd.yml").write_text(extra, encoding="utf-8")
            files.add(root / "odd.yml")
        try:
            handbook = validate(load_tree(root))
        except ContentError as error:
            _positioned(error.problems, files)
        else:
            assert "index" in handbook.pages
