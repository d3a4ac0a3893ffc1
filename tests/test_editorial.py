"""Editorial warnings: each names the file, the position and the field, with exact words and limits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.editorial import chars_per_printed_line, plain_text, review, sentences
from generator.load import load_tree
from generator.problems import format_github, format_plain
from generator.validate import validate

from .test_cases import BASE

TODAY = dt.date(2026, 6, 15)
GUIDE = """\
kind: guide
title: A guide
summary: Explains it.
phase: before
sources: [an-article]
reviewed: 2026-06-01
sections:
  - title: Part one
    why: Because it helps.
"""


def warnings(tmp_path: Path, files: dict[str, str | None], today: dt.date = TODAY) -> str:
    for relative, text in {**BASE, "content/guide.yml": GUIDE, **files}.items():
        path = tmp_path / relative
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return format_plain(review(validate(load_tree(tmp_path / "content")), today), tmp_path)


def test_a_clean_handbook_has_no_warnings(tmp_path: Path) -> None:
    assert warnings(tmp_path, {}) == ""


def test_a_guidance_page_without_sources(tmp_path: Path) -> None:
    assert warnings(tmp_path, {"content/guide.yml": GUIDE.replace("sources: [an-article]\n", "")}) == (
        "content/guide.yml:1:1: warning: the page cites no source\n"
        "  hint: list the ids of the articles it draws on under sources (see sources.yml)\n"
        "content/sources.yml:1:1: warning: an-article: no page cites this source\n"
        "  hint: cite it under sources on the pages that draw on it, or remove it")


def test_plain_pages_need_no_sources(tmp_path: Path) -> None:
    # BASE's home page (kind: page) cites nothing and draws no warning.
    assert "index.yml" not in warnings(tmp_path, {})


@pytest.mark.parametrize(("reviewed", "months", "warned"), [
    ("2025-06-15", 12, False),  # exactly twelve months: still fine
    ("2025-06-14", 12, True),
    ("2025-12-14", 6, True),
    ("2025-12-15", 6, False),
])
def test_review_age(tmp_path: Path, reviewed: str, months: int, warned: bool) -> None:
    settings = BASE["content/handbook.yml"] + f"editorial:\n  review_every_months: {months}\n"
    report = warnings(tmp_path, {"content/guide.yml": GUIDE.replace("2026-06-01", reviewed),
                                 "content/handbook.yml": settings})
    expected = (f"content/guide.yml:6:11: warning: reviewed: last reviewed on {reviewed}, more than {months} "
                "months ago\n  hint: check that the page is still right, then set reviewed to today's date")
    assert report == (expected if warned else "")


def test_sentence_length_limit(tmp_path: Path) -> None:
    lenient = {"content/handbook.yml": BASE["content/handbook.yml"] + "editorial:\n  max_reading_grade: 20\n"}
    thirty = " ".join(["word"] * 29) + " end."
    assert warnings(tmp_path, {**lenient, "content/guide.yml": GUIDE.replace("Because it helps.", thirty)}) == ""
    report = warnings(tmp_path, {**lenient, "content/guide.yml": GUIDE.replace("Because it helps.", "Now " + thirty)})
    assert report == ('content/guide.yml:9:10: warning: sections[0].why: a sentence of 31 words, more than 30: '
                      '"Now word word word word word word word …"\n  hint: split it into shorter sentences')


def test_reading_grade_names_the_hardest_field(tmp_path: Path) -> None:
    hard = ("Notwithstanding organisational considerations, prospective employees should systematically "
            "investigate institutional characteristics, remuneration expectations and interpersonal "
            "compatibility before committing themselves contractually.")
    report = warnings(tmp_path, {"content/guide.yml": GUIDE.replace("Because it helps.", hard)})
    assert report.startswith("content/guide.yml:9:10: warning: sections[0].why: the page reads at school grade ")
    assert "(Flesch-Kincaid), above 9; this field raises it most (it reads at " in report
    assert report.endswith("hint: use shorter sentences and everyday words")


def test_a_one_word_heading_is_never_named_as_the_hardest_field(tmp_path: Path) -> None:
    """Issue 14: a checklist of long jargon items under the heading "Preparation" (grade 32 alone) names an
    item, the text that makes the page hard, not the heading too short to grade."""
    jargon = ("Systematically investigate organisational remuneration characteristics, institutional "
              "considerations and interpersonal compatibility beforehand.")
    checklist = f"""\
kind: checklist
title: Ready
summary: Tick it.
phase: after
sources: [an-article]
reviewed: 2026-06-01
when: Before you go.
groups:
  - title: Preparation
    items:
      - text: Bring a pen.
      - text: {jargon}
      - text: Arrive early.
"""
    report = warnings(tmp_path, {"content/list.yml": checklist})
    grade_line = next(line for line in report.splitlines() if "reads at school grade" in line)
    assert grade_line.startswith("content/list.yml:12:15: warning: groups[0].items[1].text: the page reads at"), \
        grade_line
    assert "title" not in grade_line.split(": the page")[0]


def test_short_fields_alone_name_no_field(tmp_path: Path) -> None:
    checklist = """\
kind: checklist
title: Ready
summary: Tick it.
phase: after
sources: [an-article]
reviewed: 2026-06-01
when: Beforehand.
groups:
  - title: Preparation
    items:
      - text: Institutional considerations.
      - text: Organisational characteristics.
"""
    report = warnings(tmp_path, {"content/list.yml": checklist})
    grade_line = next(line for line in report.splitlines() if "reads at school grade" in line)
    assert grade_line.startswith("content/list.yml:1:1: warning: the page reads at school grade"), grade_line
    assert "raises it most" not in grade_line


def test_a_table_is_not_one_long_sentence(tmp_path: Path) -> None:
    """Issue 14: each cell of a table reads on its own; a table of short cells draws no long-sentence warning."""
    table = ("|  Factor | Weight | Rating | Notes about this factor |\n| --- | :---: | ---: | --- |\n"
             + "".join(f"| Salary and benefits {n} | 3 | 5 | Compare with the market rate |\n" for n in range(6)))
    assert plain_text(table).startswith("Factor. Weight. Rating. Notes about this factor. Salary and benefits 0. 3. ")
    guide = GUIDE.replace("    why: Because it helps.", "    why: |\n" + "".join(f"      {row}\n" for row in
                                                                                   table.splitlines()))
    assert "a sentence of" not in warnings(tmp_path, {"content/guide.yml": guide})


def test_checklist_items_must_fit_one_printed_line(tmp_path: Path) -> None:
    limit = chars_per_printed_line("letter")
    checklist = f"""\
kind: checklist
title: A list
summary: Tick it.
phase: after
sources: [an-article]
reviewed: 2026-06-01
when: After.
groups:
  - title: Group
    items:
      - text: {"a" * limit}
      - text: {"b" * (limit + 1)}
"""
    assert warnings(tmp_path, {"content/list.yml": checklist}) == (
        f"content/list.yml:12:15: warning: groups[0].items[1].text: {limit + 1} characters, more than fit on one "
        f"printed line ({limit} at letter size)\n  hint: shorten it, or move the detail into a note")


def test_printed_line_is_shorter_on_a4() -> None:
    assert chars_per_printed_line("letter") == 87
    assert chars_per_printed_line("a4") == 84


def test_warnings_in_github_format() -> None:
    from generator.problems import Problem

    warning = Problem(Path("content/x.yml"), 3, 5, "the page cites no source", ("sources",), warning=True)
    assert format_github([warning], Path()) == "::warning file=content/x.yml,line=3,col=5::sources: the page " \
                                                "cites no source"


@pytest.mark.parametrize(("markdown", "expected"), [
    ("**Bold** and *italic* and [a link](https://example.org).", "Bold and italic and a link."),
    ("A heading\n\nA paragraph\nover two lines", "A heading. A paragraph over two lines."),
    ("Intro:\n\n- one\n- two\n1. three", "Intro: one. two. three."),
    ("Dear ==[Name]==,", "Dear [Name],."),
    ("snake_case stays", "snake_case stays."),
])
def test_plain_text(markdown: str, expected: str) -> None:
    assert plain_text(markdown) == expected


def test_sentences() -> None:
    assert sentences('One. "Two?" Three! Four') == ["One.", '"Two?"', "Three!", "Four"]


def test_a_bar_in_a_sentence_does_not_make_a_table() -> None:
    assert plain_text("Open Monday | Tuesday, all day") == "Open Monday | Tuesday, all day."
    assert plain_text("a | b\n--- | ---\n1 | 2") == "a. b. 1. 2."
