"""Handouts: printable pages as PDF, designed to be filled in.

Two steps, kept apart so the site can be generated without WeasyPrint:

1. :func:`handout_sources` renders each printable page (every checklist, and guides and scripts marked
   ``printable: true``) to print HTML with ``templates/handout.html.j2``, plus the workshop packet's cover with
   ``templates/packet-cover.html.j2``. This is part of :func:`generator.pipeline.generate`.
2. :class:`Press` turns that HTML into tagged, fillable PDFs with WeasyPrint, one long-lived process, caching
   each PDF under a hash of everything that shapes it, so a rebuild renders only what changed.

Nothing is fetched from the network: the only files WeasyPrint may read are the fonts shipped in this package
and the handbook's own assets.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from .editorial import FONT_PT, MARGIN_PT, TICK_BOX_PT
from .failures import MachineError, missing_pango
from .isolation import limit_memory
from .memo import Renders, Watch, watched_objects
from .models import Checklist
from .problems import ContentError, Problem
from .render import (
    CHANNEL_LABELS,
    PACKAGE_ASSETS,
    TemplateRuns,
    cited_by,
    contact_lines,
    day_epoch,
    make_environment,
    marked_gettext,
    message_markdown,
    part_helpers,
    rendered_store,
    shared_parts,
)
from .strings import N_, Words
from .text import block, is_safe_url, print_extensions
from .validate import SETTINGS_FILE, Handbook

HANDOUTS_DIR = "handouts"
PACKET_ID = "packet"
PAGE_TEMPLATE = "handout.html.j2"
COVER_TEMPLATE = "packet-cover.html.j2"
FONTS_DIR = PACKAGE_ASSETS / "fonts"
# The family the handout stylesheet asks for, and its faces: Atkinson Hyperlegible, made by the Braille Institute
# for readers with low vision (SIL Open Font License, FONTS_DIR/OFL.txt). Shipped, so every machine prints alike.
FONT_FAMILY = "Atkinson Hyperlegible"
FONT_FACES = {(400, "normal"): "atkinson-hyperlegible-latin-400-normal.woff",
              (400, "italic"): "atkinson-hyperlegible-latin-400-italic.woff",
              (700, "normal"): "atkinson-hyperlegible-latin-700-normal.woff",
              (700, "italic"): "atkinson-hyperlegible-latin-700-italic.woff"}
# The sizes the templates lay out with; the editorial warning for long checklist items counts with the same.
LAYOUT = {"margin_pt": MARGIN_PT, "margin_top_pt": 40, "tick_box_pt": TICK_BOX_PT, "font_pt": FONT_PT,
          "write_in_line_pt": 20}
# The office's colour on handouts (headings, rules); indigo 800, as the site's indigo, 10:1 on white.
BRAND_COLOR = "#283593"
# Bumped when this module changes how it renders, so old cached PDFs are not reused.
CACHE_FORMAT = "2"
# Cached PDFs unused for this long are deleted at the end of a build.
CACHE_DAYS = 30
HANDOUT_SECONDS = 60.0
"""The longest one handout may take to lay out and write (the default handbook's longest, the packet, takes 3 s)."""
WORKER_MEMORY_MB = 1000
"""How much more memory than it started with a handout worker process may use."""
MAX_CHECKLIST_PAGES = 4
"""The most pages a checklist may say it takes (``pages`` in models.Checklist)."""
FONT_EPOCH = 0
"""The time the shipped fonts are stamped with when a press converts them (1970: the same on every machine)."""
PDF_OPTIONS: dict[str, Any] = {"pdf_forms": True, "pdf_variant": "pdf/ua-1"}


# --- print HTML --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Handout:
    """One PDF to make: its print HTML, and what a problem with it should point at."""

    id: str
    title: str
    html: str
    file: Path
    """The content file a problem with this handout names."""
    line: int = 0
    max_pages: int = 0
    """How many sheets it may take: a checklist's ``pages`` (1 unless it says more), as people print and fill
    it in by hand; 0 for no limit (guides, scripts, the packet)."""
    epoch: int = 0
    """The date it stands for, in seconds since 1970: its page's review date (the packet: its newest part's).
    A PDF changes only when something it shows changes, not when another page's date does."""
    parts: tuple[Handout, ...] = ()
    """For the packet: the handouts it binds behind its cover, in order."""

    @property
    def path(self) -> str:
        """Where it goes in the site: ``handouts/<id>.pdf``."""
        return f"{HANDOUTS_DIR}/{self.id}.pdf"


def page_urls(site_url: str | None, use_directory_urls: bool = True,
              hidden: frozenset[str] = frozenset()) -> Callable[[str], str | None]:
    """A function giving each page id's web address under ``site_url`` (None when there is no site_url, and
    for pages an office hides)."""
    if not site_url:
        return lambda page_id: None
    base = site_url if site_url.endswith("/") else site_url + "/"

    def url(page_id: str) -> str | None:
        if page_id in hidden:
            return None
        if page_id == "index":
            return base
        return f"{base}{page_id}/" if use_directory_urls else f"{base}{page_id}.html"

    return url


class _PrintLinks(Treeprocessor):
    """Links in print: pages of the handbook point to their web address; links that only work inside the site
    (anchors, files) become plain text."""

    def __init__(self, md: markdown.Markdown, url: Callable[[str], str | None]) -> None:
        super().__init__(md)
        self.url = url

    def run(self, root: ElementTree.Element) -> None:
        for link in root.iter("a"):
            href = link.get("href", "")
            if is_safe_url(href) and ":" in href.split("/")[0]:  # to the web, email or phone
                continue
            target, _, anchor = href.partition("#")
            address = self.url(target.rsplit("/", 1)[-1].removesuffix(".md")) if target.endswith(".md") else None
            if address:
                link.set("href", address + (f"#{anchor}" if anchor else ""))
            else:
                link.tag = "span"
                link.attrib.clear()


class _PrintMarkdown(markdown.Extension):
    def __init__(self, url: Callable[[str], str | None]) -> None:
        super().__init__()
        self.url = url

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_PrintLinks(md, self.url), "handbook_print_links", 0)


class _Converter:
    """Editors' Markdown to HTML for print, with their HTML shown as text, as on the site."""

    def __init__(self, url: Callable[[str], str | None]) -> None:
        self.md = markdown.Markdown(extensions=[*print_extensions(), _PrintMarkdown(url)])

    def block(self, text: str) -> Markup:
        self.md.reset()
        return Markup(self.md.convert(block(text)))  # block() escapes editors' HTML

    def inline(self, text: str) -> Markup:
        return _unwrap(self.block(" ".join(text.split())))

    def message(self, text: str) -> Markup:
        """A script's message with its line breaks and [Placeholders] marked, as on the site."""
        self.md.reset()
        return Markup(self.md.convert(message_markdown(text)))  # message_markdown escapes

    def message_inline(self, text: str) -> Markup:
        """One line with its [Placeholders] marked (an email's subject)."""
        return _unwrap(self.message(" ".join(text.split())))


def _unwrap(html: Markup) -> Markup:
    """One paragraph's content without its <p>, for a place that is already a line (a heading, an item)."""
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return Markup(html[3:-4])  # the paragraph's content, escaped when it was made
    return html


def _page_counter_css(words: Words) -> Markup:
    """CSS ``content`` for "Page 1 of 2" in the handout's language, with the numbers as CSS counters."""
    pieces = re.split(r"(%\(page\)s|%\(pages\)s)", words(N_("Page %(page)s of %(pages)s")))
    parts = ["counter(page)" if w == "%(page)s" else "counter(pages)" if w == "%(pages)s" else _css_string(w)
             for w in pieces if w]
    return Markup(" ".join(parts))  # the words are ours (the catalogs), not an editor's


def _css_string(text: str) -> str:
    """``text`` as a CSS string: quotes and backslashes escaped the CSS way, other characters as they are
    ("Página", which JSON would write as a \\u escape that CSS does not read)."""
    return '"' + re.sub(r'["\\\n]', lambda m: f"\\{ord(m.group()):x} ", text) + '"'


def handout_sources(handbook: Handbook, templates_dir: Path | list[Path], url: Callable[[str], str | None],
                    office: Any = None, cache_dir: Path | None = None) -> list[Handout]:
    """The print HTML of every handout, and of the packet when ``handbook.yml`` lists one (last). An
    ``office`` (:class:`generator.offices.Office`) puts its logo and colour on them."""
    settings = handbook.settings
    env = make_environment(templates_dir, settings.language, handbook.hidden, cache_dir, handbook.original_language)
    folders = [templates_dir] if isinstance(templates_dir, Path) else templates_dir
    words = Words.of(folders[-1], settings.language)
    convert = _Converter(url)
    env.filters.update(md=convert.block, md_inline=convert.inline, md_message=convert.message,
                       md_message_inline=convert.message_inline)
    shared = {
        "office": settings.office,
        "contact_lines": contact_lines(settings.office.contact),
        "handbook": settings,
        "language": settings.language,
        "paper": {"letter": "letter", "a4": "A4"}[settings.paper],
        "layout": LAYOUT,
        "brand": office.settings.colors.primary if office is not None else BRAND_COLOR,
        "logo": office.logo.resolve().as_uri() if office is not None and office.logo is not None else None,
        "page_counter": _page_counter_css(words),
        "channel_label": CHANNEL_LABELS,
        "shown_in": None,
        "behind": None,
        **part_helpers(handbook, words),
    }
    printable = handbook.printable
    run = TemplateRuns(env, folders)
    run.load([PAGE_TEMPLATE])
    renders = Renders(("html", *folders, settings.language),
                      shared_parts(handbook, folders, [], [], (), url, shared["brand"], shared["logo"]),
                      Watch(watched_objects(handbook)), rendered_store(cache_dir))
    handouts: dict[str, Handout] = {}
    for entry in printable:
        sources = [handbook.sources[source] for source in cited_by(entry.page)]
        parts = (entry.page, sources, url(entry.id), handbook.shown_in.get(entry.id), handbook.behind.get(entry.id))
        html = run.memoised(renders, str, PAGE_TEMPLATE, entry.id, parts, shared, id=entry.id, page=entry.page,
                            url=url(entry.id), sources=sources, shown_in=handbook.shown_in.get(entry.id),
                            behind=handbook.behind.get(entry.id),
                            **({"gettext": marked_gettext(words)} if entry.id in handbook.shown_in else {}))
        if html is None:
            continue
        max_pages = entry.page.pages if isinstance(entry.page, Checklist) else 0
        if max_pages and entry.id in handbook.shown_in:
            max_pages += 1  # the original fits; the notice that it is not translated may push it onto a page more
        file, line = entry.doc.file, entry.doc.key_spot(("groups",)).line if max_pages else 0
        if getattr(entry.doc, "patch_file", None):  # an office's patch changed it: that is the file to edit
            file, line = entry.doc.patch_file, 0
        handouts[entry.id] = Handout(entry.id, entry.page.title, html, file, line, max_pages,
                                     day_epoch(entry.page.reviewed))
    renders.save()
    run.raise_problems()
    result = list(handouts.values())
    if settings.packet:
        chosen = [handbook.pages[page_id] for page_id in settings.packet]
        run.load([COVER_TEMPLATE])
        cover = run(COVER_TEMPLATE, "packet", shared, id=PACKET_ID, url=url("index"),
                    contents=[(entry, url(entry.id)) for entry in chosen])
        run.raise_problems()
        assert cover is not None
        settings_file = handbook.content_dir / f"{SETTINGS_FILE}.yml"
        title = words(N_("Workshop packet: %(title)s"), title=settings.title)
        parts = tuple(handouts[page_id] for page_id in settings.packet)
        result.append(Handout(PACKET_ID, title, cover, settings_file, epoch=max(part.epoch for part in parts),
                              parts=parts))
    return result


# --- PDF ---------------------------------------------------------------------------------------------------


@dataclass
class PressReport:
    """What a run of the press did, for the summary line."""

    rendered: list[str] = dataclasses.field(default_factory=list)
    cached: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        total = len(self.rendered) + len(self.cached)
        made = f"{len(self.rendered)} rendered" if self.rendered else "none rendered"
        return (f"{total} PDF handout{'s' if total != 1 else ''} ({made}, {len(self.cached)} unchanged) "
                f"in {self.seconds:.1f} s")


class _Collector(logging.Handler):
    """Keeps what WeasyPrint warns about while one handout renders: every warning is a problem to fix."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


CONTENT_DATE = "HANDBOOK_SOURCE_DATE"
"""Holds the value the build itself gave SOURCE_DATE_EPOCH (the handbook's newest review date), when the person
building did not set it: then each handout stands for its own page's date instead."""


def set_by_the_build() -> bool:
    """Whether SOURCE_DATE_EPOCH is the one the build set (not one the person building chose)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return bool(value) and os.environ.get(CONTENT_DATE) == value


def source_date_epoch() -> int | None:
    """The time the person building asked every output to stand for (SOURCE_DATE_EPOCH, as reproducible builds
    define it), or None when they did not."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value.isdigit() or set_by_the_build():
        return None
    return int(value)


@contextlib.contextmanager
def _source_date(epoch: int) -> Iterator[None]:
    """fontTools stamps every font it converts or subsets with the time; this makes it a fixed one, so the same
    handout gives the same bytes on any day (the PDFs carry no other date but the page's review date)."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


class Press:
    """Makes PDFs from handout HTML with WeasyPrint, keeping each in a cache folder under its hash.

    One press lives for a whole build (or a whole ``mkdocs serve``): WeasyPrint is imported and its fonts are
    loaded once. ``readable`` lists the folders WeasyPrint may read files from (the handbook's assets) besides
    the package's fonts; anything else, and anything on the network, is refused.
    """

    def __init__(self, cache_dir: Path, base_dir: Path, readable: Iterable[Path] = (),
                 jobs: int | None = None) -> None:
        self.cache_dir = cache_dir
        self.base_dir = base_dir
        self.base_url = f"{base_dir.resolve().as_uri()}/"
        """Relative addresses in the HTML (an image, a logo) start from here: the content folder."""
        self.readable = tuple(path.resolve() for path in (FONTS_DIR, *readable))
        self.jobs = jobs or os.cpu_count() or 1
        """How many handouts to render at once: each in a worker process of its own, started once and kept
        (with WeasyPrint loaded and its fonts read) for the press's lifetime."""
        self.epoch = source_date_epoch()
        """SOURCE_DATE_EPOCH when the person building set it: every handout stands for that time. None: each
        handout stands for its own page's date (:attr:`Handout.epoch`)."""
        self._pool: Any = None
        self._fingerprint = self._environment_fingerprint()
        self._weasy: Any = None
        self._fonts: Any = None
        self._font_css: Any = None
        self._used: set[Path] = set()
        self._laid_out: dict[str, Any] = {}
        """The packet's parts as laid out for its last rendering, by key."""
        self._keys: dict[Handout, str] = {}
        """Each handout's key, worked out once a build (a build asks for it several times)."""

    def _environment_fingerprint(self) -> str:
        """Everything besides the HTML that shapes a PDF: our format, WeasyPrint's version, fonts, assets."""
        digest = hashlib.sha256(f"{CACHE_FORMAT}\0{version('weasyprint')}\0{version('pydyf')}\0".encode())
        digest.update(json.dumps(PDF_OPTIONS, sort_keys=True).encode())
        for root in self.readable:
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                digest.update(f"{path.relative_to(root).as_posix()}\0".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()

    def epoch_of(self, handout: Handout) -> int:
        """The time this handout's PDF stands for (fontTools stamps it into the fonts)."""
        return self.epoch if self.epoch is not None else handout.epoch

    def key(self, handout: Handout) -> str:
        """The cache key: changes whenever anything that shapes this PDF changes."""
        if handout not in self._keys:
            digest = hashlib.sha256(f"{self._fingerprint}\0{self.epoch_of(handout)}\0{handout.max_pages}\0".encode())
            digest.update(handout.html.encode())
            for part in handout.parts:
                digest.update(f"\0{self.key(part)}".encode())
            self._keys[handout] = digest.hexdigest()[:32]
        return self._keys[handout]

    def path(self, handout: Handout) -> Path:
        """Where this handout's PDF, as it is now, is kept in the cache (made or not yet)."""
        return self.cache_dir / f"{self.key(handout)}.pdf"

    def cached(self, handout: Handout) -> Path | None:
        """The cached PDF for this handout as it is now, if an earlier build made it."""
        path = self.path(handout)
        if not path.is_file():
            return None
        if not _whole_pdf(path):  # cut short (a full disk, a copy that failed): made again, never published
            path.unlink(missing_ok=True)
            return None
        return path

    def _start(self) -> None:
        if self._weasy is not None:
            return
        try:
            import weasyprint
            from weasyprint.text.fonts import FontConfiguration
        except OSError as error:  # cffi could not load Pango (or one of the libraries it needs)
            raise missing_pango(error) from None

        missing = [name for name in FONT_FACES.values() if not (FONTS_DIR / name).is_file()]
        if missing:
            raise MachineError(f"a font the PDF handouts need is missing: {FONTS_DIR / missing[0]}",
                               "reinstall the handbook generator (pip install --force-reinstall .), or build "
                               "without handouts: --no-pdf")
        self._weasy = weasyprint
        self._fonts = FontConfiguration()
        faces = "\n".join(f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; '
                          f'font-style: {style}; src: url("{name}") format("woff"); }}'
                          for (weight, style), name in FONT_FACES.items())
        # The fonts are converted once, here, and fontTools stamps them with the time: a fixed one, whatever the
        # handout this press happens to make first (each handout's own date stamps its subset fonts later).
        with _source_date(FONT_EPOCH):
            self._font_css = weasyprint.CSS(string=faces, base_url=f"{FONTS_DIR.as_uri()}/",
                                            font_config=self._fonts, url_fetcher=self._fetcher())

    def _fetcher(self) -> Any:
        readable = self.readable
        weasyprint = self._weasy

        class LocalOnly(weasyprint.URLFetcher):
            """Reads files from the allowed folders and data: URLs; refuses everything else."""

            def fetch(self, url: str, headers: Any = None) -> Any:
                if url.startswith("data:"):
                    return super().fetch(url, headers)
                if not url.startswith("file:"):
                    raise ValueError(f"handouts never fetch from the network ({url[:60]})")
                from urllib.parse import unquote, urlsplit

                path = Path(unquote(urlsplit(url).path)).resolve()
                if not any(path.is_relative_to(root) for root in readable):
                    raise ValueError(f"{path} is outside the folders handouts may use")
                return super().fetch(url, headers)

        return LocalOnly(fail_on_errors=True)

    def _document(self, handout: Handout) -> Any:
        """Lay out one handout's HTML; WeasyPrint's warnings become problems naming the page."""
        collector = _Collector()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(collector)
        try:
            html = self._weasy.HTML(string=handout.html, base_url=self.base_url, url_fetcher=self._fetcher())
            _never_sends(html.etree_element)
            document = html.render(stylesheets=[self._font_css], font_config=self._fonts, **PDF_OPTIONS)
        except (Exception, self._weasy.urls.FatalURLFetchingError) as error:  # this handout's problem, whatever
            cause = error.__cause__ or error  # a refused file: our fetcher's reason, not WeasyPrint's wrapper
            collector.messages.append(str(cause) or type(cause).__name__)
            document = None
        finally:
            logger.removeHandler(collector)
        if document is not None:
            _drop_unsafe_links(document)
        if collector.messages:
            raise ContentError([Problem(handout.file, handout.line, 1 if handout.line else 0,
                                        f"the handout {handout.path} could not be made: {message}",
                                        hint="check the handout templates (handout.html.j2, handout.css.j2) "
                                             "and the files they use")
                                for message in dict.fromkeys(collector.messages)])
        return document

    def make(self, handout: Handout) -> Path:
        """Render the PDF (from the cache when it is there) and return where it is."""
        cached = self.cached(handout)
        if cached is not None:
            self._used.add(cached)
            return cached
        target = self.path(handout)
        self.store(self.render(handout), target)
        self._used.add(target)
        return target

    def store(self, pdf: bytes, target: Path) -> None:
        """Write a PDF into the cache in one step (a build stopped halfway leaves no half file under its key)."""
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(pdf)
        partial.replace(target)

    def render(self, handout: Handout) -> bytes:
        """The PDF of one handout, made now (no cache); raises ContentError naming the page. It may take at most
        :data:`HANDOUT_SECONDS` (where the clock can interrupt it: a process's main thread)."""
        with _source_date(self.epoch_of(handout)), _deadline(handout):
            self._start()
            document = self._document(handout)
            if handout.max_pages and len(document.pages) > handout.max_pages:
                raise ContentError([self._too_long(handout, document)])
            if handout.max_pages:  # it fits now: the overflowing PDF kept last time is of no more use
                self.too_long_path(handout).unlink(missing_ok=True)
            if handout.parts:
                parts = [self._part(part) for part in handout.parts]
                current = {self.key(part) for part in handout.parts}
                self._laid_out = {key: doc for key, doc in self._laid_out.items() if key in current}
                document = document.copy([page for doc in (document, *parts) for page in doc.pages])
            return document.write_pdf(**PDF_OPTIONS)

    def too_long_path(self, handout: Handout) -> Path:
        """Where the PDF of a checklist longer than it may be is kept for the editor to open."""
        return self.cache_dir.parent / "too-long" / f"{handout.id}.pdf"

    def _too_long(self, handout: Handout, document: Any) -> Problem:
        """A checklist longer than it may be: by how much, what landed on the page after, and where to see it."""
        from .problems import display_path

        allowed = handout.max_pages
        spill = _spilled(document.pages[allowed:])
        keep = self.too_long_path(handout)
        shown = ""
        try:
            keep.parent.mkdir(parents=True, exist_ok=True)
            keep.write_bytes(document.write_pdf(**PDF_OPTIONS))
            shown = f"; the PDF as it is now: {display_path(keep)}"
        except OSError:
            pass  # the message says what it can without the file
        pages = "one printed page" if allowed == 1 else f"{allowed} printed pages"
        extra = len(document.pages) - allowed
        if extra > 1:
            amount = f"{extra} more pages"
        elif spill.lines:
            amount = f"about {spill.lines} line{'s' if spill.lines != 1 else ''} ({spill.cm:.1f} cm)"
        else:
            amount = f"about {spill.cm:.1f} cm"
        start = f', starting with "{spill.start}"' if spill.start else ""
        needed = allowed + extra
        grow = f"let it take {needed} pages (pages: {needed}), " if needed <= MAX_CHECKLIST_PAGES else ""
        return Problem(handout.file, handout.line, 1 if handout.line else 0,
                       f"this checklist does not fit on {pages}: {amount} run onto page {allowed + 1}{start}",
                       hint=f"shorten the items and notes, give write-in questions fewer lines, {grow}or split the "
                            f"checklist in two{shown}")

    def _part(self, part: Handout) -> Any:
        """One handout of the packet, laid out; kept for the packet's next rendering (a rebuild while
        previewing), when only the changed parts need laying out again."""
        key = self.key(part)
        if key not in self._laid_out:
            self._laid_out[key] = self._document(part)
        return self._laid_out[key]

    def make_all(self, handouts: list[Handout]) -> Iterator[tuple[Handout, list[Problem]]]:
        """Render ``handouts`` into the cache, several at once when there are several and ``jobs`` allows;
        yield each with its problems (none if it was made), in the order given. With workers, the rendering
        starts at once, in the background: the caller may do other work before asking for the results."""
        if self.jobs <= 1 or len(handouts) <= 1:
            return self._one_by_one(handouts)
        pool = self._workers()
        futures = [pool.submit(_render_in_worker, handout, str(self.path(handout)), self.epoch_of(handout))
                   for handout in handouts]
        return self._collect(handouts, futures)

    def _one_by_one(self, handouts: list[Handout]) -> Iterator[tuple[Handout, list[Problem]]]:
        for handout in handouts:
            try:
                self.make(handout)
            except ContentError as error:
                yield handout, error.problems
            else:
                yield handout, []

    def _collect(self, handouts: list[Handout], futures: list[Any]) -> Iterator[tuple[Handout, list[Problem]]]:
        try:
            for handout, future in zip(handouts, futures, strict=True):
                problems = future.result()
                if not problems:
                    self._used.add(self.path(handout))
                yield handout, problems
        finally:
            for future in futures:
                future.cancel()

    def _workers(self) -> Any:
        """The worker processes, started the first time several handouts need rendering, then kept."""
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # spawn: a fresh interpreter, safe whatever threads this process runs (mkdocs serve has several);
            # PYTHONSAFEPATH: it imports nothing from the working folder, whatever a file there is called.
            os.environ["PYTHONSAFEPATH"] = "1"
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=(self.cache_dir, self.base_dir, self.readable[1:]))
        return self._pool

    def workers(self) -> set[int]:
        """The process ids of the worker processes now running (none until several handouts were rendered)."""
        return set(self._pool._processes or {}) if self._pool is not None else set()

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def prune(self) -> None:
        """Delete cached PDFs that no build has used for CACHE_DAYS days (this build's are marked as used)."""
        self._keys.clear()  # the next build (a rebuild of `mkdocs serve`) has handouts of its own
        now = time.time()
        for path in self._used:
            with contextlib.suppress(OSError):
                os.utime(path)
        if not self.cache_dir.is_dir():
            return
        for path in self.cache_dir.glob("*.pdf"):
            if path not in self._used and now - path.stat().st_mtime > CACHE_DAYS * 86400:
                path.unlink(missing_ok=True)
        for path in self.cache_dir.glob("*.part"):  # left by a build that was stopped while writing
            if now - path.stat().st_mtime > 3600:
                path.unlink(missing_ok=True)


@dataclass(frozen=True)
class _Spill:
    lines: int
    cm: float
    start: str


def _spilled(pages: list[Any]) -> _Spill:
    """What a layout put on ``pages`` (those past the limit): its lines of text, how tall they stand on the first
    of them, and how that first line starts."""
    from weasyprint.formatting_structure import boxes

    lines: list[Any] = []
    for page in pages:
        lines.extend(box for box in page._page_box.descendants() if isinstance(box, boxes.LineBox))
    if not lines:
        return _Spill(0, 0.0, "")
    first_page = pages[0]._page_box
    on_first = [box for box in first_page.descendants() if isinstance(box, boxes.LineBox)]
    top = first_page.content_box_y()
    bottom = max((box.position_y + box.height for box in on_first), default=top)
    words = " ".join(text.text for text in lines[0].descendants() if isinstance(text, boxes.TextBox)).split()
    start = " ".join(words)
    if len(start) > 60:
        start = start[:57].rsplit(" ", 1)[0] + " …"
    return _Spill(len(lines), (bottom - top) * 2.54 / 96, start)  # CSS pixels: 96 to the inch


class _TooSlow(BaseException):  # not an Exception: nothing on the way may take it for a layout error
    pass


@contextlib.contextmanager
def _deadline(handout: Handout) -> Iterator[None]:
    """Stop laying out a handout after HANDOUT_SECONDS (an office's template can force thousands of pages), as a
    problem naming it. Only a process's main thread can be interrupted; elsewhere (a preview's builder thread)
    the handout runs as long as it takes."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, HANDOUT_SECONDS)
    try:
        yield
    except (_TooSlow, MemoryError) as error:
        said = (f"laying it out took more than {HANDOUT_SECONDS:.0f} seconds" if isinstance(error, _TooSlow)
                else f"laying it out needed more than {WORKER_MEMORY_MB} MB of memory")
        raise ContentError([Problem(handout.file, handout.line, 1 if handout.line else 0,
                                    f"the handout {handout.path} could not be made: {said}",
                                    hint="a handout is a few pages: check the handout templates (handout.html.j2, "
                                         "handout.css.j2) for page breaks or repeats without end")]) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _whole_pdf(path: Path) -> bool:
    """Whether a cached file looks like a whole PDF: its header, and the end-of-file mark in its last bytes."""
    try:
        with path.open("rb") as file:
            head = file.read(5)
            file.seek(max(path.stat().st_size - 32, 0))
            tail = file.read()
    except OSError:
        return False
    return head == b"%PDF-" and b"%%EOF" in tail


def _never_sends(root: Any) -> None:
    """A handout is filled in and kept: it never sends its answers anywhere. Forms lose their address
    (``action``), and buttons and submit inputs, which would become PDF "submit form" actions, are removed."""
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in list(root.iter()):
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if tag == "form":
            element.attrib.pop("action", None)
        element.attrib.pop("formaction", None)
        if tag == "button" or (tag == "input" and element.get("type", "").lower() in ("submit", "image", "reset")):
            parent = parents.get(element)
            if parent is not None:
                parent.remove(element)


def _drop_unsafe_links(document: Any) -> None:
    """Keep only links to the web, email, phone and within the handout: a link an office's template wrote as
    raw HTML (``<a href="javascript:…">``) or a file to attach (``rel=attachment``) never reaches the PDF."""
    document.metadata.attachments[:] = []
    for page in document.pages:
        page.links[:] = [link for link in page.links
                         if link[0] == "internal" or (link[0] == "external" and is_safe_url(str(link[1])))]


class PressRun:
    """The handouts of one build being made: :func:`start_handouts` starts them, :meth:`finish` waits for them."""

    def __init__(self, handouts: list[Handout], press: Press) -> None:
        self.started = time.monotonic()
        self.handouts = handouts
        self.press = press
        # The packet first: it is the longest to make, so with several workers it starts while they make the rest.
        self.pending = sorted((handout for handout in handouts if press.cached(handout) is None),
                              key=lambda handout: -len(handout.parts))
        """The handouts that need rendering (the others are in the cache)."""
        self._results = press.make_all(self.pending)

    def finish(self, progress: Callable[[list[Handout]], Iterable[Handout]] = lambda jobs: jobs,
               ) -> tuple[dict[str, Path], PressReport]:
        """Wait for every handout; return site path → PDF file, and what was done. Every problem of every
        handout is collected before :class:`ContentError` is raised."""
        report = PressReport()
        problems: dict[str, list[Problem]] = {}
        for handout in progress(self.pending):
            done, found = next(self._results)
            assert done is handout
            if found:
                problems[handout.id] = found
            else:
                report.rendered.append(handout.id)
        failed = set(problems)
        if problems:  # a packet whose part failed says nothing of its own: the part's problem is the one to fix
            raise ContentError([problem for handout in self.pending if handout.id in failed
                                and not failed.intersection(part.id for part in handout.parts)
                                for problem in problems[handout.id]])
        files = {}
        for handout in self.handouts:
            files[handout.path] = self.press.make(handout)  # from the cache now
            if handout.id not in report.rendered:
                report.cached.append(handout.id)
        self.press.prune()
        report.seconds = time.monotonic() - self.started
        return files, report


def start_handouts(handouts: list[Handout], press: Press) -> PressRun:
    """Start making the handouts' PDFs (in the press's worker processes, if it has several) and return at once."""
    return PressRun(handouts, press)


def print_handouts(
    handouts: list[Handout],
    press: Press,
    progress: Callable[[list[Handout]], Iterable[Handout]] = lambda jobs: jobs,
) -> tuple[dict[str, Path], PressReport]:
    """Make every handout's PDF; return site path → PDF file, and what was done.

    ``progress`` wraps the list of handouts that need rendering (a progress bar on a terminal). Every problem
    of every handout is collected before :class:`ContentError` is raised.
    """
    return start_handouts(handouts, press).finish(progress)


_worker_press: Press | None = None
"""In a worker process: its press, made once when the process starts."""


def _start_worker(cache_dir: Path, base_dir: Path, readable: tuple[Path, ...]) -> None:
    global _worker_press
    _worker_press = Press(cache_dir, base_dir, readable, jobs=1)
    try:  # a handout laid out of thousands of pages cannot take the machine's memory
        limit_memory(WORKER_MEMORY_MB)
    except (OSError, ValueError):
        pass  # no such limit on this system: the clock still holds


def _render_in_worker(handout: Handout, target: str, epoch: int) -> list[Problem]:
    """Render one handout into the cache under the name the build chose; its problems, if any."""
    assert _worker_press is not None
    _worker_press.epoch = epoch
    _worker_press._keys.clear()  # keys are worked out afresh for each job (the epoch may have changed)
    try:
        _worker_press.store(_worker_press.render(handout), Path(target))
    except ContentError as error:
        return error.problems
    return []
