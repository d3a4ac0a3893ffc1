"""Render: turn a validated handbook into Markdown files in memory, plus the navigation MkDocs needs.

Nothing here touches the disk except reading templates; :mod:`generator.write` and the MkDocs plugin decide
where the results go. Templates are compiled once per environment and reused for every page.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from .models import Phase, Source
from .problems import ContentError, Problem
from .strings import date_in, translate, translator
from .validate import HOME_PAGE, Handbook, PageEntry, placeholders_in

HOME_LABEL = "Home"

# Our stylesheet, shipped in the package and added to every build.
PACKAGE_ASSETS = Path(__file__).parent / "assets"
STYLESHEET = "assets/stylesheets/handbook.css"

CHANNEL_LABELS = {
    "email": "Email",
    "letter": "Letter",
    "phone": "What to say on the phone",
    "in person": "What to say in person",
    "text message": "Text message",
}

# Markdown syntax that Python-Markdown would pass through as raw HTML: a "<" that starts a tag, comment or
# declaration. Autolinks such as <https://example.org> stay, as they are Markdown, not HTML.
_RAW_HTML = re.compile(r"<(?!(?:https?|mailto):[^\s<>]*>)(?=[A-Za-z/!?])")


def escape_html(text: str) -> str:
    """Show any HTML in editors' text as written instead of letting it into the page.

    "{" becomes an entity too: Python-Markdown's attr_list would read "{: onclick=... }" (or any "{...}"
    ending a line) as attributes for the element, not as text.
    """
    return _RAW_HTML.sub("&lt;", text).replace("{", "&#123;")


def escape_attribute(text: str) -> str:
    """Text for places MkDocs and Material print without escaping (titles, nav, meta tags)."""
    return html.escape(" ".join(text.split()), quote=True)


def inline(text: str) -> str:
    """Text for one line of Markdown (a heading, a list item): whitespace folded, HTML shown as text."""
    return escape_html(" ".join(text.split()))


def block(text: str) -> str:
    """Markdown paragraphs: line endings normalised, HTML shown as text."""
    return escape_html(text.replace("\r\n", "\n").strip())


human_date = date_in("en")
"""``1 November 2026``: the same on every machine, whatever its locale."""


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
    warnings: tuple[Problem, ...] = ()
    """Editorial warnings about the content (see :mod:`generator.editorial`)."""
    handouts: tuple[Any, ...] = ()
    """The PDF handouts to make (:class:`generator.handouts.Handout`), their print HTML rendered; the pages
    link to them. Empty when handouts are switched off."""


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


def make_environment(templates_dirs: Path | list[Path], language: str = "en") -> jinja2.Environment:
    """The Jinja environment for our templates, and for any an office adds (the first folder wins).

    Every template runs in Jinja's sandbox (no reaching Python internals) with autoescaping on, and without
    the ``safe`` filter: text only reaches a page through a filter that escapes it. Strict about undefined
    names. Compiled templates are cached by the environment, so each is compiled once. ``t`` translates the
    templates' own words into ``language`` (see :mod:`generator.strings`), and dates are written its way.
    """
    folders = [templates_dirs] if isinstance(templates_dirs, Path) else templates_dirs
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(folder)) for folder in folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    del env.filters["safe"]
    env.filters.update(inline=_escaped(inline), block=_escaped(block), message=_escaped(message_markdown),
                       attribute=_escaped(escape_attribute),
                       source=_escaped(lambda source: source_markdown(source, date_in(language))),
                       placeholders=_on_escaped(highlight_placeholders), human_date=date_in(language))
    env.globals["t"] = translator(language)
    return env


def navigation(phases: list[tuple[Phase, list[PageEntry]]], unphased: list[PageEntry],
               language: str = "en") -> list[Any]:
    """The site's navigation: the home page, then one section per phase in the handbook's order."""
    title = escape_attribute  # MkDocs themes print nav titles as they are
    nav: list[Any] = [{translate(language, HOME_LABEL): f"{HOME_PAGE}.md"}]
    for phase, entries in phases:
        if entries:
            nav.append({title(phase.title): [{title(e.page.title): f"{e.id}.md"} for e in entries]})
    nav.extend({title(e.page.title): f"{e.id}.md"} for e in unphased)
    return nav


def render(handbook: Handbook, templates_dir: Path, handouts: tuple[Any, ...] = (),
           url: Callable[[str], str | None] = lambda page_id: None) -> RenderedSite:
    """Render every page of the handbook to Markdown with the templates in ``templates_dir``.

    ``handouts`` are the PDF handouts the build will make: each printable page links to its own, and the home
    page lists them all. ``url`` gives a page's web address (printed when the page is printed), if known.
    """
    handout_of = {handout.id: handout.path for handout in handouts}
    language = handbook.settings.language
    env = make_environment(templates_dir, language)
    kinds = sorted({entry.page.kind for entry in handbook.pages.values()})
    try:
        templates = {kind: env.get_template(f"{kind}.md.j2") for kind in kinds}
    except jinja2.TemplateError as error:
        raise ContentError([template_problem(error, templates_dir)]) from None
    phases = [(phase, handbook.pages_in_phase(phase.id)) for phase in handbook.settings.phases]
    unphased = handbook.pages_in_phase(None)
    pages: dict[str, str] = {}
    problems: list[Problem] = []
    for page_id, entry in handbook.pages.items():
        try:
            pages[f"{page_id}.md"] = templates[entry.page.kind].render(
                id=page_id,
                page=entry.page,
                related=[handbook.pages[other] for other in entry.page.related],
                sources=[handbook.sources[source] for source in entry.page.sources],
                phases=phases,
                unphased=unphased,
                channel_label=CHANNEL_LABELS,
                handout=handout_of.get(page_id),
                handouts=handouts,
                office=handbook.settings.office,
                url=url(page_id),
            )
        except jinja2.TemplateError as error:
            problems.append(template_problem(error, templates_dir, f"{entry.page.kind}.md.j2", page_id))
    if problems:
        raise ContentError(problems)
    static = {f"assets/{path.relative_to(handbook.content_dir / 'assets').as_posix()}": path
              for path in handbook.assets}
    static[STYLESHEET] = PACKAGE_ASSETS / "handbook.css"
    return RenderedSite(
        pages=dict(sorted(pages.items())),
        static=dict(sorted(static.items())),
        nav=navigation(phases, unphased, language),
        site_name=escape_attribute(handbook.settings.title),
        site_description=escape_attribute(handbook.settings.description),
        language=handbook.settings.language,
        handouts=tuple(handouts),
    )


def template_problem(error: jinja2.TemplateError, templates_dir: Path, name: str | None = None,
                      page_id: str | None = None) -> Problem:
    """A template's mistake as a problem: the template file, and the line where Jinja knows it."""
    while_rendering = f" (while rendering the page {page_id})" if page_id else ""
    if isinstance(error, jinja2.TemplateNotFound):
        hint = (f"every page kind needs a template named <kind>.md.j2 in {templates_dir.name}/"
                if str(error.name).endswith(".md.j2") else
                f"restore it in {templates_dir.name}/ (the handbook's own copy is in its repository)")
        return Problem(templates_dir / str(error.name), 0, 0, f"the template is missing{while_rendering}",
                       hint=hint)
    if isinstance(error, jinja2.TemplateSyntaxError):
        file = Path(error.filename) if error.filename else templates_dir / (error.name or name or "?")
        return Problem(file, error.lineno or 0, 1 if error.lineno else 0,
                       f"template syntax error: {error.message}{while_rendering}")
    if isinstance(error, jinja2.exceptions.SecurityError):
        return Problem(templates_dir / (name or "?"), 0, 0,
                       f"the template tried something templates may not do: {error}{while_rendering}",
                       hint="templates may use the page's fields and the filters of the default templates, "
                            "not Python's internals")
    return Problem(templates_dir / (name or "?"), 0, 0, f"the template failed: {error}{while_rendering}")
