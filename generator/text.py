"""The rules for text, in one place: what editors' text may link to, how it is kept from becoming HTML, and
what HTML may reach a published page at all.

Every file the handbook reads (content pages, ``handbook.yml``, ``sources.yml``, an office's ``office.yml``,
pages and patches) is checked with :func:`text_problems` when it is validated, whatever its model: a field
added later is covered without anyone remembering to. Then, whatever the templates (an office's too) make
of the text:

- :func:`escape_html` shows any HTML an editor typed as text, in every filter that prints text;
- :func:`clean_html` sanitises each page's HTML before MkDocs writes it, keeping only the elements and
  attributes the handbook's own templates make, and links to the web, email and phone or within the site;
- :func:`is_safe_url` decides which links a PDF handout keeps.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

SAFE_SCHEMES = ("http", "https", "mailto", "tel")
"""The only kinds of link a page or handout may hold, besides links within the site."""
LINK_HINT = ("links may go to web pages (https://…), email addresses (mailto:…), phone numbers (tel:…) "
             "or other pages of the handbook (page-id.md)")

# Markdown syntax that Python-Markdown would pass through as raw HTML: a "<" that starts a tag, comment or
# declaration. Autolinks such as <https://example.org> stay, as they are Markdown, not HTML.
_RAW_HTML = re.compile(r"<(?!(?:https?|mailto):[^\s<>]*>)(?=[A-Za-z/!?])")
# Markdown link targets: inline links [text](target "title") and reference definitions [id]: target.
_LINK_TARGET = re.compile(r"\]\(([^()]*(?:\([^()]*\)[^()]*)*)\)|^\s{0,3}\[[^\]]+\]:[ \t]*(\S+)", re.M)
_HAS_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_SAFE_SCHEME = re.compile(rf"^(?:{'|'.join(SAFE_SCHEMES)}):", re.I)


# --- text into Markdown ------------------------------------------------------------------------------------


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
    """Markdown paragraphs: line endings normalised, nested lists indented as Python-Markdown reads them, HTML
    shown as text."""
    return escape_html(nest_lists(text.replace("\r\n", "\n").strip()))


# --- Markdown, read the same way on the site and on paper ------------------------------------------------------

MARKDOWN_EXTENSIONS: dict[str, dict[str, Any]] = {
    "admonition": {},
    "attr_list": {},
    "def_list": {},
    "fenced_code": {},
    "md_in_html": {},
    "pymdownx.mark": {},
    "sane_lists": {},
    "tables": {},
    "toc": {"permalink": True},
}
"""The Markdown extensions editors' text is read with, on the site and in the PDF handouts alike (one list:
what a page shows, its handout shows). The plugin enables any that mkdocs.yml leaves out, export writes them
into the standalone mkdocs.yml, and the handouts convert with them (:func:`print_extensions`)."""


def print_extensions() -> list[Any]:
    """:data:`MARKDOWN_EXTENSIONS` for paper: the same, without the site's "¶" links beside headings."""
    from markdown.extensions.toc import TocExtension

    return [TocExtension(permalink=False) if name == "toc" else name for name in MARKDOWN_EXTENSIONS]


_LIST_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( +|$)")
_FENCE = re.compile(r"^ *(```|~~~)")


def nest_lists(text: str) -> str:
    """Nested list items re-indented by four spaces a level, the only indent Python-Markdown reads as nesting.

    Most editors indent a nested item by two spaces (under its parent's text), which Python-Markdown would
    flatten into the parent list without a word. An item is nested when it is indented more than the item
    above it. A line that continues an item (a paragraph after a blank line, a code block inside the item) keeps
    its place under that item's text. Code, fenced or indented, is left exactly as it is.
    """
    lines = text.split("\n")
    # Open items, outermost first: (its marker's column as written, its text's column as written, its marker's
    # column now). Python-Markdown reads an item's text, and anything nested in it, four columns in.
    stack: list[tuple[int, int, int]] = []
    fenced = code = False
    blank_before = True
    for number, line in enumerate(lines):
        if _FENCE.match(line) and not code:
            fenced = not fenced
            if stack:  # a fence inside an item moves with the item's text
                lines[number] = _moved(line, stack)
            continue
        if fenced:
            if stack:
                lines[number] = _moved(line, stack)
            continue
        if not line.strip():
            blank_before = True
            continue
        indent = len(line) - len(line.lstrip(" "))
        if code and indent >= 4:
            continue
        code = False
        if not stack and indent >= 4 and blank_before:  # an indented code block, not a list
            code = True
            continue
        blank_before = False
        item = _LIST_ITEM.match(line)
        if item is None:
            while stack and indent <= stack[-1][0] and indent < stack[-1][1]:
                stack.pop()  # back out of items this line is not indented under
            if indent == 0:
                stack = []  # a paragraph after the list ends it
            elif stack:
                lines[number] = _moved(line, stack)
            continue
        while stack and indent < stack[-1][0]:
            stack.pop()
        if stack and indent == stack[-1][0]:
            now = stack.pop()[2]
        elif stack and indent < stack[-1][1]:  # under the item's marker, short of its text: still a child
            now = stack[-1][2] + 4
        elif stack:  # deeper than the item above: its child
            now = stack[-1][2] + 4
        else:
            now = 0
        text_column = indent + len(item.group(2)) + len(item.group(3) or " ")
        stack.append((indent, text_column, now))
        lines[number] = " " * now + line.lstrip(" ")
    return "\n".join(lines)


def _moved(line: str, stack: list[tuple[int, int, int]]) -> str:
    """A line inside the innermost open item, kept at the same place relative to that item's text."""
    _, written_text, now = stack[-1]
    indent = len(line) - len(line.lstrip(" "))
    if not line.strip():
        return line
    return " " * (now + 4 + max(indent - written_text, 0)) + line.lstrip(" ")


# --- links -------------------------------------------------------------------------------------------------


def _bare(url: str) -> str:
    """A link as a browser reads it: entities decoded, and tabs, line breaks and other control characters and
    spaces dropped ("java&#x61;\\tscript:" is "javascript:")."""
    return re.sub(r"[\x00-\x20\x7f]", "", html.unescape(url)).lstrip("<")


def is_safe_url(url: str) -> bool:
    """Whether a link may stay: to the web, email or phone, or within the site (no scheme at all)."""
    bare = _bare(url)
    return not _HAS_SCHEME.match(bare) or bool(_SAFE_SCHEME.match(bare))


def link_targets(text: str) -> Iterator[str]:
    """The targets of the Markdown links in ``text``, as written."""
    for match in _LINK_TARGET.finditer(text):
        yield match.group(1) if match.group(1) is not None else match.group(2)


def strings_in(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every text value in loaded data, with its key path: the text of any file, whatever its model."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from strings_in(item, (*path, i))


def text_problems(doc: Any) -> list[Any]:
    """Links in any text of a loaded file that go anywhere but the web, email, phone or the handbook's pages
    (``javascript:``, ``data:``, ``vbscript:``, ``file:``, …, however disguised): one positioned problem each.

    Runs for every file the handbook reads (see :func:`generator.validate.check_model`). Whether a linked page
    exists is checked later, across files."""
    problems = []
    for path, text in strings_in(doc.data):
        if text.count("[") > MAX_BRACKETS:
            problems.append(doc.problem(path, f'this text holds {text.count("[")} "[", more than {MAX_BRACKETS}',
                                        "square brackets start links and placeholders; write fewer, or split the "
                                        "text over several fields"))
            continue
        unsafe = [target for target in link_targets(text) if not is_safe_url(target)]
        unsafe = unsafe or [target for target in rendered_links(text) if not is_safe_url(target)]
        for target in dict.fromkeys(unsafe):
            shown = " ".join(target.split())[:40]
            problems.append(doc.problem(path, f'a link to "{shown}" is not allowed', LINK_HINT))
    return problems


MAX_BRACKETS = 500
"""The most "[" one field may hold: Python-Markdown takes time that grows with the square of their number."""
_MAY_LINK = re.compile(r"\]\s*[(\[:]|<[a-z][a-z0-9+.-]*:", re.I)
_markdown: Any = None


def rendered_links(text: str) -> list[str]:
    """The targets of every link and image ``text`` makes once Python-Markdown has read it as the site does:
    what a pattern cannot see (parentheses within parentheses, a reference defined in a list item or on the
    next line). Only text that may hold a link is read, so this costs little."""
    global _markdown
    if not _MAY_LINK.search(text):
        return []
    if _markdown is None:
        import markdown

        _markdown = markdown.Markdown(extensions=print_extensions())
    _markdown.reset()
    links = _Links()
    links.feed(_markdown.convert(block(text)))
    return links.found


class _Links(HTMLParser):
    """The href and src of the elements in a piece of HTML (not text that only looks like them)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.extend(value for name, value in attrs if name in ("href", "src") and value is not None)


# --- images --------------------------------------------------------------------------------------------------

_ACTIVE_SVG = re.compile(r"<\s*(?:[\w.-]+:)?(?:script|foreignObject|iframe|embed|object|a|handler|listener)\b|"
                         r"\s(?:[\w.-]+:)?on[a-z]+\s*=|javascript\s*:|&#|"
                         r"(?:xlink:)?href\s*=\s*[\"'](?!#)", re.I)


def svg_problem(path: Any) -> str | None:
    """Why an SVG image may not be published as it is (it could run a script when opened on its own), or
    None. An SVG is a document a browser runs: only drawings are published, never scripts or links out."""
    try:
        data = path.read_bytes()[:2_000_000]
    except OSError:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" in text:  # UTF-16 and others hide what is in them from a look at the text
        return "this SVG image is not UTF-8 text, so what it holds cannot be checked"
    found = _ACTIVE_SVG.search(text)
    if found is None:
        return None
    return f'this SVG image holds "{" ".join(found.group(0).split())[:30]}", which could run a script'


# --- front matter ------------------------------------------------------------------------------------------------

_HIDE = {"navigation", "toc", "footer", "path", "tags", "feedback"}
"""The parts of a page its front matter may ``hide``."""


def safe_meta(meta: dict[Any, Any]) -> dict[str, Any]:
    """A page's metadata as a page may have it: title and description escaped, ``hide`` from its known names,
    nothing else (``template``, ``location`` and the like would change what Material writes into the page)."""
    kept: dict[str, Any] = {}
    for key, value in meta.items():
        if key in ("title", "description") and isinstance(value, str):
            kept[key] = escape_attribute(html.unescape(value))
        elif key == "hide" and isinstance(value, list):
            kept[key] = [item for item in value if isinstance(item, str) and item in _HIDE]
    return kept


def safe_front_matter(markdown: str) -> str:
    """A generated page whose front matter holds only what :func:`safe_meta` keeps, with text HTML-escaped: a
    template (an office's) cannot write a ``<script>`` into ``<head>``, which Material does not escape. A page
    whose front matter is already safe is returned as it is, byte for byte."""
    if not markdown.startswith("---\n") or "\n---\n" not in markdown[3:]:
        return markdown
    end = markdown.index("\n---\n", 3)
    import json

    import yaml

    from .load import SAFE_LOADER

    try:
        data = yaml.load(markdown[4:end], Loader=SAFE_LOADER)  # noqa: S506 (a safe loader)
    except Exception:  # front matter a template made unreadable is dropped whole
        data = None
    kept = safe_meta(data if isinstance(data, dict) else {})
    if isinstance(data, dict) and kept == data:
        return markdown
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in kept.items()]
    return "---\n" + "".join(f"{line}\n" for line in lines) + markdown[end + 1:]


# --- HTML on the site ----------------------------------------------------------------------------------------

# What the handbook's templates and Markdown extensions make, and nothing else: no scripts, frames, forms that
# send, event handlers or styles beyond the two properties the templates set.
_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "button", "cite", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins",
    "kbd", "label", "legend", "li", "mark", "ol", "option", "output", "p", "pre", "q", "s", "select", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "time",
    "tr", "u", "ul",
}
_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "role", "style", "hidden", "tabindex"},
    "a": {"href", "hreflang", "download"},
    "img": {"src", "alt", "width", "height", "loading"},
    # The reader's answers (see templates/_answers.md.j2): controls in no <form>, so nothing can be sent.
    "input": {"type", "name", "checked", "disabled", "value", "aria-label", "inputmode", "step", "min", "max",
              "autocomplete"},
    "textarea": {"name", "rows", "autocomplete"},
    "select": {"name"},
    "option": {"value", "selected"},
    "output": {"for", "name"},
    "button": {"type"},
    "label": {"for"},
    "time": {"datetime"},
    "ol": {"start", "type"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "details": {"open"},
}
_STYLE_PROPERTIES = {"text-align", "--handbook-lines"}
_cleaner: Any = None


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Material's own elements have ids starting with "__" (__config, __search, __drawer): a page's content may
    # not take them over (its #__config is read as the site's settings).
    if attribute in ("id", "for", "name") and value.startswith("__"):
        return None
    if attribute.startswith("data-md-"):  # Material's own hooks (data-md-component="source" fetches from a host)
        return None
    return value


def _new_cleaner() -> Any:
    import nh3

    return nh3.Cleaner(tags=set(_TAGS), attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
                       generic_attribute_prefixes={"aria-", "data-"}, url_schemes=set(SAFE_SCHEMES), link_rel=None,
                       strip_comments=True, clean_content_tags={"script", "style"},
                       filter_style_properties=set(_STYLE_PROPERTIES), attribute_filter=_attribute_filter)


def clean_html(fragment: str) -> str:
    """A page's HTML with only what the handbook's own templates make (nh3, the Rust ammonia sanitiser): the
    last guard, after validation and escaping, against anything an office's template or text slipped in."""
    global _cleaner
    if _cleaner is None:
        _cleaner = _new_cleaner()
    return _cleaner.clean(fragment)
