"""Review: editorial warnings an editor can act on, for a handbook that is already valid.

Warnings do not stop a build; ``--strict`` makes them errors. Each names the file and the field:
pages that cite no source, sources no page cites, pages not reviewed for a while, text above the reading
grade, sentences that run too long, and checklist items too long for one printed line.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .memo import kept
from .models import NOT_WORDS_INSIDE, Checklist, Editorial, HandbookSettings
from .problems import KeyPath, Problem
from .validate import Handbook, PageEntry

# Fields that hold ids, dates, numbers or choices rather than text a reader reads.
NOT_PROSE = {"kind", "phase", "related", "sources", "reviewed", "order", "contents", "name", "id",
             *NOT_WORDS_INSIDE}

# What one printed line holds, beside its tick box, in the handout's 11 pt type (issue: printable handouts):
# the page width less 0.75 in margins and the box, over an average character width of half an em.
PAPER_WIDTH_PT = {"letter": 612.0, "a4": 595.3}
MARGIN_PT = 54.0
TICK_BOX_PT = 24.0
FONT_PT = 11.0
AVERAGE_CHAR_EM = 0.5
# Below this many words, a field is too short to grade alone (a one-word heading can "read" at grade 30): it is
# never named as the field that makes a page hard to read. The page as a whole is still graded.
MIN_WORDS_FOR_FIELD_GRADE = 8


def chars_per_printed_line(paper: str) -> int:
    """How many characters of a checklist item fit on one printed line at this paper size."""
    return int((PAPER_WIDTH_PT[paper] - 2 * MARGIN_PT - TICK_BOX_PT) / (FONT_PT * AVERAGE_CHAR_EM))


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"(\*\*|__|==|`|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w))")
_BLOCK_START = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s?)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")  # | --- | :--: |
_SENTENCE = re.compile(r"\S.*?(?:[.!?][\"”’)]*(?=\s|$)|$)")


def plain_text(markdown: str) -> str:
    """What a reader reads of a Markdown text: markup removed, each paragraph and list item a sentence."""
    blocks: list[str] = []
    current: list[str] = []
    lines = markdown.splitlines()
    table_rows = _table_rows(lines)
    for number, line in enumerate(lines):
        if not line.strip() or number in table_rows and _TABLE_RULE.match(line):
            blocks.append(" ".join(current))
            current = []
        elif number in table_rows:  # a table's row: each cell reads on its own
            blocks.append(" ".join(current))
            blocks.extend(cell.strip() for cell in line.strip().strip("|").split("|"))
            current = []
        elif _BLOCK_START.match(line):
            blocks.append(" ".join(current))
            current = [_BLOCK_START.sub("", line)]
        else:
            current.append(line.strip())
    blocks.append(" ".join(current))
    sentences = []
    for block in blocks:
        text = _MARKUP.sub("", _LINK.sub(r"\1", block)).replace("&lt;", "<").strip()
        if text:
            sentences.append(text if text[-1] in ".!?:" else text + ".")
    return " ".join(sentences)


def _table_rows(lines: list[str]) -> set[int]:
    """The numbers of the lines that make a Markdown table: a header row, its | --- | rule, and the rows after
    it up to a blank line. (A "|" in an ordinary sentence does not make one.)"""
    rows: set[int] = set()
    for number, line in enumerate(lines):
        if number and _TABLE_RULE.match(line) and "|" in lines[number - 1] and "-" in line:
            rows.update((number - 1, number))
            after = number + 1
            while after < len(lines) and lines[after].strip() and "|" in lines[after]:
                rows.add(after)
                after += 1
    return rows


def sentences(text: str) -> list[str]:
    """Split plain text into sentences at ., ! and ? followed by a space."""
    return _SENTENCE.findall(text)


def prose_fields(model: BaseModel, path: KeyPath = ()) -> Iterator[tuple[KeyPath, str]]:
    """Every text field a reader sees, with its key path, in the order of the file."""
    for name in type(model).model_fields:
        if name in NOT_PROSE:
            continue
        yield from _prose(getattr(model, name), (*path, name))


def _prose(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        yield from prose_fields(value, path)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _prose(item, (*path, i))


def _raises_grade_most(texts: list[tuple[KeyPath, str]], textstat: Any) -> tuple[KeyPath, float] | None:
    """The field whose text raises the page's Flesch-Kincaid grade the most: the page graded without each field
    in turn (from each field's counts of words, sentences and syllables, so it costs one pass), among the fields
    long enough to grade alone. None when no field is."""

    def fk(words: float, sentences: float, syllables: float) -> float:
        return 0.39 * words / max(sentences, 1) + 11.8 * syllables / max(words, 1) - 15.59

    counts = [(path, textstat.lexicon_count(text), max(len(sentences(text)), 1), textstat.syllable_count(text))
              for path, text in texts]
    words, sents, syllables = (sum(c[i] for c in counts) for i in (1, 2, 3))
    whole = fk(words, sents, syllables)
    best: tuple[float, KeyPath, float] | None = None
    for path, w, s, y in counts:
        if w < MIN_WORDS_FOR_FIELD_GRADE:
            continue
        raised = whole - fk(words - w, sents - s, syllables - y) if w < words else float("inf")  # all the text
        if best is None or raised > best[0]:
            best = (raised, path, fk(w, s, y))
    return (best[1], best[2]) if best is not None and best[0] > 0 else None


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


Finding = tuple[KeyPath, str, str]
"""A reading warning about one field of a page: where, what, and what to do."""


class ReadingCache:
    """The reading warnings of each page, kept on disk under a hash of everything they depend on (the page's
    text, the limits, the paper size, textstat's version), so a build only grades the pages that changed.

    Grading needs textstat's pronouncing dictionary, which takes about a second to load; a build where no
    text changed never loads it. ``path`` None keeps nothing (tests, one-off checks).
    """

    FORMAT = "2"

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, list[Finding]] = {}
        self.used: dict[str, list[Finding]] = {}
        if path is not None and path.is_file():
            try:
                stored = json.loads(path.read_text(encoding="utf-8"))
                self.entries = {key: [(tuple(where), message, hint) for where, message, hint in found]
                                for key, found in stored.items()}
            except (ValueError, TypeError, AttributeError, OSError):
                self.entries = {}  # an unreadable cache is an empty one

    def findings(self, key: str, grade: Any) -> list[Finding]:
        """The findings stored under ``key``, or ``grade()``'s, stored. (Also kept for the process: the same
        text is graded once, whichever handbook it is in: the base's pages in each office's.)"""
        found = self.entries.get(key)
        if found is None:
            found = kept("graded", key, (), grade)
        self.used[key] = found
        return found

    def save(self) -> None:
        """Write the findings this build used (and only those) back, in one step."""
        if self.path is None or self.used == self.entries:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(f".{os.getpid()}.part")
        partial.write_text(json.dumps(self.used, sort_keys=True), encoding="utf-8")
        partial.replace(self.path)


def warm_up() -> None:
    """Load textstat and its pronouncing dictionary now (about a second), so that grading the first page an
    editor changes while previewing does not wait for it."""
    import textstat

    textstat.syllable_count("handbook")


def review(handbook: Handbook, today: dt.date | None = None, cache: ReadingCache | None = None,
           skip: set[str] | frozenset[str] = frozenset(), *, reading: bool = True) -> list[Problem]:
    """Every editorial warning for the handbook, sorted by file and position; pages in ``skip`` (shown in
    another language, untranslated) are reviewed in their own language's handbook, not here. Without
    ``reading``, the text is not graded (no reading warnings): for a build that shows no warnings."""
    entries = [entry for page_id, entry in handbook.pages.items() if page_id not in skip]
    warnings = review_pages(entries, handbook.settings, today, cache, language=handbook.settings.language,
                            reading=reading)
    cited = {source for entry in handbook.pages.values() for source in entry.page.sources}
    if handbook.sources_doc is not None:
        for source_id in handbook.sources:
            if source_id not in cited:
                warnings.append(_warn(handbook.sources_doc.problem(
                    (source_id,), "no page cites this source",
                    "cite it under sources on the pages that draw on it, or remove it", at_key=True)))
    return sorted(warnings)


def review_pages(entries: list[PageEntry], settings: HandbookSettings | None, today: dt.date | None = None,
                 cache: ReadingCache | None = None, language: str = "en", *, reading: bool = True) -> list[Problem]:
    """The editorial warnings of these pages alone, with the handbook's limits (the defaults, when its settings
    are not valid): also what a run with errors elsewhere shows, so no warning waits for a second round."""
    today = today or dt.datetime.now().astimezone().date()  # the editor's own calendar day
    cache = cache or ReadingCache(None)
    limits = settings.editorial if settings is not None else Editorial()
    paper = settings.paper if settings is not None else "letter"
    grading = Grading.of(language, limits)
    salt = [ReadingCache.FORMAT, version("textstat"), limits.max_sentence_words, paper, *grading.salt]
    warnings = [warning for entry in entries
                for warning in _review_page(entry, limits, paper, today, cache, salt, grading if reading else None)]
    if reading:  # (else nothing was looked up, and the stored grades stay for the next build that grades)
        cache.save()
    return sorted(warnings)


def _warn(problem: Problem) -> Problem:
    return Problem(problem.file, problem.line, problem.column, problem.message, problem.key, problem.hint,
                   warning=True)


def _review_page(entry: PageEntry, limits: Editorial, paper: str, today: dt.date, cache: ReadingCache,
                 salt: list[Any], grading: Grading | None) -> Iterator[Problem]:
    page, doc = entry.page, entry.doc
    if page.kind != "page" and not page.sources:
        where: KeyPath = ("sources",) if "sources" in doc.data else ()
        yield _warn(doc.problem(where, "the page cites no source",
                                "list the ids of the articles it draws on under sources (see sources.yml)"))
    due = _add_months(page.reviewed, limits.review_every_months)
    if due < today:
        yield _warn(doc.problem(("reviewed",), f"last reviewed on {page.reviewed.isoformat()}, more than "
                                f"{limits.review_every_months} months ago",
                                "check that the page is still right, then set reviewed to today's date"))
    if grading is None:
        return
    key = kept("reading", doc.file, (page, *salt), lambda: _reading_key(page, salt))
    for path, message, hint in cache.findings(key, lambda: list(_reading(page, list(prose_fields(page)), limits,
                                                                          paper, grading))):
        yield _warn(doc.problem(path, message, hint))


def _reading_key(page: Any, salt: list[Any]) -> str:
    """What a page's reading findings are kept under: its text and everything grading it depends on."""
    return hashlib.sha256(json.dumps([*salt, page.kind, list(prose_fields(page))]).encode()).hexdigest()


FLESCH_VARIANTS = {
    "fr": "Kandel and Moles's Flesch formula for French",
    "es": "Fernández Huerta's formula for Spanish",
    "de": "Amstad's Flesch formula for German",
    "it": "Flesch-Vacca's formula for Italian",
    "nl": "Flesch-Douma's formula for Dutch",
    "ru": "Oborneva's Flesch formula for Russian",
}
"""The languages textstat grades with a Flesch reading ease of their own, and the formula's name."""


@dataclass(frozen=True)
class Grading:
    """How a language's pages are graded: English by school grade (Flesch-Kincaid), other languages by their
    own reading-ease formula where textstat has one, with a limit per language; others not at all."""

    language: str
    formula: str | None
    limit: float | None

    @classmethod
    def of(cls, language: str, limits: Editorial) -> Grading:
        base = language.split("-")[0]
        if base == "en":
            return cls(language, "Flesch-Kincaid", limits.max_reading_grade)
        if base in FLESCH_VARIANTS:
            ease = limits.min_reading_ease.get(language, limits.min_reading_ease.get(base))
            return cls(language, FLESCH_VARIANTS[base], ease)
        return cls(language, None, None)

    @property
    def salt(self) -> list[Any]:
        return [self.language, self.formula, self.limit]

    def check(self, text: str, textstat: Any) -> tuple[float, bool] | None:
        """The text's score and whether it is past the limit, or None when the language is not graded."""
        if self.formula is None or self.limit is None:
            return None
        if self.formula == "Flesch-Kincaid":
            grade = textstat.flesch_kincaid_grade(text)
            return grade, grade > self.limit
        scorer = _scorer(self.language.split("-")[0])
        ease = scorer.flesch_reading_ease(text)
        return ease, ease < self.limit


@functools.lru_cache(maxsize=8)
def _scorer(language: str) -> Any:
    """A textstat of its own for one language (textstat's module-level one is shared, and English)."""
    import textstat

    scorer = type(textstat.textstat)()
    scorer.set_lang(language)
    return scorer


def _reading(page: Any, fields: list[tuple[KeyPath, str]], limits: Editorial, paper: str,
             grading: Grading | None = None) -> Iterator[Finding]:
    """What a reader would stumble on: long sentences, a high reading grade, checklist items too long to print."""
    import textstat  # here: loading it (and its dictionary) is only worth it when there is text to grade

    grading = grading or Grading.of("en", limits)

    texts = [(path, plain_text(text)) for path, text in fields]
    for path, text in texts:
        for sentence in sentences(text):
            words = textstat.lexicon_count(sentence)
            if words > limits.max_sentence_words:
                start = " ".join(sentence.split()[:8])
                yield (path, f'a sentence of {words} words, more than {limits.max_sentence_words}: "{start} …"',
                       "split it into shorter sentences")
    scored = grading.check(" ".join(text for _, text in texts), textstat)
    if scored is not None and scored[1] and grading.formula == "Flesch-Kincaid":
        grade = scored[0]
        hardest = _raises_grade_most(texts, textstat)
        where: KeyPath = hardest[0] if hardest else ()
        said = (f"; this field raises it most (it reads at {hardest[1]:.1f} alone)" if hardest else "")
        yield (where, f"the page reads at school grade {grade:.1f} (Flesch-Kincaid), above "
               f"{limits.max_reading_grade:g}{said}", "use shorter sentences and everyday words")
    elif scored is not None and scored[1]:
        graded = [(grading.check(text, textstat), path) for path, text in texts
                  if textstat.lexicon_count(text) >= MIN_WORDS_FOR_FIELD_GRADE]
        hardest = min(((score[0], path) for score, path in graded if score is not None), default=None,
                      key=lambda found: found[0])
        said = f"; this field reads hardest ({hardest[0]:.0f} alone)" if hardest else ""
        yield (hardest[1] if hardest else (), f"the page's reading ease is {scored[0]:.0f} ({grading.formula}), "
               f"below {grading.limit:g} (higher is easier){said}", "use shorter sentences and everyday words")
    if isinstance(page, Checklist):
        limit = chars_per_printed_line(paper)
        for g, group in enumerate(page.groups):
            for i, item in enumerate(group.items):
                length = len(plain_text(item.text).rstrip("."))
                if length > limit:
                    yield (("groups", g, "items", i, "text"), f"{length} characters, more than fit on one printed "
                           f"line ({limit} at {paper} size)", "shorten it, or move the detail into a note")
