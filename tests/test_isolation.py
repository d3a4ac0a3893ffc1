"""An office's templates render in a child process held to a ceiling of memory and time: what the sandbox's own
checks cannot see or interrupt still ends as a problem naming the template, and the build's process is unhurt."""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

import pytest

from generator.isolation import MEMORY_LIMIT_MB, isolated, rendering
from generator.problems import ContentError, Problem

from .test_cases import _write, report

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system: templates run in process")


def _templates(tmp_path: Path) -> list[Path]:
    office, base = tmp_path / "office", tmp_path / "base"
    office.mkdir()
    base.mkdir()
    (office / "page.md.j2").write_text("{{ page.title }}", encoding="utf-8")
    return [office, base]


def test_the_result_comes_back(tmp_path: Path) -> None:
    assert isolated(lambda: {"pages": ["a", "b"], "n": 2}, _templates(tmp_path)) == {"pages": ["a", "b"], "n": 2}


def test_its_problems_come_back(tmp_path: Path) -> None:
    problem = Problem(tmp_path / "x.yml", 1, 1, "a problem")

    def fails() -> None:
        raise ContentError([problem], [Problem(tmp_path / "x.yml", 2, 1, "a warning", warning=True)])

    with pytest.raises(ContentError) as caught:
        isolated(fails, _templates(tmp_path))
    assert caught.value.problems == [problem] and len(caught.value.warnings) == 1


def test_too_much_memory_is_a_problem_naming_the_template_and_page(tmp_path: Path) -> None:
    templates = _templates(tmp_path)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def greedy() -> None:
        rendering("page.md.j2", "get-ready")
        hoard = [bytearray(50 * 1024 * 1024) for _ in range(100)]  # 5 GB, 50 MB at a time
        print(len(hoard))

    with pytest.raises(ContentError) as caught:
        isolated(greedy, templates)
    [problem] = caught.value.problems
    assert problem.file == templates[0] / "page.md.j2"
    assert problem.message == (f"the template was stopped: it needed more than {MEMORY_LIMIT_MB} MB of memory "
                               "(while rendering the page get-ready)")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024, "the build's process is unhurt"


def test_too_long_is_stopped_and_names_the_template_and_page(tmp_path: Path) -> None:
    templates = _templates(tmp_path)

    def endless() -> None:
        rendering("page.md.j2", "offer-decision")
        while True:
            time.sleep(0.01)

    started = time.monotonic()
    with pytest.raises(ContentError) as caught:
        isolated(endless, templates, seconds=1.5)
    assert time.monotonic() - started < 20, "stopped, not waited for"
    [problem] = caught.value.problems
    assert problem.message == ("the template was stopped: it ran for more than 2 seconds (while rendering the page "
                               "offer-decision)")
    assert problem.file == templates[0] / "page.md.j2"


def test_an_office_template_past_the_sandbox_is_a_problem_at_its_line(tmp_path: Path) -> None:
    """A capture of a million-character text 1,500 times passes every size check of the sandbox one piece at a
    time; the child's ceiling stops it, and the problem points at the office's template."""
    _write(tmp_path, {"files": {
        "offices/riverside/office.yml": "name: Riverside Works\n",
        "offices/riverside/templates/page.md.j2": (
            "{% set s = 'x' * 1000000 %}{% set x %}{% for i in range(1500) %}{{ s }}{% endfor %}{% endset %}"
            "{{ x | length }}\n"),
    }})
    said = report(tmp_path, "riverside")
    assert said.startswith("offices/riverside/templates/page.md.j2:1:1: the template failed: it needed more memory "
                           "than a template may use (while rendering the page index)"), said
