"""Validate: turn loaded documents into a typed :class:`Handbook`, or a list of every problem in them.

Each file is checked against its model (pydantic), and pydantic's errors are mapped back to the position of
the key (for an unknown key) or the value (for a wrong value) in the file. Then checks across files run:
phases, related pages and sources must exist, ids must be unique. Nothing stops at the first problem.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, RootModel, ValidationError

from .load import Document, LoadedTree
from .memo import kept, validated
from .models import (
    EMAIL_PATTERN,
    HEX_COLOR_PATTERN,
    ID_PATTERN,
    PAGE_KINDS,
    PHONE_PATTERN,
    REPO_PATTERN,
    URL_PATTERN,
    AnyPage,
    Checklist,
    HandbookSettings,
    Script,
    Source,
    Sources,
)
from .problems import ContentError, KeyPath, Problem
from .text import link_targets, strings_in, svg_problem, text_problems

SVG_HINT = "save the image again without scripts or links (most drawing programs have a plain SVG option), or as PNG"
SETTINGS_FILE = "handbook"
SOURCES_FILE = "sources"
HOME_PAGE = "index"
# Page ids whose output would collide with what the site or this tool writes.
RESERVED_IDS = {"assets", "handouts", "search", "404", "accessibility", "local-resources", SETTINGS_FILE,
                SOURCES_FILE}
KIND_ORDER = {kind: rank for rank, kind in enumerate(PAGE_KINDS)}


@dataclass(frozen=True)
class PageEntry:
    """A validated page and where it came from."""

    id: str
    page: AnyPage
    doc: Document = field(repr=False, compare=False)
    """The loaded file (its path and positions), for later checks."""


@dataclass(frozen=True)
class Handbook:
    """Everything the content folder says, validated and cross-checked."""

    content_dir: Path
    settings: HandbookSettings
    sources: dict[str, Source]
    pages: dict[str, PageEntry]
    assets: tuple[Path, ...]
    sources_doc: Document | None = field(default=None, repr=False, compare=False)
    hidden: frozenset[str] = frozenset()
    """Pages an office does not publish: links to them become plain text."""
    asset_dirs: tuple[Path, ...] = ()
    """The folders the assets come from (an office's first); empty: ``content_dir/assets``."""
    office_root: Path | None = None
    """The office's folder, when this is an office's handbook (its logo is read from there)."""
    shown_in: dict[str, str] = field(default_factory=dict)
    """Pages not translated into the handbook's language, by id: the language they are shown in."""
    behind: dict[str, Any] = field(default_factory=dict)
    """Translated pages whose original changed since, by id: the original's date (None when unknown)."""
    original_language: str = "en"
    """The language the base content (and its sources) is written in."""
    served: frozenset[str] | None = None
    """The audiences the site is for (see :mod:`generator.audiences`); None: every reader."""

    @property
    def printable(self) -> list[PageEntry]:
        """The pages that become PDF handouts, in reading order (by phase, then unphased)."""
        phased = [e for phase in self.settings.phases for e in self.pages_in_phase(phase.id)]
        return [e for e in [*phased, *self.pages_in_phase(None)] if is_printable(e.page)]

    def pages_in_phase(self, phase: str | None) -> list[PageEntry]:
        """The pages of one phase (None: pages without a phase), in reading order."""
        return sorted(
            (entry for entry in self.pages.values() if entry.page.phase == phase and entry.id != HOME_PAGE),
            key=lambda e: (e.page.order is None, e.page.order or 0, KIND_ORDER[e.page.kind],
                           e.page.title.casefold(), e.id),
        )


def validate(tree: LoadedTree, hidden: frozenset[str] = frozenset()) -> Handbook:
    """Check the loaded tree; raise :class:`ContentError` with every problem, or return the handbook.

    ``hidden`` pages (an office's) are not in the tree; links to them are allowed, and related pages and the
    packet leave them out.
    """
    problems = list(tree.problems)
    documents = dict(tree.documents)

    settings_doc = _take_site_file(documents, tree.root, SETTINGS_FILE)
    sources_doc = _take_site_file(documents, tree.root, SOURCES_FILE)
    settings = None
    if settings_doc is None:
        if not any(p.file.stem == SETTINGS_FILE and p.file.parent == tree.root for p in problems):
            problems.append(Problem(tree.root / f"{SETTINGS_FILE}.yml", 0, 0, "the handbook settings file is missing",
                                    hint="create it with the handbook's title, description and phases (see README)"))
    else:
        settings = check_model(settings_doc, HandbookSettings, problems)
    sources: dict[str, Source] = {}
    if sources_doc is not None:
        checked = check_model(sources_doc, Sources, problems)
        sources = checked.root if checked else {}

    pages: dict[str, PageEntry] = {}
    page_docs: dict[str, Document] = {}
    for file, doc in sorted(documents.items()):
        page_id = file.stem
        if not re.match(ID_PATTERN, page_id):
            problems.append(Problem(file, 0, 0, f'the file name "{file.name}" cannot be used as a page id',
                                    hint="use lowercase letters, digits and hyphens, like after-the-interview.yml"))
        elif page_id in RESERVED_IDS:
            problems.append(Problem(file, 0, 0, f'the page id "{page_id}" is reserved for the site itself',
                                    hint="rename the file"))
        elif page_id in page_docs:
            problems.append(Problem(file, 0, 0, f'the page id "{page_id}" is already used by '
                                    f"{_rel(page_docs[page_id].file, tree.root)}",
                                    hint="page ids are file names and must be unique across the content folder: "
                                         "rename one of the files"))
        else:
            page_docs[page_id] = doc
            page = _check_page(doc, problems)
            if page is not None:
                pages[page_id] = PageEntry(page_id, page, doc)

    if not any(path.stem == HOME_PAGE for path in tree.yaml_files):
        problems.append(Problem(tree.root / f"{HOME_PAGE}.yml", 0, 0, "the handbook has no home page",
                                hint=f"add {tree.root.name}/{HOME_PAGE}.yml with kind: page and contents: true"))
    # A page that could not be read still exists: links to it are not the problem.
    known_ids = {path.stem for path in tree.yaml_files} - {SETTINGS_FILE, SOURCES_FILE} | hidden
    problems.extend(_cross_check(page_docs, known_ids, pages, settings, sources, sources_doc is not None, hidden))
    for site_doc in (settings_doc, sources_doc):
        if site_doc is not None:
            problems.extend(_check_page_links(site_doc, known_ids))
    if settings_doc is not None:
        problems.extend(_check_packet(settings_doc, known_ids, pages, hidden))
    problems.extend(Problem(path, 0, 0, said, hint=SVG_HINT) for path in tree.assets
                    if path.suffix.lower() == ".svg" and (said := svg_problem(path)))
    if problems:
        error = ContentError(problems)
        # The pages that are valid on their own still get their editorial warnings in the same run.
        error.partial = (settings, pages)
        raise error
    assert settings is not None  # a missing or broken settings file is a problem above
    if hidden:
        pages, settings = without_links_to(hidden, pages, settings)
    return Handbook(tree.root, settings, sources, dict(sorted(pages.items())), tuple(tree.assets), sources_doc,
                    hidden)


def without_links_to(gone: Iterable[str], pages: dict[str, PageEntry], settings: HandbookSettings
                     ) -> tuple[dict[str, PageEntry], HandbookSettings]:
    """The pages and settings with the ``gone`` pages (hidden by an office, or for audiences it does not serve)
    left out of every page's related pages and of the packet. (Links in text become plain words as each page
    is rendered, from ``Handbook.hidden``.)"""
    gone = set(gone)
    pages = {page_id: entry if not gone.intersection(entry.page.related) else dataclasses.replace(
                 entry, page=entry.page.model_copy(update={"related": [r for r in entry.page.related
                                                                       if r not in gone]}))
             for page_id, entry in pages.items()}
    return pages, settings.model_copy(update={"packet": [p for p in settings.packet if p not in gone]})


def is_printable(page: AnyPage) -> bool:
    """Checklists always become handouts; guides, scripts and recovery plans when they say `printable: true`."""
    return isinstance(page, Checklist) or bool(getattr(page, "printable", False))


def _check_packet(doc: Document, known_ids: set[str], pages: dict[str, PageEntry],
                  hidden: frozenset[str] = frozenset()) -> list[Problem]:
    """The packet lists handouts: pages that exist and are printable, each once."""
    problems = []
    seen: set[str] = set()
    for i, page_id in _ids_in(doc, "packet"):
        entry = pages.get(page_id)
        if page_id in hidden:
            continue  # an office hides it: the packet goes without it
        if page_id not in known_ids:
            printable = sorted(e.id for e in pages.values() if is_printable(e.page))
            problems.append(doc.problem(("packet", i), f'no page has the id "{page_id}"',
                                        _did_you_mean(page_id, printable,
                                                      f"the printable pages are: {_listing(printable)}")))
        elif entry is not None and not is_printable(entry.page):
            problems.append(doc.problem(("packet", i), f'"{page_id}" is not printable, so it has no handout '
                                        "to put in the packet",
                                        f"add printable: true to {_rel(entry.doc.file, doc.file.parent)}, "
                                        "or remove this line"
                                        if entry.page.kind in ("guide", "script") else
                                        "only checklists, guides and scripts can be handouts; remove this line"))
        elif page_id in seen:
            problems.append(doc.problem(("packet", i), f'"{page_id}" is listed twice', "remove this line"))
        seen.add(page_id)
    return problems


def _rel(path: Path, root: Path) -> str:
    return (Path(root.name) / path.relative_to(root)).as_posix() if path.is_relative_to(root) else str(path)


def site_file(documents: dict[Path, Document], root: Path, stem: str) -> Path | None:
    """Where a site-wide file (``handbook.yml``, ``sources.yml``) is among the loaded documents, if it is."""
    return next((path for path in (root / f"{stem}.yml", root / f"{stem}.yaml") if path in documents), None)


def _take_site_file(documents: dict[Path, Document], root: Path, stem: str) -> Document | None:
    path = site_file(documents, root, stem)
    return documents.pop(path) if path is not None else None


def _check_page(doc: Document, problems: list[Problem]) -> AnyPage | None:
    data = doc.data
    if not isinstance(data, dict):
        problems.append(doc.problem((), f"a page must be a set of fields, but this file holds {_describe(data, None)}",
                                    hint='start the file with "kind: …", then "title: …" and the other fields'))
        return None
    if not (isinstance(data.get("kind"), str) and data["kind"] in PAGE_KINDS):  # its text is checked all the same
        problems.extend(text_problems(doc))
    if "kind" not in data:
        problems.append(doc.problem((), 'missing required field "kind"',
                                    hint=f"start the file with a line such as \"kind: page\" ({_kinds()})"))
        return None
    kind = data["kind"]
    model = PAGE_KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        problems.append(doc.problem(("kind",), f"unknown kind {_describe(kind, doc.raw.get(('kind',)))}",
                                    hint=_did_you_mean(kind, PAGE_KINDS, f"the kinds are: {_kinds()}")))
        return None
    return check_model(doc, model, problems)


def _kinds() -> str:
    return ", ".join(PAGE_KINDS)


def check_model(doc: Document, model: type[BaseModel], problems: list[Problem]) -> Any:
    """Validate a document against a model, turning each pydantic error into a positioned problem."""
    if not isinstance(doc.data, dict):
        problems.append(doc.problem((), f"expected a set of fields (key: value lines), but this file holds "
                                    f"{_describe(doc.data, None)}"))
        return None
    result, found = validated(doc, model, lambda: _checked(doc, model))
    problems.extend(found)
    return result


def _checked(doc: Document, model: type[BaseModel]) -> tuple[Any, list[Problem]]:
    problems = text_problems(doc)  # one rule for text, in every file: see generator.text
    try:
        return model.model_validate(doc.data), problems
    except ValidationError as error:
        errors = error.errors(include_url=False)
    # A misspelt key ("sumary") also leaves its field missing; its did-you-mean says it all.
    misspelt = set()
    for e in errors:
        if e["type"] == "extra_forbidden":
            parent = tuple(e["loc"][:-1])
            misspelt.update((parent, m) for m in difflib.get_close_matches(str(e["loc"][-1]),
                                                                        _fields_at(model, parent) or [], n=1))
    problems.extend(_problem_from_error(doc, model, e) for e in errors
                    if not (e["type"] == "missing" and (tuple(e["loc"][:-1]), e["loc"][-1]) in misspelt))
    return None, problems


def _problem_from_error(doc: Document, model: type[BaseModel], error: Any) -> Problem:
    """Plain words and the right position for one pydantic error."""
    loc: KeyPath = tuple(error["loc"])
    kind: str = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    got = _describe(value, doc.raw.get(loc))
    quote_hint = _quote_hint(doc, loc)

    if "[key]" in loc:  # a key of a dict (a source id) failed its pattern
        path = loc[: loc.index("[key]")]
        return doc.problem(path, f'"{path[-1]}" cannot be used as an id',
                           "ids use lowercase letters, digits and hyphens, like final-round-mistake", at_key=True)
    if kind == "missing":
        name = loc[-1]
        description = _field_description(model, loc)
        parent = loc[:-1]
        return doc.problem(parent, f'missing required field "{name}"',
                           f'add "{name}: …"' + (f" ({description})" if description else ""))
    if kind == "extra_forbidden":
        name = str(loc[-1])
        allowed = _fields_at(model, loc[:-1]) or []
        return doc.problem(loc, f'unknown field "{name}"',
                           _did_you_mean(name, allowed, f"the fields allowed here are: {', '.join(allowed)}"),
                           at_key=True)
    if kind == "string_type":
        return doc.problem(loc, f"expected text, got {got}", quote_hint)
    if kind == "list_type":
        return doc.problem(loc, f"expected a list, got {got}",
                           'write each entry on its own line, starting with "- "')
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return doc.problem(loc, f"expected a set of fields (key: value lines), got {got}",
                           "write the fields on the lines below, indented by two more spaces")
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected")))
        hint = quote_hint
        if isinstance(value, str):
            hint = _did_you_mean(value.lower(), options, quote_hint) if hint is None else hint
        return doc.problem(loc, f"expected one of {ctx.get('expected')}, got {got}", hint)
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == URL_PATTERN:
            if isinstance(value, str) and re.match(r"^https?://", value.strip()):
                return doc.problem(loc, f"this web address holds a character web addresses cannot: {got}",
                                   "remove spaces, quotes, < > and backslashes; copy the address from the "
                                   "browser's address bar")
            return doc.problem(loc, f"expected a web address starting with https://, got {got}")
        if ctx.get("pattern") == EMAIL_PATTERN:
            return doc.problem(loc, f"expected an email address, got {got}",
                               "write the address alone, like careers@example.edu")
        if ctx.get("pattern") == HEX_COLOR_PATTERN:
            return doc.problem(loc, f"expected a colour written as # and six hex digits, like #1f5f8b, got {got}",
                               'put it in quotes, as "#1f5f8b" (YAML reads what follows # as a note)')
        if ctx.get("pattern") == PHONE_PATTERN:
            return doc.problem(loc, f"expected a phone number, got {got}",
                               "write the number with digits, spaces, hyphens or brackets, like +1 555 0100; "
                               "put opening hours under hours")
        if ctx.get("pattern") == REPO_PATTERN:
            return doc.problem(loc, f"expected the repository as owner/name, got {got}",
                               "copy it from the repository's address: https://gitlab.com/careers/handbook is "
                               "careers/handbook")
        return doc.problem(loc, f"{got} is not a valid id",
                           "ids use lowercase letters, digits and hyphens, like after-the-interview")
    if kind == "string_too_short":
        return doc.problem(loc, "must not be empty", "write the text after the colon, or remove the line")
    if kind == "too_short":
        need = ctx.get("min_length", 1)
        return doc.problem(loc, f"needs at least {need} entr{'y' if need == 1 else 'ies'}",
                           'write each entry on its own line, starting with "- "')
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return doc.problem(loc, f"expected a whole number, got {got}")
    if kind == "bool_type":
        return doc.problem(loc, f"expected true or false, got {got}")
    if kind == "greater_than_equal":
        return doc.problem(loc, f"must be at least {ctx.get('ge')}, got {got}")
    if kind == "less_than_equal":
        return doc.problem(loc, f"must be at most {ctx.get('le')}, got {got}")
    if kind == "handbook_date":
        hint = "remove the time" if isinstance(value, dt.datetime) else None
        if isinstance(value, str) and re.match(r"^\d{4}-\d{1,2}-\d{1,2}$", value.strip()):
            hint = "that day does not exist in the calendar; check the month (01-12) and the day"
        return doc.problem(loc, f"{error['msg']}, got {got}", hint)
    return doc.problem(loc, error["msg"][:1].lower() + error["msg"][1:])


def _spot(doc: Document, path: KeyPath) -> tuple[int, int]:
    spot = doc.value_spot(path)
    return spot.line, spot.column


def _quote_hint(doc: Document, loc: KeyPath) -> str | None:
    raw = doc.raw.get(loc)
    if raw in (None, "", "~", "null", "Null", "NULL"):
        return "write the text after the colon" if raw is not None else None
    return f'YAML read this as something other than text; put it in quotes to keep it as written: "{raw}"'


def _describe(value: Any, raw: str | None) -> str:
    """Say in plain words what a value is, quoting what the editor wrote where YAML changed it."""
    if isinstance(value, bool):
        return f"{raw}, which YAML reads as {'true' if value else 'false'}" if raw else str(value).lower()
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, int | float):
        return f"the number {raw if raw is not None else value}"
    if isinstance(value, dt.datetime):
        return f"the date and time {raw if raw is not None else value}"
    if isinstance(value, dt.date):
        return f"the date {raw if raw is not None else value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'"{shown}"'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    return type(value).__name__


def _listing(items: list[str], limit: int = 12) -> str:
    """Items for a hint, at most ``limit`` of them: a hint of hundreds of ids helps no one."""
    if len(items) <= limit:
        return ", ".join(items)
    return f"{', '.join(items[:limit])} and {len(items) - limit} more"


def _did_you_mean(word: Any, choices: Iterable[str], otherwise: str) -> str:
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f'did you mean "{match[0]}"?' if match else otherwise


def _unwrap(tp: Any) -> Any:
    """Strip Annotated[...] and Optional[...] to reach the type that matters."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        elif isinstance(tp, type) and issubclass(tp, RootModel):
            tp = tp.model_fields["root"].annotation
        else:
            return tp


def _walk(model: type[BaseModel], loc: KeyPath) -> Any:
    tp: Any = model
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(str(part))
            if field is None:
                return None
            tp = field.annotation
        elif typing.get_origin(tp) is list:
            tp = typing.get_args(tp)[0]
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        else:
            return None
    return _unwrap(tp)


def _fields_at(model: type[BaseModel], loc: KeyPath) -> list[str] | None:
    """The field names allowed in the mapping at ``loc``, for did-you-mean suggestions."""
    tp = _walk(model, loc)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return None


def _field_description(model: type[BaseModel], loc: KeyPath) -> str | None:
    parent = _walk(model, loc[:-1])
    if isinstance(parent, type) and issubclass(parent, BaseModel):
        field = parent.model_fields.get(str(loc[-1]))
        if field and field.description:  # its first sentence, on one line
            return re.split(r"(?<=\.)\s", " ".join(field.description.split()), maxsplit=1)[0].rstrip(".")
    return None


_PLACEHOLDER = re.compile(r"\[([^\[\]\n]+)\](?![(\[:])")


def placeholders_in(message: str) -> list[str]:
    """The [Placeholder] names a script's message uses, in order of first use (Markdown links excluded)."""
    seen: dict[str, None] = {}
    for match in _PLACEHOLDER.finditer(message):
        seen.setdefault(match.group(1).strip(), None)
    return list(seen)


def _check_page_links(doc: Document, known_ids: set[str]) -> list[Problem]:
    """Links to the handbook's pages (page-id.md) must go to pages that exist. (Which kinds of link are allowed
    at all is checked in every file by :func:`generator.text.text_problems`.)"""
    return [doc.problem(path, f'a link to "{target}", but no page has the id "{page_id}"',
                        _did_you_mean(page_id, sorted(known_ids), "link to a page by its file name: page-id.md"))
            for path, target, page_id in _references(doc).links if page_id not in known_ids]


@dataclass(frozen=True)
class _References:
    """What a file's text names that other files must have: pages linked to, audiences, quotations' sources
    (each with where it is named)."""

    links: list[tuple[KeyPath, str, str]]
    audiences: list[tuple[KeyPath, str]]
    quoted: list[tuple[KeyPath, str]]


def _references(doc: Document) -> _References:
    """The file's references, found in one pass over its text (and kept for the next build in this process,
    while the file is the same)."""
    return kept("references", doc.file, (doc,), lambda: _find_references(doc))


def _find_references(doc: Document) -> _References:
    links, audiences, quoted = [], [], []
    for path, text in strings_in(doc.data):
        for raw in link_targets(text):
            target = raw.strip().lstrip("<").split(">")[0].split()[0] if raw.strip() else ""
            page = target.split("#", 1)[0]
            if page.endswith(".md") and ":" not in page.split("/")[0]:
                links.append((path, target, page.rsplit("/", 1)[-1].removesuffix(".md")))
        if len(path) > 1 and path[-2] == "audiences":
            audiences.append((path, text))
        if len(path) > 2 and path[-3] == "quotes" and path[-1] == "source":
            quoted.append((path, text))
    return _References(links, audiences, quoted)


def _ids_in(doc: Document, field: str) -> list[tuple[int, str]]:
    """The (index, id) pairs of a list-of-ids field in raw data, skipping what the model reports as wrong."""
    value = doc.data.get(field) if isinstance(doc.data, dict) else None
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, str) and re.match(ID_PATTERN, item)]


def _cross_check(
    docs: dict[str, Document],
    known_ids: set[str],
    pages: dict[str, PageEntry],
    settings: HandbookSettings | None,
    sources: dict[str, Source],
    have_sources_file: bool,
    hidden: frozenset[str] = frozenset(),
) -> list[Problem]:
    """Checks between files, on the raw data of every page that could be read, valid or not."""
    problems: list[Problem] = []
    phases = [phase.id for phase in settings.phases] if settings else None
    for page_id, doc in docs.items():
        phase = doc.data.get("phase") if isinstance(doc.data, dict) else None
        if phases is not None and isinstance(phase, str) and re.match(ID_PATTERN, phase) and phase not in phases:
            problems.append(doc.problem(("phase",), f'unknown phase "{phase}"',
                                        _did_you_mean(phase, phases,
                                                      f"the phases are: {', '.join(phases)} (set in handbook.yml)")))
        seen: set[str] = set()
        for i, other in _ids_in(doc, "related"):
            if other in hidden:
                continue  # an office hides it: the link is dropped
            if other == page_id:
                problems.append(doc.problem(("related", i), "a page cannot be related to itself", "remove this line"))
            elif other not in known_ids:
                problems.append(doc.problem(("related", i), f'no page has the id "{other}"',
                                            _did_you_mean(other, sorted(known_ids),
                                                          "a page's id is its file name without .yml")))
            elif other in seen:
                problems.append(doc.problem(("related", i), f'"{other}" is listed twice', "remove this line"))
            seen.add(other)
        seen = set()
        for i, source in _ids_in(doc, "sources"):
            if source not in sources:
                where = "sources.yml" if have_sources_file else "sources.yml (which does not exist yet)"
                problems.append(doc.problem(("sources", i), f'no source has the id "{source}" in {where}',
                                            _did_you_mean(source, sources, "add the source to sources.yml first")))
            elif source in seen:
                problems.append(doc.problem(("sources", i), f'"{source}" is listed twice', "remove this line"))
            seen.add(source)
        problems.extend(_check_page_links(doc, known_ids))
        if settings is not None:
            problems.extend(unknown_audiences(doc, [audience.id for audience in settings.audiences]))
        for path, source in _references(doc).quoted:  # a quotation's source, wherever its quotes are
            if source not in sources:
                problems.append(doc.problem(path, f'no source has the id "{source}" in sources.yml',
                                            _did_you_mean(source, sources, "add the source to sources.yml first")))
        entry = pages.get(page_id)
        if entry is not None and isinstance(entry.page, Script):
            problems.extend(_check_placeholders(entry.page, doc))
    return problems


def unknown_audiences(doc: Document, known: list[str], where: str = "handbook.yml") -> list[Problem]:
    """A problem for each audience id that ``doc`` names (in any ``audiences`` list, at any depth) and
    ``handbook.yml`` does not declare."""
    listed = f"the audiences are: {', '.join(known)}" if known else "it declares none yet"
    return [doc.problem(path, f'no audience has the id "{audience}" in {where}',
                        _did_you_mean(audience, known, f"declare it under audiences in {where} first ({listed})"))
            for path, audience in _references(doc).audiences if audience not in known]


def _check_placeholders(script: Script, doc: Document) -> list[Problem]:
    versions: list[tuple[KeyPath, str]] = [(("message",), f"{script.subject or ''}\n{script.message}")]
    versions += [(("variants", i, "message"), f"{v.subject or ''}\n{v.message}") for i, v in enumerate(script.variants)]
    declared = [p.name for p in script.placeholders]
    problems = []
    used: list[str] = []
    for path, text in versions:
        for name in placeholders_in(text):
            if name not in declared and name not in used:
                problems.append(doc.problem(path, f'"[{name}]" is used in the message, but not explained '
                                            "under placeholders",
                                            f'add it under placeholders: "- name: {name}" with a hint saying what '
                                            "to write there"))
            used.append(name)
    for i, name in enumerate(declared):
        if name not in used:
            problems.append(doc.problem(("placeholders", i, "name"), f'the placeholder "{name}" is not used in '
                                        f"the subject or the message{' (or its variants)' if script.variants else ''}",
                                        f'write "[{name}]" in the message, or remove this entry'))
        elif declared.index(name) != i:
            problems.append(doc.problem(("placeholders", i, "name"), f'the placeholder "{name}" is listed twice'))
    return problems
