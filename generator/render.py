"""Render: turn a validated handbook into Markdown files in memory, plus the navigation MkDocs needs.

Nothing here touches the disk except reading templates; :mod:`generator.write` and the MkDocs plugin decide
where the results go. Templates are compiled once per environment and reused for every page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .audiences import labeller
from .convert import PART_BREAK, split_parts
from .isolation import rendering
from .memo import Renders, Watch, templates_state, watched_objects
from .models import Phase, Source
from .problems import ContentError, Problem
from .sandbox import LimitedSandbox, TemplateLimit
from .strings import N_, Words
from .text import block, escape_attribute, escape_html, inline, safe_front_matter
from .validate import HOME_PAGE, KIND_ORDER, Handbook, PageEntry, placeholders_in

HOME_LABEL = N_("Home")
NAV_SECTION_LIMIT = 30
"""A phase with more pages than this is listed in the navigation in one sub-section per kind of page."""
NAV_KIND_LABELS = {"guide": N_("Guides"), "checklist": N_("Checklists"), "recovery": N_("Bouncing back"),
                   "script": N_("Message scripts"), "page": N_("More pages")}

# Our stylesheet, shipped in the package and added to every build.
PACKAGE_ASSETS = Path(__file__).parent / "assets"
STYLESHEET = "assets/stylesheets/handbook.css"
ANSWERS_SCRIPT = "assets/javascripts/answers.js"
"""Keeps the reader's answers in their own browser, and adds up worksheets (no request is ever made)."""
OFFICE_STYLESHEET = "assets/stylesheets/office.css"
# The page an office's local resources get, and its template.
RESOURCES_PAGE = "local-resources"
RESOURCES_TEMPLATE = "resources.md.j2"
# The accessibility statement, on every build, linked from the end of every page.
ACCESSIBILITY_PAGE = "accessibility"
ACCESSIBILITY_TEMPLATE = "accessibility.md.j2"

CHANNEL_LABELS = {
    "email": N_("Email"),
    "letter": N_("Letter"),
    "card": N_("Card"),
    "phone": N_("What to say on the phone"),
    "in person": N_("What to say in person"),
    "text message": N_("Text message"),
}

human_date = Words("en", None).date
"""``November 1, 2026``: the same on every machine, whatever its locale."""


def part_helpers(handbook: Handbook, words: Words) -> dict[str, Any]:
    """What the page and handout templates alike use for parts of a page: ``audience_label(audiences)`` (who a
    part is for, see :func:`generator.audiences.labeller`) and ``cited`` (a quotation's source's title by id)."""
    return {"audience_label": labeller(handbook, words),
            "cited": {source_id: source.title for source_id, source in handbook.sources.items()}}


def cited_by(page: Any) -> list[str]:
    """The ids of the sources a page cites: its ``sources``, then those of its quotations not among them."""
    quoted = [quote.source for quotes in _quotes_of(page) for quote in quotes if quote.source]
    return list(dict.fromkeys([*page.sources, *quoted]))


def _quotes_of(page: Any) -> Iterator[list[Any]]:
    yield getattr(page, "quotes", [])
    for section in getattr(page, "sections", []):
        yield section.quotes


def highlight_placeholders(text: str) -> str:
    """Mark each [Placeholder] so it stands out as the part to fill in."""
    for name in placeholders_in(text):
        text = re.sub(rf"\[{re.escape(name)}\](?![(\[:])", f"==[{name}]==", text)
    return text


def message_markdown(message: str) -> str:
    """A script's message: every line break kept, as in a letter, and its [Placeholders] highlighted."""
    text = highlight_placeholders(block(message))
    paragraphs = [p.replace("\n", "  \n") for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(paragraphs)


def source_markdown(source: Source, date: Callable[[dt.date], str] = human_date) -> str:
    """A citation: author, title, publisher, date, and the link where there is one."""
    parts = [inline(source.author)] if source.author else []
    title = f"“{inline(source.title)}”"
    parts.append(f"[{title}]({source.url})" if source.url else title)
    if source.publisher:
        parts.append(f"*{inline(source.publisher)}*")
    if source.published:
        parts.append(date(source.published))
    text = ", ".join(parts) + "."
    if source.note:
        text += f" {inline(source.note)}"
    return text


@dataclass(frozen=True)
class RenderedSite:
    """Everything a build writes, held in memory: Markdown pages, static files, navigation and settings."""

    pages: dict[str, str]
    """Markdown by path inside the docs folder (``after-the-interview.md``), sorted by path."""
    static: dict[str, Path]
    """Files copied as they are, by path inside the docs folder."""
    nav: list[Any]
    """The navigation, in the form of ``mkdocs.yml``'s ``nav``."""
    site_name: str
    site_description: str
    language: str
    extra_css: list[str] = field(default_factory=lambda: [STYLESHEET])
    extra_javascript: list[str] = field(default_factory=lambda: [ANSWERS_SCRIPT])
    warnings: tuple[Problem, ...] = ()
    """Editorial warnings about the content (see :mod:`generator.editorial`)."""
    handouts: tuple[Any, ...] = ()
    """The PDF handouts to make (:class:`generator.handouts.Handout`), their print HTML rendered; the pages
    link to them. Empty when handouts are switched off."""
    generated: dict[str, str] = field(default_factory=dict)
    """Text files made for the build (an office's colours), by path inside the docs folder."""
    theme: dict[str, Any] = field(default_factory=dict)
    """Settings for Material's theme (an office's logo, favicon and colours)."""
    site_url: str | None = None
    """An office's own address, which replaces mkdocs.yml's site_url."""
    notes: tuple[str, ...] = ()
    """Information for the person building, not a problem (base pages an office has not seen yet)."""
    source_date_epoch: int = 0
    """The handbook's date, in seconds since 1970: midnight UTC of its newest page review. Builds that do not
    set SOURCE_DATE_EPOCH use it, so the sitemap and the handouts do not change with the day of the build."""
    path_prefix: str = ""
    """Where this language's site goes inside the handbook's site folder: "" for the first, ``fr/`` for French."""
    alternates: tuple[tuple[str, str, str], ...] = ()
    """Every language the handbook is published in (code, own name, path prefix), for the language menu; empty
    when there is one."""
    others: tuple[RenderedSite, ...] = ()
    """The handbook in its other languages, each built into its ``path_prefix``."""
    shown_in: dict[str, str] = field(default_factory=dict)
    """Pages not translated into this language, by Markdown path: the language they are shown in."""
    editor_published: bool = False
    """``handbook.yml`` asks for the browser editor to be published with the site (``editor: publish: true``)."""
    parts: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """Pages whose Markdown may be converted to HTML in parts, by path: where each part after the first starts
    in the page's text (an office's own lines apart from the rest; see :mod:`generator.convert`)."""

    @property
    def every_language(self) -> tuple[RenderedSite, ...]:
        return (self, *self.others)


@dataclass(frozen=True)
class HandoutLink:
    """What a page's template sees of a PDF handout (the home page lists them): its id, title and address
    (``handouts/<id>.pdf``), and for the packet the handouts it binds. Not its print HTML: a page that lists
    a handout does not change when the handout's text does."""

    id: str
    title: str
    path: str
    parts: tuple[HandoutLink, ...] = ()

    @classmethod
    def of(cls, handout: Any) -> HandoutLink:
        return cls(handout.id, handout.title, handout.path, tuple(cls.of(part) for part in handout.parts))


_PAGE_LINK = re.compile(r"\[([^\]]*)\]\(<?(?:\./)?([a-z0-9]+(?:-[a-z0-9]+)*)\.md(?:#[^)\s>]*)?>?\)")


def unlink(text: str, hidden: frozenset[str]) -> str:
    """Links to hidden pages become their plain text."""
    if not hidden:
        return text
    return _PAGE_LINK.sub(lambda m: m.group(1) if m.group(2) in hidden else m.group(0), text)


def _escaped(function: Callable[..., str]) -> Callable[..., Markup]:
    """A filter whose result is already escaped for Markdown (editors' HTML shown as text): mark it so, so
    autoescaping does not escape it twice."""

    def filtered(value: Any, *args: Any, **kwargs: Any) -> Markup:
        return Markup(function(str(value) if isinstance(value, str) else value, *args, **kwargs))

    return filtered


def _on_escaped(function: Callable[..., str]) -> Callable[..., Markup]:
    """A filter that adds Markdown to text: text not yet escaped is escaped first, so it stays safe in any
    template, including an office's."""

    def filtered(value: Any, *args: Any, **kwargs: Any) -> Markup:
        text = str(value) if isinstance(value, Markup) else escape_html(str(value))
        return Markup(function(text, *args, **kwargs))

    return filtered


def tel_uri(phone: str) -> str:
    """A ``tel:`` address for a phone number as people write it."""
    number = re.split(r"(?i)\s*(?:ext\.?|x)\s*\d", phone)[0]
    return "tel:" + re.sub(r"[^\d+]", "", number)


def contact_lines(contact: Any) -> list[tuple[str, str, str | None]]:
    """(label, text, link) for each way to reach the office that is filled in, in a fixed order."""
    lines: list[tuple[str, str, str | None]] = []
    if contact.email:
        lines.append((N_("Email"), contact.email, f"mailto:{contact.email}"))
    if contact.phone:
        lines.append((N_("Phone"), contact.phone, tel_uri(contact.phone)))
    if contact.hours:
        lines.append((N_("Open"), contact.hours, None))
    if contact.address:
        lines.append((N_("Address"), contact.address, None))
    return lines


CACHE_NAME = "handbook-3"
"""The compiled templates' cache folder: a new name whenever :mod:`generator.sandbox` compiles differently."""


def make_environment(templates_dirs: Path | list[Path], language: str = "en",
                     hidden: frozenset[str] = frozenset(), cache_dir: Path | None = None,
                     sources_language: str | None = None) -> jinja2.Environment:
    """The Jinja environment for our templates, and for any an office adds (the first folder wins).

    Every template runs in Jinja's sandbox (no reaching Python internals), within limits of size and time
    (:mod:`generator.sandbox`), with autoescaping on, and without the ``safe`` filter: text only reaches a
    page through a filter that escapes it. Strict about undefined names. Compiled templates are cached by
    the environment, so each is compiled once. ``_`` (gettext) translates the templates' own words into
    ``language`` from its catalog (see :mod:`generator.strings`), and dates are written its way (Babel). Links
    to ``hidden`` pages become plain text. Citations of sources written in another language than the page
    (``sources_language``) are marked with theirs.
    """
    folders = [templates_dirs] if isinstance(templates_dirs, Path) else templates_dirs
    words = Words.of(folders[-1], language)
    env = LimitedSandbox(
        extensions=["jinja2.ext.i18n"],
        loader=jinja2.ChoiceLoader([_PlainFiles(str(folder)) for folder in folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=bytecode_cache(cache_dir, CACHE_NAME),
    )
    del env.filters["safe"]
    env.filters.update(inline=_escaped(lambda text: inline(unlink(text, hidden))),
                       block=_escaped(lambda text: block(unlink(text, hidden))),
                       message=_escaped(lambda text: message_markdown(unlink(text, hidden))),
                       attribute=_escaped(escape_attribute),
                       source=_escaped(lambda source: _in_language(source_markdown(source, words.date),
                                                                   sources_language, language)),
                       placeholders=_on_escaped(highlight_placeholders), human_date=words.date)
    env.install_gettext_translations(words.catalog, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(tel=tel_uri, t=_legacy_t(words), language_name=words.name_of, part_break=PART_BREAK,
                       office_line=office_line)
    return env


OFFICE_LINE = "\x1e"
_OFFICE_LINE = re.compile("\x1e([a-z_]+)\x1e")
OFFICE_TEMPLATE = "_office.md.j2"
OFFICE_LINES = "office lines"
"""What a page's text with its office's lines made is kept under (:class:`generator.memo.Renders`), beside
its text without them, kept under its template's name."""
OFFICE_LABEL = "office"
"""The label under which a page's reads of the office's fields are watched (:class:`generator.memo.Watch`)."""
OFFICE_NAMES = frozenset({"url", "contact_lines"})
"""The names of the page templates' context that are the office's own, besides its fields: watched."""


def office_line(name: str) -> Markup:
    """Where a page shows one of its office's own lines: the macro ``office_<name>`` of ``_office.md.j2`` (the
    print line, the contact box), made for each office after the page (:meth:`TemplateRuns.office_lines`). The
    rest of the page then reads nothing of the office, and is rendered once for all offices."""
    if not re.fullmatch(r"[a-z_]+", str(name)):
        raise ValueError(f"office_line({name!r}): give the end of a macro's name, office_<name>, in lower case")
    return Markup(f"{OFFICE_LINE}{name}{OFFICE_LINE}")


def marked_gettext(words: Words) -> Callable[..., Markup]:
    """gettext for a page shown in another language than the site's (not translated yet): the site's words in
    it are marked with the site's language, so screen readers read each part in its own (WCAG 3.1.2). Jinja's
    ``_`` looks ``gettext`` up in the page's context, so passing this as ``gettext`` to one page is enough."""
    start, end = Markup(f'<span lang="{escape_attribute(words.language)}">'), Markup("</span>")

    def gettext(text: str, **values: Any) -> Markup:
        return start + (Markup(words(text)) % values) + end  # as Jinja's newstyle gettext: values escaped, filled in

    return gettext


def _in_language(markdown: str, written_in: str | None, language: str) -> str:
    """Inline Markdown in another language than the page's, marked with its own (WCAG 3.1.2)."""
    if not written_in or written_in == language:
        return markdown
    return f'<span lang="{escape_attribute(written_in)}">{markdown}</span>'


def _legacy_t(words: Words) -> Callable[..., Markup]:
    """``t("Text {name}", name=…)``, as office templates written before the catalogs call it: the words
    looked up in the catalog, escaped, with the values filled in (escaped unless they already are)."""

    def t(text: str, **values: object) -> Markup:
        return Markup.escape(words(text)).format(**values)

    return t


class _PlainFiles(jinja2.FileSystemLoader):
    """Templates from a folder, and only the plain files in it: a link (symlink) could lead to any file on the
    machine, which an office's template would then print."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        path = Path(filename)
        folder = Path(self.searchpath[0]).resolve()
        if path.is_symlink() or not path.resolve().is_relative_to(folder) or not path.is_file():
            raise jinja2.TemplateError(f"{template} is a link to another file, which templates may not be: put "
                                       "the template itself in the folder")
        if len(source) > 1_000_000:
            raise jinja2.TemplateError(f"{template} is over a million characters; a template is a few kilobytes")
        return source, filename, uptodate


def rendered_store(cache_dir: Path | None) -> Path | None:
    """Where the pages' rendered texts are kept for the next build (see :class:`generator.memo.Renders`)."""
    return cache_dir / "rendered" if cache_dir is not None else None


def bytecode_cache(cache_dir: Path | None, name: str) -> jinja2.BytecodeCache | None:
    """Compiled templates kept in ``cache_dir/jinja/<name>`` between builds (Jinja compares each with its
    source before using it); one folder per kind of environment, as compiled code depends on its settings."""
    if cache_dir is None:
        return None
    folder = cache_dir / "jinja" / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a folder we may not write to: compile every time, as without a cache
    return jinja2.FileSystemBytecodeCache(str(folder))


def navigation(phases: list[tuple[Phase, list[PageEntry]]], unphased: list[PageEntry],
               words: Words | None = None) -> list[Any]:
    """The site's navigation: the home page, then one section per phase in the handbook's order.

    A phase of more than :data:`NAV_SECTION_LIMIT` pages (and of more than one kind) is split into one
    sub-section per kind of page, in reading order: a list of hundreds of links helps no reader, and the
    build, which writes the sidebar into every page, grows with the square of its length. The plugin turns
    on Material's ``navigation.prune``, so a page's sidebar holds every phase and every sub-section title
    but only its own sub-section's pages; a pruned sub-section's title links to its first page.
    """
    title = escape_attribute  # MkDocs themes print nav titles as they are
    words = words or Words("en", None)
    nav: list[Any] = [{title(words(HOME_LABEL)): f"{HOME_PAGE}.md"}]
    for phase, entries in phases:
        if entries:
            nav.append({title(phase.title): _phase_nav(entries, words)})
    nav.extend({title(e.page.title): f"{e.id}.md"} for e in unphased)
    return nav


def _phase_nav(entries: list[PageEntry], words: Words) -> list[Any]:
    links = [{escape_attribute(e.page.title): f"{e.id}.md"} for e in entries]
    kinds = sorted({e.page.kind for e in entries}, key=KIND_ORDER.__getitem__)
    if len(entries) <= NAV_SECTION_LIMIT or len(kinds) == 1:
        return links
    return [{escape_attribute(words(NAV_KIND_LABELS[kind])):
             [link for link, e in zip(links, entries, strict=True) if e.page.kind == kind]} for kind in kinds]


class TemplateRuns:
    """Renders templates, turning anything that goes wrong into a problem naming the template and line.

    Every failure is collected (call :meth:`raise_problems` at the end). A template that broke a limit of
    :mod:`generator.sandbox` is not run again for the pages after: it would break it for each, slowly.
    """

    def __init__(self, env: jinja2.Environment, folders: list[Path]) -> None:
        self.env = env
        self.folders = folders
        self.problems: list[Problem] = []
        self.stopped: set[str] = set()
        self.templates: dict[tuple[str, ...], jinja2.Template] = {}
        """Templates that make a page's office lines (:meth:`office_lines`), by the lines' names."""

    def load(self, names: list[str]) -> None:
        """Compile these templates now; raise :class:`ContentError` if any cannot be (one problem is enough:
        every page would repeat it)."""
        for name in names:
            try:
                self.env.get_template(name)
            except Exception as error:  # any failure is the template's problem, with its line
                raise ContentError([template_problem(error, self.folders, name)]) from None

    def __call__(self, name: str, page_id: str, *args: Any, **kwargs: Any) -> str | None:
        """The template ``name`` rendered for ``page_id``, or None when it failed (its problem is kept)."""
        return self._run(name, lambda: self.env.get_template(name), page_id, *args, **kwargs)

    def _run(self, name: str, template: Callable[[], jinja2.Template], page_id: str, *args: Any,
             **kwargs: Any) -> str | None:
        """``template()`` rendered for ``page_id``, any failure a problem of the template ``name``."""
        if name in self.stopped:
            return None
        rendering(name, page_id)
        try:
            text = self.env.render(template(), *args, **kwargs)  # type: ignore[attr-defined]
            text.encode("utf-8")  # a lone surrogate ("\ud800") cannot be written to any file
            return text
        except Exception as error:  # a TypeError in an office template is a problem, not a crash
            if isinstance(error, TemplateLimit | MemoryError | RecursionError | jinja2.TemplateNotFound
                          | jinja2.TemplateSyntaxError):
                self.stopped.add(name)
            self.problems.append(template_problem(error, self.folders, name, page_id))
            return None

    def memoised(self, renders: Renders, finish: Callable[[str], str], name: str, page_id: str,
                 parts: tuple[Any, ...], *args: Any, **kwargs: Any) -> str | None:
        """``finish`` of the template ``name`` rendered for ``page_id``, as :meth:`__call__`; or the text the
        last build made, when ``parts`` (what the page's own text is made from) and every field of other pages
        its templates read then are the same now (see :class:`generator.memo.Renders`)."""
        text = renders.get(name, page_id, parts)
        if text is not None:
            return text
        renders.watch.start(f"page:{page_id}")
        self.env.watch = renders.watch  # type: ignore[attr-defined]
        try:
            text = self(name, page_id, *args, **kwargs)
        finally:
            self.env.watch = None  # type: ignore[attr-defined]
            reads = renders.watch.stop()
        if text is None:
            return None
        text = finish(text)
        renders.put(name, page_id, parts, text, reads)
        return text

    def office_lines(self, text: str | None, page_id: str, renders: Renders, *args: Any,
                     **kwargs: Any) -> str | None:
        """``text`` with each office line a template marked (:func:`office_line`) made for the office, with the
        page's own values; None when one failed (its problem is kept). As the last build made them when the
        text and everything the lines read then (the office's fields, ``url``: recorded) are the same."""
        if text is None or OFFICE_LINE not in text:
            return text
        kept = renders.get(OFFICE_LINES, page_id, (text,))
        if kept is not None:
            return kept
        names = tuple(dict.fromkeys(_OFFICE_LINE.findall(text)))

        def lines_template() -> jinja2.Template:  # every line of the page in one run
            if names not in self.templates:
                self.templates[names] = self.env.from_string(  # type: ignore[attr-defined]
                    f'{{% import "{OFFICE_TEMPLATE}" as common with context %}}' +
                    OFFICE_LINE.join(f"{{{{ common.office_{name}() }}}}" for name in names))
            return self.templates[names]

        renders.watch.start(f"lines:{page_id}")  # (not the page's label: its own fields' reads are recorded too)
        self.env.watch = renders.watch  # type: ignore[attr-defined]
        try:
            written = self._run(OFFICE_TEMPLATE, lines_template, page_id, *args, **kwargs)
        finally:
            self.env.watch = None  # type: ignore[attr-defined]
            reads = renders.watch.stop()
        if written is None:
            return None
        made = written.split(OFFICE_LINE)
        if len(made) != len(names):  # a line that wrote the mark itself
            self.problems.append(template_problem(ValueError("an office line wrote office_line's mark"),
                                                  self.folders, OFFICE_TEMPLATE, page_id))
            return None
        lines = dict(zip(names, made, strict=True))
        filled = _OFFICE_LINE.sub(lambda found: lines[found[1]], text)
        renders.put(OFFICE_LINES, page_id, (text,), filled, reads, on_disk=False)  # (a small template: quick)
        return filled

    def raise_problems(self) -> None:
        if self.problems:
            raise ContentError(self.problems)


def render(handbook: Handbook, templates_dir: Path | list[Path], handouts: tuple[Any, ...] = (),
           url: Callable[[str], str | None] = lambda page_id: None, office: Any = None,
           cache_dir: Path | None = None) -> RenderedSite:
    """Render every page of the handbook to Markdown with the templates in ``templates_dir`` (several folders:
    the first that has a template wins).

    ``handouts`` are the PDF handouts the build will make: each printable page links to its own, and the home
    page lists them all. ``url`` gives a page's web address (printed when the page is printed), if known.
    ``office`` (:class:`generator.offices.Office`) brands the site: name, logo, colours. ``cache_dir`` keeps
    the compiled templates for the next build.
    """
    folders = [templates_dir] if isinstance(templates_dir, Path) else templates_dir
    handout_of = {handout.id: handout.path for handout in handouts}
    settings = handbook.settings
    language = settings.language
    env = make_environment(folders, language, handbook.hidden, cache_dir, handbook.original_language)
    kinds = sorted({entry.page.kind for entry in handbook.pages.values()})
    names = [f"{kind}.md.j2" for kind in kinds] + [ACCESSIBILITY_TEMPLATE]
    names += [RESOURCES_TEMPLATE] if settings.office.resources else []
    run = TemplateRuns(env, folders)
    run.load(names)
    words = Words.of(folders[-1], language)
    marked = marked_gettext(words)
    phases = [(phase, handbook.pages_in_phase(phase.id)) for phase in settings.phases]
    unphased = handbook.pages_in_phase(None)
    listed = tuple(HandoutLink.of(handout) for handout in handouts)
    contact = contact_lines(settings.office.contact)
    shared = {"phases": phases, "unphased": unphased, "channel_label": CHANNEL_LABELS, "handouts": listed,
              "office": settings.office, "contact_lines": contact,
              "shown_in": None, "behind": None, **part_helpers(handbook, words)}
    # What is the office's own (its identity, the pages' addresses) is no part of what every page shares: the
    # pages that read it depend on it (the office's fields are watched, and the names url and contact_lines),
    # and the others, whose office lines are made apart (office_line), are the same for every office.
    renders = Renders(("md", *folders, language),
                      shared_parts(dataclasses.replace(handbook, settings=settings.model_copy(update={"office": None})),
                                   folders, phases, unphased, listed, lambda page_id: None),
                      Watch({**watched_objects(handbook, listed), OFFICE_LABEL: settings.office}, OFFICE_NAMES),
                      rendered_store(cache_dir))

    def page_text(name: str, page_id: str, parts: tuple[Any, ...], **values: Any) -> str | None:
        renders.watch.values = {"url": values.get("url"), "contact_lines": contact}
        text = run.memoised(renders, safe_front_matter, name, page_id, parts, shared, **values)
        return run.office_lines(text, page_id, renders, shared, **values)

    pages: dict[str, str | None] = {}
    for page_id, entry in handbook.pages.items():
        sources = [handbook.sources[source] for source in cited_by(entry.page)]
        parts = (entry.page, sources, handout_of.get(page_id), handbook.shown_in.get(page_id),
                 handbook.behind.get(page_id))
        pages[f"{page_id}.md"] = page_text(
            f"{entry.page.kind}.md.j2", page_id, parts,
            id=page_id,
            page=entry.page,
            related=[handbook.pages[other] for other in entry.page.related],
            sources=sources,
            handout=handout_of.get(page_id),
            url=url(page_id),
            shown_in=handbook.shown_in.get(page_id),
            behind=handbook.behind.get(page_id),
            **({"gettext": marked} if page_id in handbook.shown_in else {}),
        )
    nav = navigation(phases, unphased, words)
    if settings.office.resources:
        pages[f"{RESOURCES_PAGE}.md"] = page_text(RESOURCES_TEMPLATE, RESOURCES_PAGE, (), id=RESOURCES_PAGE,
                                                  url=url(RESOURCES_PAGE))
        nav.append({escape_attribute(words(N_("Local resources"))): f"{RESOURCES_PAGE}.md"})
    source_date = max((entry.page.reviewed for entry in handbook.pages.values()), default=dt.date(1970, 1, 1))
    date = words.date(source_date)
    pages[f"{ACCESSIBILITY_PAGE}.md"] = page_text(ACCESSIBILITY_TEMPLATE, ACCESSIBILITY_PAGE, (date,),
                                                  id=ACCESSIBILITY_PAGE, url=url(ACCESSIBILITY_PAGE), date=date)
    nav.append({escape_attribute(words(N_("Accessibility statement"))): f"{ACCESSIBILITY_PAGE}.md"})
    renders.save()
    run.raise_problems()
    asset_dirs = handbook.asset_dirs or (handbook.content_dir / "assets",)
    static = {}
    for path in handbook.assets:
        folder = next(d for d in asset_dirs if path.is_relative_to(d))
        static[f"assets/{path.relative_to(folder).as_posix()}"] = path
    static[STYLESHEET] = PACKAGE_ASSETS / "handbook.css"
    static[ANSWERS_SCRIPT] = PACKAGE_ASSETS / "javascripts" / "answers.js"
    site_name, theme, generated, extra_css = settings.title, {}, {}, [STYLESHEET]
    site_url = None
    if office is not None:
        site_name = office.settings.name
        site_url = office.settings.site_url
        generated[OFFICE_STYLESHEET] = office_css(office.settings.colors)
        extra_css.append(OFFICE_STYLESHEET)
        theme["palette_custom"] = True
        if office.logo is not None:
            logo = f"assets/office/logo{office.logo.suffix.lower()}"
            static[logo] = office.logo
            theme.update(logo=logo, favicon=logo)
    texts, parts = {}, {}
    for path, text in sorted(pages.items()):
        if text is not None:
            texts[path], split = split_parts(text)
            if split:
                parts[path] = split
    return RenderedSite(
        shown_in={f"{page_id}.md": shown for page_id, shown in handbook.shown_in.items()},
        pages=texts,
        parts=parts,
        static=dict(sorted(static.items())),
        nav=nav,
        site_name=escape_attribute(site_name),
        site_description=escape_attribute(settings.description),
        language=language,
        extra_css=extra_css,
        handouts=tuple(handouts),
        generated=generated,
        theme=theme,
        site_url=site_url,
        source_date_epoch=day_epoch(source_date),
        editor_published=settings.editor is not None and settings.editor.publish,
    )


def shared_parts(handbook: Handbook, folders: list[Path], phases: list[tuple[Phase, list[PageEntry]]],
                 unphased: list[PageEntry], handouts: tuple[Any, ...], url: Callable[[str], str | None],
                 *more: Any) -> tuple[Any, ...]:
    """What every page's text may depend on besides its own parts and the fields of other pages its templates
    read: the templates and catalogs on disk, the settings, the sources, which pages each phase lists in which
    order, which handouts there are, the hidden pages, the audiences, the pages' addresses, and ``more``."""
    return (templates_state(folders), handbook.settings, handbook.sources, handbook.hidden, handbook.served,
            handbook.original_language,
            tuple((phase.id, tuple(entry.id for entry in entries)) for phase, entries in phases),
            tuple(entry.id for entry in unphased),
            tuple((handout.id, tuple(part.id for part in handout.parts)) for handout in handouts),
            url(HOME_PAGE), url("a-page"), *more)


def day_epoch(day: dt.date) -> int:
    """Midnight UTC of ``day``, in seconds since 1970 (the form SOURCE_DATE_EPOCH takes)."""
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def themed(theme: dict[str, Any], site: RenderedSite) -> dict[str, Any]:
    """Material's theme settings with the site's own applied: language, and an office's logo, favicon and
    custom colours (each palette, light and dark, set to ``custom``)."""
    theme = {**theme, "language": site.language}
    for key in ("logo", "favicon"):
        if key in site.theme:
            theme[key] = site.theme[key]
    if site.theme.get("palette_custom"):
        palette = theme.get("palette") or [{}]
        palettes = palette if isinstance(palette, list) else [palette]
        palettes = [{**entry, "primary": "custom", "accent": "custom"} for entry in palettes]
        theme["palette"] = palettes if isinstance(palette, list) else palettes[0]
    return theme


def office_css(colors: Any) -> str:
    """Material's custom colours for an office: its primary and accent, with the shades Material asks for."""
    from .offices import mix

    primary, accent = colors.primary, colors.accent
    return (
        "/* This office's colours (office.yml), for Material's custom palette. Made by the handbook generator. */\n"
        ":root > * {\n"
        f"  --md-primary-fg-color: {primary};\n"
        f"  --md-primary-fg-color--light: {mix(primary, '#ffffff', 0.35)};\n"
        f"  --md-primary-fg-color--dark: {mix(primary, '#000000', 0.25)};\n"
        f"  --md-accent-fg-color: {accent};\n"
        f"  --md-accent-fg-color--transparent: {accent}1a;\n"
        "}\n"
    )


def template_problem(error: BaseException, templates_dirs: Path | list[Path], name: str | None = None,
                     page_id: str | None = None) -> Problem:
    """A template's mistake as a problem: the template file, and the line where Jinja knows it. Any exception
    raised while a template loads or renders becomes one: no traceback reaches the editor."""
    folders = [templates_dirs] if isinstance(templates_dirs, Path) else templates_dirs

    def where(template: str) -> Path:
        return next((folder / template for folder in folders if (folder / template).is_file()),
                    folders[-1] / template)

    while_rendering = f" (while rendering the page {page_id})" if page_id else ""
    if isinstance(error, jinja2.TemplateNotFound):
        hint = (f"every page kind needs a template named <kind>.md.j2 in {folders[-1].name}/"
                if str(error.name).endswith(".md.j2") else
                f"restore it in {folders[-1].name}/ (the handbook's own copy is in its repository)")
        return Problem(folders[-1] / str(error.name), 0, 0, f"the template is missing{while_rendering}",
                       hint=hint)
    if isinstance(error, jinja2.TemplateSyntaxError):
        file = Path(error.filename) if error.filename else where(error.name or name or "?")
        return Problem(file, error.lineno or 0, 1 if error.lineno else 0,
                       f"template syntax error: {error.message}{while_rendering}")
    file, line = _failing_line(error) or (where(name or "?"), 0)
    if isinstance(error, TemplateLimit):
        return Problem(file, line, 1 if line else 0, f"the template went past a limit: {error}{while_rendering}",
                       hint="templates may not build very long texts or lists, or loop or call macros without "
                            "end; make the template do less, or remove this line")
    if isinstance(error, UnicodeEncodeError):
        return Problem(file, line, 1 if line else 0, f"the template wrote text that cannot be saved: {error.reason} "
                       f"(a lone surrogate){while_rendering}", hint="remove the \\ud800-style escape it prints")
    if isinstance(error, RecursionError | MemoryError):
        said = ("it calls itself (a macro, an include or a recursive loop) without end"
                if isinstance(error, RecursionError) else "it needed more memory than a template may use")
        return Problem(file, line, 1 if line else 0, f"the template failed: {said}{while_rendering}",
                       hint="make the template do less, or remove this line")
    if isinstance(error, jinja2.exceptions.SecurityError):
        return Problem(file, line, 1 if line else 0,
                       f"the template tried something templates may not do: {error}{while_rendering}",
                       hint="templates may use the page's fields and the filters of the default templates, "
                            "not Python's internals")
    said = str(error) or type(error).__name__
    if not isinstance(error, jinja2.TemplateError):  # a Python error (TypeError, ZeroDivisionError, …)
        said = f"{said} ({type(error).__name__})"
    return Problem(file, line, 1 if line else 0, f"the template failed: {said}{while_rendering}",
                   hint=None if isinstance(error, jinja2.TemplateError) else
                   "look at what this line does with the values it uses (a number where text is needed, "
                   "a missing field, a division by zero)")


def _failing_line(error: BaseException) -> tuple[Path, int] | None:
    """The template file and line a runtime error happened on: Jinja rewrites the traceback so its frames
    point into the templates."""
    found = None
    trace = error.__traceback__
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (Path(filename), trace.tb_lineno)
        trace = trace.tb_next
    return found
