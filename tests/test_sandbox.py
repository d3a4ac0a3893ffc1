"""Templates within limits: one short expression cannot take gigabytes or hours, and any error a template
raises is a problem naming the template and line. (How much memory the worst of these takes is measured by
``benchmarks/hostile_templates.py``, not here.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.render import TemplateRuns, make_environment

# name: (template, the words its problem must hold). Each would take gigabytes, or hours, without the limits.
HOSTILE = {
    "text times a billion": ("{{ 'x' * 1000000000 }}", "a text of 1,000,000,000 characters"),
    "a billion times text": ("{{ 1000000000 * 'x' }}", "a text of 1,000,000,000 characters"),
    "power for the count": ("{{ 'x' * 10**9 }}", "a text of 1,000,000,000 characters"),
    "a huge number": ("{{ 10**10**8 }}", "a number of about"),
    "list times a billion": ("{{ [1, 2] * 1000000000 }}", "a list of 2,000,000,000 items"),
    "doubling with ~": ("{% set s = 'x' * 500000 %}" + "{% set s = s ~ s %}" * 30, "a text of 2,000,000"),
    "one long ~": ("{% set s = 'x' * 900000 %}{{ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s }}", "a text of 7,200,000"),
    "doubling in a namespace": ("{% set ns = namespace(s='x') %}{% for i in range(60) %}"
                                "{% set ns.s = ns.s ~ ns.s %}{% endfor %}", "a text of 1,048,576"),
    "doubling with +": ("{% set ns = namespace(s='x') %}{% for i in range(60) %}"
                        "{% set ns.s = ns.s + ns.s %}{% endfor %}", "a text of 1,048,576"),
    "doubling a capture": ("{% set s = 'x' * 1000 %}" + "{% set s %}{{ s }}{{ s }}{% endset %}" * 40,
                           "a text of 1,024,000"),
    "center filter": ("{{ 'x' | center(1000000000) }}", "a text of 1,000,000,000"),
    "ljust method": ("{{ 'x'.ljust(1000000000) }}", "a text of 1,000,000,000"),
    "format width": ("{{ '{:>1000000000}'.format(1) }}", "a text of 1,000,000,000"),
    "percent width": ("{{ '%1000000000s' % 1 }}", "a text of 1,000,000,000"),
    "format filter width": ("{{ '%1000000000s' | format(1) }}", "a text of 1,000,000,000"),
    "replace the empty text": ("{{ ('x' * 100000) | replace('', 'y' * 100000) }}", "a text of 10,000,200,000"),
    "join with a long separator": ("{{ range(100000) | join('x' * 100000) }}", "a text of 10,000"),
    "indent widely": ("{{ ('x\\n' * 100000) | indent(100000) }}", "a text of 10,000,"),
    "wordwrap with a long wrap": ("{{ ('x ' * 400000) | wordwrap(1, wrapstring='y' * 10000) }}", "a text of 8,"),
    "sum of lists": ("{{ ([[1] * 100000] * 100000) | sum(start=[]) }}", "a list of 10,000,000,000 items"),
    "batch a billion": ("{{ [1] | batch(1000000000, 'x') | list }}", "a list of 1,000,000,000 items"),
    "a billion-long range": ("{{ range(10**9) | list | length }}", "a list of 1,000,000,000 items"),
    "loops within loops": ("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
                           "its loops ran more than 2,000,000 rounds"),
    "endless doubling recursion": ("{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}"
                                   "{{ f(40) }}", "it ran for more than 5 seconds"),
    "a page of gigabytes": ("{% for a in range(100000) %}{{ 'x' * 900000 }}{% endfor %}",
                            "it wrote more than 5,000,000 characters"),
}
# What the sandbox's own checks cannot see or stop in time (found by a review): an office's templates render in
# a child process held to a ceiling of memory and time, so these end as a problem too (tests/test_isolation.py,
# benchmarks/hostile_templates.py).
PAST_THE_SANDBOX = {
    "a capture of a long text, 1500 times": ("{% set s = 'x' * 1000000 %}{% set x %}{% for i in range(1500) %}"
                                             "{{ s }}{% endfor %}{% endset %}{{ x | length }}"),
    "centre a thousand times": "{{ range(3000) | map('center', 1000000) | list | length }}",
    "compare huge lists": ("{% set s = 'x' * 999999 %}{% set a = [s] * 100000 %}{% set b = ['x' * 999999] * 100000 %}"
                           "{% for i in range(1000) %}{% if a == b %}{% endif %}{% endfor %}"),
    "a list of long texts as text": "{% set s = 'x' * 1000000 %}{{ ([s] * 3000) | string | length }}",
}
# Errors that are no attack, only a mistake: each a problem with the template's line, never a traceback.
MISTAKES = {
    "adding text to a number": ("{{ 1 + 'a' }}", "unsupported operand type(s) for +: 'int' and 'str' (TypeError)"),
    "dividing by zero": ("line one\n{{ 1 / 0 }}", "division by zero (ZeroDivisionError)"),
    "a macro calling itself": ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
                               "it calls itself (a macro, an include or a recursive loop) without end"),
    "changing a shared list": ("{% set l = [1] %}{{ l.append(2) }}",
                               "access to attribute 'append' of 'list' object is unsafe"),
    "lipsum": ("{{ lipsum(100000000) }}", "'lipsum' is undefined"),
}


def _problem(tmp_path: Path, source: str) -> tuple[str | None, object]:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.md.j2").write_text(source, encoding="utf-8")
    run = TemplateRuns(make_environment([folder]), [folder])
    out = run("page.md.j2", "home", {})
    assert len(run.problems) == (0 if out is not None else 1)
    return out, run.problems[0] if run.problems else None


@pytest.mark.parametrize(("source", "said"), HOSTILE.values(), ids=list(HOSTILE))
def test_a_template_past_a_limit_is_a_problem_at_its_line(tmp_path: Path, source: str, said: str) -> None:
    out, problem = _problem(tmp_path, source)
    assert out is None and problem is not None
    assert problem.file == tmp_path / "templates" / "page.md.j2"
    assert problem.message.startswith("the template went past a limit: "), problem.message
    assert said in problem.message, problem.message
    assert problem.message.endswith("(while rendering the page home)")
    assert problem.line == (0 if "wrote more than" in said else 1)
    assert "templates may not build very long texts" in problem.hint


@pytest.mark.parametrize(("source", "said"), MISTAKES.values(), ids=list(MISTAKES))
def test_any_error_in_a_template_is_a_problem_at_its_line(tmp_path: Path, source: str, said: str) -> None:
    out, problem = _problem(tmp_path, source)
    assert out is None and problem is not None
    assert said in problem.message, problem.message
    assert problem.line == source.count("\n") + 1


def test_ordinary_templates_are_untouched_by_the_limits(tmp_path: Path) -> None:
    source = ("{% set ns = namespace(n=0) %}{% for i in range(1000) %}{% set ns.n = ns.n + i %}{% endfor %}"
              "{{ ns.n }} {{ 'ab' * 3 }} {{ '{:>6}'.format(7) }} {{ '%05d' % 42 }} {{ [1, 2] | join(', ') }} "
              "{{ 'x' ~ 'y' }} {{ 2 ** 10 }} {{ 'a-b' | replace('-', '+') }} {{ 'hi' | center(6) }}|"
              "{% for x in [3, 1] | sort %}{{ loop.index }}{{ x }}{% else %}none{% endfor %}")
    out, problem = _problem(tmp_path, source)
    assert problem is None
    assert out == "499500 ababab      7 00042 1, 2 xy 1024 a+b   hi  |1123"


def test_a_failing_template_is_not_run_again_for_every_page(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.md.j2").write_text("{{ 'x' * 10**9 }}", encoding="utf-8")
    run = TemplateRuns(make_environment([folder]), [folder])
    assert [run("page.md.j2", page, {}) for page in ("a", "b", "c")] == [None, None, None]
    assert len(run.problems) == 1, "one problem for the template, not one per page"


def test_a_template_cannot_reach_files_through_the_values_it_is_given(tmp_path: Path) -> None:
    """Pages come with where they were loaded from, and handouts with their file: a path reads and writes any file
    the build may (a second review wrote a Python module this way, and the handout workers ran it)."""
    from generator.load import Document
    from generator.validate import PageEntry

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.md.j2").write_text("{{ entries[0].doc.file.read_text() }}", encoding="utf-8")
    (folder / "hand.md.j2").write_text("{{ (handout.file.parents | list | last) }}", encoding="utf-8")
    run = TemplateRuns(make_environment([folder]), [folder])
    doc = Document(Path("/etc/passwd"), {}, {}, {}, {})
    assert run("page.md.j2", "home", entries=[PageEntry("home", None, doc)]) is None  # type: ignore[arg-type]

    class Handout:
        file = Path("/etc/passwd")

    assert run("hand.md.j2", "home", handout=Handout()) is None
    assert [p.message for p in run.problems] == [
        "the template tried something templates may not do: access to attribute 'doc' of 'PageEntry' object is "
        "unsafe. (while rendering the page home)",
        "the template tried something templates may not do: access to attribute 'file' of 'Handout' object is "
        "unsafe. (while rendering the page home)"]


def test_text_that_cannot_be_saved_is_a_problem(tmp_path: Path) -> None:
    out, problem = _problem(tmp_path, 'line\n{{ "x\\ud800y" }}')
    assert out is None and problem is not None
    assert problem.message.startswith("the template wrote text that cannot be saved"), problem.message


def test_a_linked_template_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.md.j2").symlink_to("/etc/passwd")
    run = TemplateRuns(make_environment([folder]), [folder])
    assert run("page.md.j2", "home") is None
    assert "is a link to another file, which templates may not be" in run.problems[0].message
