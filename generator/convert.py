"""A page's Markdown turned into HTML in parts, each part kept: what every office's page shares is converted once.

Each office's handbook repeats the base's pages with a few lines of its own: the line printed at the top of
each page (the office's name and the page's address) and the contact box at the bottom. Those lines made every
page's Markdown differ from office to office, so MkDocs converted every page of every office anew: about half
of an office's build in ``handbook build --all``.

The templates mark those lines (``{{ part_break }}`` around them, in ``_common.md.j2``), and
:func:`split_parts` notes where a page's Markdown is cut there, into parts. The plugin then has
MkDocs convert each part by itself (:class:`Conversions`), and keeps each part's HTML under its text, the
page's place in the site, the site's files and the Markdown settings: the body, the same in every office of a
language, is converted by the first office and reused by the others; the contact box, the same on every page
of an office, once per office.

Converting parts apart gives the same HTML as converting the whole only where nothing reaches across a cut,
so :class:`Conversions` converts a page in parts only where each part is whole (:func:`stand_alone`: at a
blank line, its HTML elements closed, its code fences closed, the next part starting a block of its own
rather than continuing a list or quotation), and converts a page whole when the site uses a Markdown extension that
reads across a page (footnotes, abbreviations, snippets: anything not in :data:`PARTS_EXTENSIONS`), when a part
holds a link reference definition, or when more than one part has headings or anchors (their ids are made
unique across the page). A part that is one line of plain HTML (the print line) is taken as Markdown passes
it (:func:`raw_html`), without making a converter for it.

Material's search plugin reads each page's HTML for its index; the same page of another office gives the
same entries, as the contact box and the print line are left out of the index (``data-search-exclude``), so
:meth:`Conversions.search_entries` keeps each page's entries and hands them to the next office.

``tests/test_offices.py`` shows offices built in one process, with parts kept, equal the same offices
generated, converted and indexed afresh, byte for byte.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import logging
import re
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from .memo import digest
from .text import MARKDOWN_EXTENSIONS

PART_BREAK = "\x1fhandbook-part\x1f"
"""Where a template marks a cut between parts of a page's Markdown (``{{ part_break }}``); removed from the text
before anything reads it (:func:`split_parts`)."""

_END = "handbook-part-end-7f3a2c"
"""A paragraph written after each part as it is converted, and cut from its HTML: the blank lines that follow a
part's last block in the whole page (one more after raw HTML) are then kept, which converting the part alone
would strip."""

PARTS_EXTENSIONS = frozenset({*MARKDOWN_EXTENSIONS, "toc", "tables", "fenced_code"})
"""The Markdown extensions that read each block by itself: a page is converted in parts only when the site
uses none but these (MkDocs's own and the handbook's)."""

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                   "wbr"})
_FENCE = re.compile(r"^ {0,3}(```|~~~)", re.MULTILINE)
_CONTINUES = re.compile(r"[ \t>:|]|[-*+] |\d{1,9}[.)] |\{:")
"""How a block starts that would join the block before it across a blank line (an indented line, a quotation, a
list item, a definition, a table row, an attribute list)."""
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:", re.MULTILINE)
_LINK = re.compile(r"\s(?:href|src)=\"([^\"]*)\"")
_RAW_LINE = re.compile(r"<(p|div)((?:\s[^<>\n]*)?)>[^<>\n]*</\1>")
_NOT_RAW = re.compile(r"\b(?:markdown|id|name)\b")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*?)?(/?)>")
"""An HTML start or end tag (a comment or ``a < b`` is not one)."""
_EXCLUDED = re.compile(r"\s*<([a-z][a-z0-9]*)\b[^<>]*\sdata-search-exclude\b[^<>]*>")


@functools.lru_cache(maxsize=8192)
def split_parts(text: str) -> tuple[str, tuple[int, ...] | None]:
    """``text`` without its part breaks, and where its parts start in it (after the first; None when it has no
    breaks): see :func:`parts_of`. (Kept: a page's text reused from the last build gives the very same text.)"""
    if PART_BREAK not in text:
        return text, None
    parts = text.split(PART_BREAK)
    return "".join(parts), tuple(itertools.accumulate(len(part) for part in parts[:-1]))


def stand_alone(parts: tuple[str, ...]) -> bool:
    """Whether each of a page's parts stands alone, so that converting them apart gives the page's HTML: not
    so for a break where a part would continue the block before it, or inside an element or a code fence (an
    office's template that put the contact box inside a list, say): such a page is converted whole."""
    largest = max(range(len(parts)), key=lambda n: len(parts[n]))
    for n, part in enumerate(parts):
        if n and not _starts_a_block("".join(parts[:n]), part):
            return False
        if len(_FENCE.findall(part)) % 2 or (n != largest and not _closed(part)):
            return False  # (the largest part's elements close when every other part's do)
    return True


def parts_of(text: str, starts: tuple[int, ...]) -> tuple[str, ...]:
    """The parts of a page's text, from where :func:`split_parts` found they start."""
    bounds = (0, *starts, len(text))
    return tuple(text[start:end] for start, end in itertools.pairwise(bounds))


def raw_html(part: str) -> str | None:
    """What Markdown makes of ``part`` when it is one line of plain HTML (an office's print line): the line as
    it is, which Markdown passes through untouched (a block-level element holding only text, without the
    ``markdown`` attribute, nor an ``id`` or ``name`` MkDocs would list as an anchor), followed by the blank
    line Markdown writes after raw HTML; None for any other part. Spares making a Markdown converter for it,
    which costs more than the line (``tests/test_render.py`` holds it to Python-Markdown's own output)."""
    line = part.strip("\n")
    found = _RAW_LINE.fullmatch(line)
    if found is None or _NOT_RAW.search(found[2]):
        return None
    return f"{line}\n\n"


def _starts_a_block(before: str, part: str) -> bool:
    """Whether ``part`` begins a block of its own after ``before``: a blank line between them, and its first
    line not one that continues the block before."""
    between = before[len(before.rstrip(" \t\n")):] + part[:len(part) - len(part.lstrip(" \t\n"))]
    first = part.lstrip("\n")
    return not part.strip() or (not before.strip() or between.count("\n") >= 2) and not _CONTINUES.match(first)


@dataclasses.dataclass
class _Elements:
    """How the HTML elements of a text nest: whether each closes in order, which are left open, and how many
    elements (or runs of text outside any) it holds at its top."""

    balanced: bool = True
    open: list[str] = dataclasses.field(default_factory=list)
    tops: int = 0


def _closed(part: str) -> bool:
    """Whether every HTML element ``part`` opens, it closes, in order."""
    elements = _parsed(part)
    return elements.balanced and not elements.open


def _parsed(html: str) -> _Elements:
    elements, at = _Elements(), 0
    for tag in _TAG.finditer(html):
        if not elements.open and html[at:tag.start()].strip():
            elements.tops += 1
        at = tag.end()
        closing, name, empty = tag[1], tag[2].lower(), tag[3] or tag[2].lower() in _VOID
        if not closing:
            elements.tops += not elements.open
            if not empty:
                elements.open.append(name)
        elif empty:
            continue
        elif not elements.open or elements.open[-1] != name:
            elements.balanced = False
        else:
            elements.open.pop()
    if not elements.open and html[at:].strip():
        elements.tops += 1
    return elements


def _searched(html: str) -> str:
    """A part's HTML as it counts for the search index: one element marked ``data-search-exclude`` (an office's
    print line and contact box), which the index skips whole, emptied; any other HTML as it is."""
    found = _EXCLUDED.match(html)
    if found is None or not html.rstrip().endswith(f"</{found[1]}>"):
        return html
    elements = _parsed(html)
    if not elements.balanced or elements.open or elements.tops != 1:
        return html
    end = len(html.rstrip())
    return f"{html[:found.end()]}</{found[1]}>{html[end:]}"


@dataclasses.dataclass(frozen=True)
class Converted:
    """What MkDocs's conversion of a part made: its HTML, headings, title, anchors and links to anchors."""

    html: str
    toc: tuple[Any, ...]
    """The headings, as (title, id, level, children) tuples."""
    title: str | None
    anchors: frozenset[str]
    links_to_anchors: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    """By the linked file's path: (anchor, link as written) pairs."""
    searched: str
    """The HTML as it counts for the search index (:func:`_searched`)."""

    @property
    def anywhere(self) -> bool:
        """Whether the part converts the same on every page: it links only to other sites (a relative link
        is resolved from the page's own address)."""
        return not self.links_to_anchors and all(_external(link) for link in _LINK.findall(self.html))


def _external(link: str) -> bool:
    parts = urlsplit(link)
    return bool(parts.scheme or parts.netloc)


class Conversions:
    """MkDocs's conversions of parts of pages, kept for the process (the latest ``limit``)."""

    def __init__(self, limit: int = 20_000) -> None:
        self.keep = False
        """Whether this process converts pages in parts and keeps them: where more builds follow that meet
        the same parts (``build --all``'s workers, ``handbook serve``); a single build converts each page
        whole and keeps nothing."""
        self.limit = limit
        self.kept: OrderedDict[tuple[str, ...], Converted] = OrderedDict()
        self._settings: tuple[Any, Any, str] | None = None
        self.search: OrderedDict[str, str] = OrderedDict()
        """Material's search entries of a page (JSON), by everything they are made from."""

    def render(self, page: Any, parts: tuple[str, ...], config: Any, files: Any) -> None:
        """What ``page.render(config, files)`` does (MkDocs's conversion of ``page.markdown`` into its
        content, headings, title and anchors), part by part, each part reused when converted before. Converts
        the whole page when ``parts`` (of the page's text, front matter included) do not stand alone or are
        not what it holds now (another plugin changed it), or parts could convert differently (see the
        module's notes)."""
        from mkdocs.structure.pages import Page

        parts = _trimmed(parts, page.markdown) if stand_alone(parts) else None
        if parts is None or not self._extensions_allow(config) or \
                (len(parts) > 1 and any(_REFERENCE.search(part) for part in parts)):
            return Page.render(page, config, files)
        settings = self._settings_key(config, files)
        done = [self._convert(page, part, config, files, settings) for part in parts]
        if None in done or sum(1 for one in done if one.anchors) > 1:  # type: ignore[union-attr]
            return Page.render(page, config, files)  # (heading ids are made unique across the whole page)
        _apply(page, done, files)  # type: ignore[arg-type]

    def _convert(self, page: Any, part: str, config: Any, files: Any, settings: str) -> Converted | None:
        """The part converted, or None when its HTML does not end as a whole page's would."""
        from mkdocs.structure.pages import Page

        anywhere = ("anywhere", part, settings)
        here = ("here", part, page.file.src_uri, page.file.url, settings)
        for key in (anywhere, here):
            if key in self.kept:
                self.kept.move_to_end(key)
                return self.kept[key]
        raw = raw_html(part)
        if raw is not None:
            return Converted(raw, (), None, frozenset(), (), _searched(raw))
        whole = page.markdown
        page.markdown = f"{part}\n\n{_END}"
        try:
            with _said() as records:
                Page.render(page, config, files)
        finally:
            page.markdown = whole
        html, end = page.content[:-len(_END) - 7], page.content[-len(_END) - 7:]
        if end != f"<p>{_END}</p>":
            return None
        converted = Converted(
            html, tuple(_headings(page.toc)), page._title_from_render, frozenset(page.present_anchor_ids),
            tuple((target.src_uri, tuple(links.items())) for target, links in (page.links_to_anchors or {}).items()),
            _searched(html))
        if not records:  # a part MkDocs warned about is converted again each time, so the warning is not lost
            self.kept[anywhere if converted.anywhere else here] = converted
            while len(self.kept) > self.limit:
                self.kept.popitem(last=False)
        return converted

    def cleaned(self, page: Any, html: str, cleaned: str) -> None:
        """The plugin cleaned ``html`` into ``cleaned`` (``on_page_content``): when ``html`` is still what the
        page's parts made, the search index may take the page's entries from another office's same page."""
        made = getattr(page, "handbook_parts", None)
        page.handbook_search = (cleaned, made[1]) if made is not None and made[0] is html else None

    def search_entries(self, index: Any, add: Any, clean: Any, page: Any) -> None:
        """Material's ``SearchIndex.add_entry_from_context(page)`` (``add``): the page's entries in the search
        index, made from its HTML; reused when the page's HTML, leaving aside the elements the index skips
        (an office's print line and contact box), its address, title, metadata and headings are another's
        (the same page of another office) already indexed. The entries are made from the HTML with those
        elements emptied (``clean`` cleans it as the plugin did the page), so they are the same whichever
        office made them."""
        found = getattr(page, "handbook_search", None)
        if found is None or page.content is not found[0]:  # another plugin changed the HTML since
            return add(page)
        key = digest([found[1], page.url, page.title, json.dumps(page.meta, default=str, sort_keys=True),
                       list(_headings(page.toc))])
        entries = self.search.get(key)
        if entries is None:
            before = len(index.entries)
            add(_Indexed(clean(found[1]), page.url, page.title, page.meta, page.toc))
            entries = self.search[key] = json.dumps(index.entries[before:])
            while len(self.search) > self.limit:
                self.search.popitem(last=False)
        else:
            self.search.move_to_end(key)
            index.entries.extend(json.loads(entries))

    def _extensions_allow(self, config: Any) -> bool:
        return all(isinstance(name, str) and name in PARTS_EXTENSIONS for name in config["markdown_extensions"])

    def _settings_key(self, config: Any, files: Any) -> str:
        """What a conversion depends on besides the text and the page: the Markdown settings, the links'
        checks, and every file's path and address (links are resolved against them)."""
        if self._settings is not None and self._settings[0] is config and self._settings[1] is files:
            return self._settings[2]
        key = digest([repr(config["markdown_extensions"]), repr(sorted(config["mdx_configs"].items())),
                       repr(config["validation"]), config["use_directory_urls"],
                       sorted((file.src_uri, file.url) for file in files)])
        self._settings = (config, files, key)
        return key


@dataclasses.dataclass(frozen=True)
class _Indexed:
    """What the search index reads of a page."""

    content: str
    url: str
    title: str
    meta: dict[str, Any]
    toc: Any


def _trimmed(parts: tuple[str, ...], markdown: str | None) -> tuple[str, ...] | None:
    """The parts of what MkDocs kept of the page after its front matter (``markdown``), or None when they do
    not make it up."""
    if markdown is None:
        return None
    skip = sum(len(part) for part in parts) - len(markdown)
    trimmed = []
    for part in parts:
        cut = min(skip, len(part))
        trimmed.append(part[cut:])
        skip -= cut
    if skip or "".join(trimmed) != markdown:
        return None
    return tuple(trimmed)


def _apply(page: Any, done: list[Converted], files: Any) -> None:
    """Set on ``page`` what MkDocs's render sets, from its parts' conversions joined."""
    from mkdocs.structure.toc import TableOfContents

    page.content = "".join(one.html for one in done).strip()
    page.handbook_parts = (page.content, "".join(one.searched for one in done).strip())
    page.toc = TableOfContents([_anchor(heading) for one in done for heading in one.toc])
    # MkDocs takes the title from an <h1> only when it is the page's first element
    page._title_from_render = next((one.title for one in done if one.html.strip()), None)
    page.present_anchor_ids = set().union(*(one.anchors for one in done))
    links: dict[Any, dict[str, str]] = {}
    for one in done:
        for src_uri, pairs in one.links_to_anchors:
            links.setdefault(files.get_file_from_path(src_uri), {}).update(pairs)
    page.links_to_anchors = links


def _headings(toc: Any) -> Iterator[tuple[Any, ...]]:
    for link in toc:
        yield (link.title, link.id, link.level, tuple(_headings(link.children)))


def _anchor(heading: tuple[Any, ...]) -> Any:
    from mkdocs.structure.toc import AnchorLink

    title, id_, level, children = heading
    link = AnchorLink(title, id_, level)
    link.children = [_anchor(child) for child in children]
    return link


@contextmanager
def _said() -> Iterator[list[logging.LogRecord]]:
    """The log records of INFO and above that MkDocs and Python-Markdown write meanwhile."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = records.append  # type: ignore[method-assign]
    loggers = [logging.getLogger(name) for name in ("mkdocs", "MARKDOWN")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


CONVERSIONS = Conversions()
"""The process's conversions, which every build in it shares (each office of ``build --all`` in a worker, each
rebuild of ``handbook serve``)."""
