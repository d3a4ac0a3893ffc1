"""Real career documents, from the editor's side (issue 14): content in, what they see out.

Four real documents (an interview checklist, thank-you note templates, an offer worksheet, a recovery article)
broke the handbook in nine ways; each test here types what their editor typed and looks at what came out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from generator.handouts import handout_sources, page_urls
from generator.load import load_tree
from generator.text import MARKDOWN_EXTENSIONS
from generator.validate import validate

from .conftest import copy_handbook, handbook

pytestmark = pytest.mark.slow  # builds sites and makes PDFs

CHECKLIST = Path("content/checklists/get-ready.yml")

# Every Markdown construct the site allows in a "Markdown" field, as an editor types it (two-space nesting).
EVERY_CONSTRUCT = """\
A paragraph with **bold**, *italics*, `code`, ==marked== text and [a link](https://example.org/offer).

| Factor | Weight | Rating |
| --- | :---: | ---: |
| Salary | 3 | 4 |
| Commute | 2 | 5 |

- Before the offer
  - Ask for it in writing
    - Keep a copy
- After the offer

1. First step
2. Second step

> A quotation from the office.

Term
:   Its definition.

```
A block of code
```
"""
# The HTML each construct becomes, on the site and on paper alike.
EXPECTED_HTML = {
    "table": r"<table>", "header cell": r"<th[ >]", "nested list": r"<li>Before the offer\s*<ul>\s*<li>Ask for",
    "third level": r"<li>Ask for it in writing\s*<ul>\s*<li>Keep a copy", "ordered list": r"<ol>\s*<li>First step",
    "quotation": r"<blockquote>", "definition": r"<dl>\s*<dt>Term</dt>", "code block": r"<pre><code>A block",
    "code": r"<code>code</code>", "mark": r"<mark>marked</mark>", "bold": r"<strong>bold</strong>",
    "link": r'<a href="https://example.org/offer">a link</a>',
}


def _with_intro(root: Path, markdown: str) -> None:
    checklist = root / CHECKLIST
    text = checklist.read_text(encoding="utf-8")
    block = "".join(f"  {line}\n" if line else "\n" for line in markdown.splitlines())
    checklist.write_text(re.sub(r"\nintro: .*?\n(?=[a-z_]+:)", f"\nintro: |\n{block}", text, count=1, flags=re.S),
                         encoding="utf-8")


def test_the_site_and_the_handouts_read_markdown_the_same_way(tmp_path: Path) -> None:
    """1 and 5: tables, nested lists typed with two spaces, and every other construct come out the same on the
    website and in the print HTML of the PDF handout, from one list of extensions."""
    root = copy_handbook(tmp_path / "handbook")
    _with_intro(root, EVERY_CONSTRUCT)
    result = handbook("build", "--no-pdf", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    site = (root / "site" / "get-ready" / "index.html").read_text(encoding="utf-8")
    handbook_ = validate(load_tree(root / "content"))
    [printed] = [h for h in handout_sources(handbook_, root / "templates", page_urls("https://x.org/"))
                 if h.id == "get-ready"]
    for name, pattern in EXPECTED_HTML.items():
        assert re.search(pattern, site), f"the site shows no {name}"
        assert re.search(pattern, printed.html), f"the handout shows no {name}"
    assert "| --- |" not in printed.html and "| --- |" not in site
    assert set(MARKDOWN_EXTENSIONS) >= {"tables", "sane_lists", "def_list", "fenced_code", "pymdownx.mark"}


def test_a_table_in_a_checklist_is_a_table_in_its_pdf(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    _with_intro(root, "| Factor | Weight |\n| --- | --- |\n| Salary | 3 |\n| Commute | 2 |\n")
    result = handbook("build", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    text = pypdf.PdfReader(root / "site" / "handouts" / "get-ready.pdf").pages[0].extract_text()
    assert "Salary" in text and "Commute" in text and "---" not in text


def _long_checklist(root: Path, items: int, pages: int | None = None, note: str = "") -> None:
    lines = [
        "# yaml-language-server: $schema=../../schema/checklist.schema.json",
        "kind: checklist", "title: Interview day checklist", "summary: Everything to check on the day.",
        "phase: before", "sources: [only-two-things]", "reviewed: 2026-11-20", "when: The day before.",
        *([f"pages: {pages}"] if pages else []), "groups:", "  - title: On the day", "    items:",
    ]
    for n in range(items):
        lines.append(f"      - text: Thing number {n + 1} to check before the interview")
        if n == 0 and note:
            lines.append(f"        note: {note}")
    (root / "content" / "checklists" / "interview-day.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


LONG_NOTE = ("This note goes on and on with many words so that it is far longer than thirty words in one single "
             "sentence, which the editor should split, and which the check must say in the same run as the error.")


def test_a_checklist_too_long_says_by_how_much_and_keeps_its_pdf_with_its_warnings(tmp_path: Path) -> None:
    """2 and 3: one run shows the error and the same file's warnings together; the error says how much spills
    over, what landed on the next page, and where the overflowing PDF is."""
    root = copy_handbook(tmp_path / "handbook")
    _long_checklist(root, 45, note=LONG_NOTE)
    result = handbook("check", cwd=root)
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    error = re.search(r"content/checklists/interview-day\.yml:\d+:1: this checklist does not fit on one printed "
                      r"page: about (\d+) lines? \((\d+\.\d) cm\) run onto page 2, starting with \"([^\"]+)\"", out)
    assert error, out
    lines, cm, start = int(error.group(1)), float(error.group(2)), error.group(3)
    assert lines >= 1 and cm > 0
    kept = root / ".cache" / "handbook" / "too-long" / "interview-day.pdf"
    assert "the PDF as it is now: .cache/handbook/too-long/interview-day.pdf" in out
    reader = pypdf.PdfReader(kept)
    assert len(reader.pages) == 2
    assert " ".join(start.removesuffix(" …").split()[:3]) in " ".join(reader.pages[1].extract_text().split())
    assert "let it take 2 pages (pages: 2), or split the checklist in two" in out
    assert "warning: groups[0].items[0].note: a sentence of" in out, "the warning waits for no second run"
    assert "Found 1 problem in 1 file, and 1 warning in 1 file." in out


def test_a_long_checklist_may_take_two_pages(tmp_path: Path) -> None:
    """4: "pages: 2" lets a long real checklist keep its identity, checked the same way."""
    root = copy_handbook(tmp_path / "handbook")
    _long_checklist(root, 45, pages=2)
    result = handbook("build", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(pypdf.PdfReader(root / "site" / "handouts" / "interview-day.pdf").pages) == 2
    _long_checklist(root, 90, pages=2)
    result = handbook("check", cwd=root)
    assert result.returncode == 1
    assert re.search(r"does not fit on 2 printed pages: \d+ more pages? run onto page 3|does not fit on 2 printed "
                     r"pages: about \d+ lines? \(\d+\.\d cm\) run onto page 3", result.stdout), result.stdout
    assert "split the checklist in two" in result.stdout


def test_what_belongs_together_stays_together_on_paper(tmp_path: Path) -> None:
    """8: a placeholder's name and its hint print on the same page, wherever the page breaks."""
    root = copy_handbook(tmp_path / "handbook")
    script = root / "content" / "scripts" / "thank-you-note.yml"
    text = script.read_text(encoding="utf-8")
    names = [f"Detail {n}" for n in range(1, 41)]
    text = text.replace("message: |\n", "message: |\n" + "".join(f"  [{name}]\n" for name in names), 1)
    hints = "".join(f"  - name: {name}\n    hint: The hint for {name.lower()}, which says what goes there.\n"
                    for name in names)
    text = text.replace("placeholders:\n", f"placeholders:\n{hints}", 1)
    script.write_text(text, encoding="utf-8")
    result = handbook("build", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    pages = [" ".join(page.extract_text().split())
             for page in pypdf.PdfReader(root / "site" / "handouts" / "thank-you-note.pdf").pages]
    assert len(pages) >= 2
    for name in names:
        # The message's [Detail n] is on the first page; the placeholder list's entry is the last mention.
        where_name = max(i for i, page in enumerate(pages) if f"[{name}]" in page)
        where_hint = [i for i, page in enumerate(pages) if f"The hint for {name.lower()}," in page]
        assert where_hint == [where_name], f"[{name}] and its hint are split across pages"


def _rendered(result: object) -> str:
    match = re.search(r"Handouts: \d+ PDF handouts \(([^)]*)\)", result.stderr)  # type: ignore[attr-defined]
    assert match, result.stderr  # type: ignore[attr-defined]
    return match.group(1)


def test_a_handout_is_made_again_only_when_what_it_shows_changes(tmp_path: Path) -> None:
    """9: a newer review date on another page, or a new page, makes no PDF again; a checklist's own date does
    (and the packet that binds it)."""
    root = copy_handbook(tmp_path / "handbook")
    assert handbook("build", cwd=root).returncode == 0
    guide = root / "content" / "guides" / "two-outcomes.yml"
    assert "printable: true" not in guide.read_text()
    guide.write_text(re.sub(r"\nreviewed: \S+\n", "\nreviewed: 2026-12-01\n", guide.read_text()))
    assert _rendered(handbook("build", cwd=root)).startswith("none rendered")
    (root / "content" / "extra.yml").write_text("kind: page\ntitle: Extra\nsummary: More.\nreviewed: 2026-12-02\n"
                                                "body: Hello.\n", encoding="utf-8")
    assert _rendered(handbook("build", cwd=root)).startswith("none rendered")
    checklist = root / CHECKLIST
    checklist.write_text(re.sub(r"\nreviewed: \S+\n", "\nreviewed: 2026-12-03\n", checklist.read_text()))
    assert _rendered(handbook("build", cwd=root)).startswith("2 rendered"), "get-ready and the packet"
