"""Translations: whole page files laid over their originals, stamped with what they were translated from.

A translation of ``content/checklists/get-ready.yml`` into French is ``content/i18n/fr/checklists/get-ready.yml``
(any folder under ``i18n/fr/``: the file name, the page's id, is what matters), a whole page with the same
schema as its original. ``content/i18n/fr/handbook.yml`` translates the handbook's title, description and
phases. What is not words (the page's kind, phase, related pages, sources, order, channel; the handbook's
languages, paper, packet and limits) always comes from the original, so a translator never has to keep it in
step; what a translation says there is not used.

Like an office's changes (:mod:`generator.overlays`), each translation lies over a base part that moves on.
``content/i18n/<language>/translation-stamps.yml``, written by ``handbook translations stamp``, never by hand,
records each original's words as they were when its translation was last brought up to date; a translation
whose original's words changed since is *behind*, and the report says what changed, field by field. A page
with no translation is *missing*: it is published in its original language, with a notice in the reader's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .load import YAML_SUFFIXES, Document, LoadedTree, load_file, load_tree, not_plain
from .models import NOT_WORDS_INSIDE
from .overlays import _change, _Literal, _StampsDumper, flatten
from .problems import KeyPath, Problem, display_path

I18N_DIR = "i18n"
STAMPS_FILE = "translation-stamps.yml"
SETTINGS_ID = "handbook"
SOURCES_ID = "sources"
KEPT_FROM_PAGE = ("kind", "phase", "related", "sources", "order", "channel", "printable", "pages", "contents",
                  "audiences", "draft_lines")
"""A page's fields that are not words: always the original's."""
KEPT_INSIDE = NOT_WORDS_INSIDE
"""Fields inside a page's entries that are not words: always the original's, entry by entry, so a translation
need not repeat them."""
KEPT_FROM_SETTINGS = ("language", "languages", "paper", "packet", "editorial", "editor")
"""``handbook.yml``'s settings that are not words: always the original's."""
NOT_WORDS = {"id", "url", "email", "phone", "booking_url", "site_url", "logo", "published", "reviewed", *KEPT_INSIDE}
"""Fields anywhere in a file that hold no words to translate (ids, numbers, addresses, dates)."""
STAMPS_HEADER = """\
# Written by the handbook generator (handbook translations stamp {language}): the words of each original page
# as they were when its {language} translation was last brought up to date, so that `handbook translations`
# and `handbook check` can say which translations are behind. Do not edit it by hand: update the translation,
# then run `handbook translations stamp {language} PAGE`.
"""


def translation_root(content_dir: Path, language: str) -> Path:
    """Where one language's translations live: ``content/i18n/<language>/``."""
    return content_dir / I18N_DIR / language


def translated_languages(content_dir: Path) -> list[str]:
    """The languages that have a folder of translations."""
    folder = content_dir / I18N_DIR
    return sorted(path.name for path in folder.iterdir() if path.is_dir() and not path.name.startswith(".")) \
        if folder.is_dir() else []


def kept_fields(page_id: str) -> tuple[str, ...]:
    return KEPT_FROM_SETTINGS if page_id == SETTINGS_ID else KEPT_FROM_PAGE


def words_of(page_id: str, data: Any) -> dict[str, str]:
    """A file's words, as ``{field path: text}``: what a translation translates and a stamp records."""
    kept = kept_fields(page_id)
    found = {}
    for path, text in flatten(data).items():
        top = path.split(".")[0].split("[")[0]
        last = path.rsplit(".", 1)[-1].split("[")[0]
        if top in kept or last in NOT_WORDS or top in NOT_WORDS or not path:
            continue
        found[path] = text
    return found


# --- a translated document -----------------------------------------------------------------------------------


@dataclass
class TranslatedDocument(Document):
    """A translation with the fields kept from its original; a problem in those names the original."""

    original: Path = Path()
    from_original: tuple[str, ...] = ()

    def problem(self, path: KeyPath, message: str, hint: str | None = None, *, at_key: bool = False) -> Problem:
        found = super().problem(path, message, hint, at_key=at_key)
        if path and path[0] in self.from_original:
            return dataclasses.replace(found, file=self.original)
        return found


def merged(original: Document, translation: Document, page_id: str) -> Document:
    """The translation, with the fields that are not words taken from the original."""
    if not isinstance(original.data, dict) or not isinstance(translation.data, dict):
        return translation
    kept = [key for key in kept_fields(page_id) if key in original.data]
    data = {key: value for key, value in translation.data.items() if key not in kept_fields(page_id)}
    for key in kept:
        data[key] = original.data[key]
    if page_id == SETTINGS_ID:  # a setting the translation lacks (audiences added since) is the original's
        data.update((key, value) for key, value in original.data.items() if key not in data)
    ordered = {key: _kept_inside(original.data.get(key), data[key]) if key not in kept else data[key]
               for key in [*original.data, *translation.data] if key in data}

    def positions(mine: dict, theirs: dict) -> dict:
        return {**{p: s for p, s in mine.items() if not p or p[0] not in kept},
                **{p: s for p, s in theirs.items() if p and p[0] in kept}}

    return TranslatedDocument(translation.file, ordered, positions(translation.values, original.values),
                              positions(translation.keys, original.keys), positions(translation.raw, original.raw),
                              original=original.file, from_original=tuple(kept))


def _kept_inside(original: Any, translation: Any) -> Any:
    """The translation's entries with their :data:`KEPT_INSIDE` fields taken from the original's entries."""
    if isinstance(original, dict) and isinstance(translation, dict):
        data = {key: value for key, value in translation.items() if key not in KEPT_INSIDE}
        data.update((key, value) for key, value in original.items() if key in KEPT_INSIDE)
        return {key: _kept_inside(original.get(key), data[key]) if key not in KEPT_INSIDE else data[key]
                for key in [*original, *translation] if key in data}
    if isinstance(original, list) and isinstance(translation, list):
        return [_kept_inside(a, b) for a, b in zip(original, translation, strict=False)] + translation[len(original):]
    return translation


def structure_problems(original: Document, translation: Document, page_id: str, root: Path) -> list[Problem]:
    """Where a translation's shape differs from its original's in a way that matters: an entry missing or added
    in a list (a checklist item, a step), a field one has and the other has not, a phase with another id."""
    problems: list[Problem] = []
    shown = display_path(original.file, root)

    def walk(a: Any, b: Any, path: KeyPath) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for key in [*a, *(k for k in b if k not in a)]:
                if not path and key in (*kept_fields(page_id), "reviewed") or path and key in KEPT_INSIDE:
                    continue
                here = (*path, key)
                if key not in b:
                    problems.append(translation.problem(path, f"the original has {_name(here)} and this translation "
                                                        f"does not ({shown})",
                                                        "translate it here too, or remove it from the original",
                                                        at_key=bool(path)))
                elif key not in a:
                    problems.append(translation.problem(here, f"this field is not in the original ({shown})",
                                                        "remove it, or add it to the original first", at_key=True))
                else:
                    walk(a[key], b[key], here)
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                gap = abs(len(a) - len(b))
                said = (f"{'one is' if gap == 1 else f'{gap} are'} missing" if len(b) < len(a) else
                        f"{'one is' if gap == 1 else f'{gap} are'} not in the original")
                problems.append(translation.problem(path, f"{len(b)} entries here and {len(a)} in the original "
                                                    f"({shown}): {said}",
                                                    "give each entry of the original its translation, in the same "
                                                    "order", at_key=True))
            for i, (x, y) in enumerate(zip(a, b, strict=False)):
                walk(x, y, (*path, i))
        elif path and path[-1] == "id" and a != b:
            problems.append(translation.problem(path, f'the id "{b}" is "{a}" in the original ({shown})',
                                                "ids are not translated: copy the original's"))

    walk(original.data, translation.data, ())
    return [dataclasses.replace(problem, warning=True) for problem in problems]


def key_path(path: str) -> KeyPath:
    """``groups[0].items[2].text`` (as :func:`~generator.overlays.flatten` names a field) as a key path."""
    parts: list[str | int] = []
    for piece in path.split("."):
        name, *indexes = piece.split("[")
        if name:
            parts.append(name)
        parts.extend(int(index.rstrip("]")) for index in indexes if index.rstrip("]").isdigit())
    return tuple(parts)


def _name(path: KeyPath) -> str:
    shown = ""
    for part in path:
        shown += f"[{part}]" if isinstance(part, int) else f".{part}" if shown else str(part)
    return f"`{shown}`" if shown else "the file"


# --- the base in one language ----------------------------------------------------------------------------------


@dataclass
class InLanguage:
    """The base content as published in one language."""

    language: str
    original_language: str
    tree: LoadedTree
    """The base with each translated file laid over its original (the original where there is none)."""
    translations: dict[str, Document] = field(default_factory=dict)
    """Each translation as written, by page id (``handbook`` for the settings)."""
    originals: dict[str, Document] = field(default_factory=dict)
    """Every original page and settings file, by id."""
    shown_in: dict[str, str] = field(default_factory=dict)
    """Pages shown in another language than ``language`` (no translation), by id: that language."""
    warnings: list[Problem] = field(default_factory=list)


def settings_document(base: LoadedTree) -> Document | None:
    """``handbook.yml`` as loaded (not yet validated), or None when it is missing or unreadable."""
    from .validate import site_file

    path = site_file(base.documents, base.root, SETTINGS_ID)
    return base.documents[path] if path is not None else None


def original_language(base: LoadedTree) -> str:
    """The language the base content is written in, as ``handbook.yml`` says (before it is validated)."""
    settings = settings_document(base)
    language = settings.data.get("language") if settings is not None and isinstance(settings.data, dict) else None
    return language if isinstance(language, str) and language.strip() else "en"


def load_translations(content_dir: Path, language: str) -> LoadedTree:
    """Every translation file of one language (its stamps file aside)."""
    root = translation_root(content_dir, language)
    linked = linked_folder(root, content_dir)
    if linked is not None:
        return LoadedTree(root, {}, [], [], [not_plain(linked)])
    tree = load_tree(root) if root.is_dir() else LoadedTree(root, {}, [], [], [])
    stamps = root / STAMPS_FILE
    tree.documents.pop(stamps, None)
    tree.yaml_files = [path for path in tree.yaml_files if path != stamps]
    tree.problems = [p for p in tree.problems if p.file != stamps]
    tree.problems += [Problem(path, 0, 0, "translations use the original's images and files",
                              hint=f"put assets in {content_dir.name}/assets/ and give them a name per language if "
                                   "they hold words, such as chart-fr.png") for path in tree.assets]
    tree.assets = []
    return tree


def linked_folder(folder: Path, top: Path) -> Path | None:
    """The first folder from ``folder`` up to (not including) ``top`` that is a link (a symlink), or None: a
    folder of translations may not lead out of the handbook, as no file in it may."""
    while folder != top and top in folder.parents:
        if folder.is_symlink():
            return folder
        folder = folder.parent
    return None


def in_language(base: LoadedTree, language: str) -> InLanguage:
    """The base as published in ``language``: translations laid over their originals, every problem kept."""
    original = original_language(base)
    originals = {path.stem: doc for path, doc in base.documents.items()
                 if path.parent != base.root or path.stem != SOURCES_ID}
    page_ids = {path.stem for path in base.yaml_files} - {SETTINGS_ID, SOURCES_ID}
    if language == original:
        return InLanguage(language, original, base, {}, originals)
    loaded = load_translations(base.root, language)
    problems = list(base.problems) + loaded.problems
    documents = dict(base.documents)
    translations: dict[str, Document] = {}
    warnings: list[Problem] = []
    seen: dict[str, Path] = {}
    for path in loaded.yaml_files:
        page_id = path.stem
        if page_id in seen:
            problems.append(Problem(path, 0, 0, f'"{page_id}" is translated twice: here and in '
                                    f"{display_path(seen[page_id], base.root.parent)}", hint="remove one of them"))
            continue
        seen[page_id] = path
        if page_id == SOURCES_ID:
            problems.append(Problem(path, 0, 0, "sources are not translated: a source is cited as it was published",
                                    hint=f"delete this file; the handbook's {SOURCES_ID}.yml serves every language"))
            continue
        if page_id not in originals:
            match = difflib.get_close_matches(page_id, sorted(originals), n=1)
            problems.append(Problem(path, 0, 0, f'there is no original page "{page_id}" to translate',
                                    hint=f'did you mean "{match[0]}.yml"?' if match else
                                    "a translation has the same file name as its original"))
            continue
        doc = loaded.documents.get(path)
        if doc is None:
            continue  # its problem is reported
        original_doc = originals[page_id]
        translations[page_id] = doc
        documents[original_doc.file] = merged(original_doc, doc, page_id)
        warnings.extend(structure_problems(original_doc, doc, page_id, base.root.parent))
    shown_in = {page_id: original for page_id in sorted(page_ids) if page_id not in translations}
    tree = LoadedTree(base.root, documents, list(base.yaml_files), list(base.assets), problems)
    return InLanguage(language, original, tree, translations, originals, shown_in, warnings)


# --- stamps -----------------------------------------------------------------------------------------------------


class StampsError(Exception):
    """A stamps file cannot be read; the message says what to do."""


def read_stamps(folder: Path, language: str, command: str | None = None) -> dict[str, dict[str, str]]:
    """Each stamped page's original words, by page id, from the stamps file in ``folder`` (a language's folder
    of translations; empty when nothing was stamped yet)."""
    path = folder / STAMPS_FILE
    if not path.exists() and not path.is_symlink():
        return {}
    doc, problems = load_file(path)  # the loader's limits: size, no aliases, no tags, no links out
    fix = (f"it is written by the generator, not by hand: run `{command or f'handbook translations stamp {language}'}`"
           " to write it again")
    if doc is None or problems:
        said = problems[0].message if problems else "it is empty"
        raise StampsError(f"{path} cannot be read ({said}); {fix}")
    try:
        pages = doc.data.get("pages") or {}
        return {str(page_id): {str(k): str(v) for k, v in (entry.get("words") or {}).items()}
                for page_id, entry in pages.items()}
    except (AttributeError, TypeError) as error:
        raise StampsError(f"{path} cannot be read ({error}); {fix}") from None


def stamps_text(language: str, stamps: dict[str, dict[str, str]], originals: dict[str, Document], root: Path) -> str:
    def shown(text: str) -> str:
        return _Literal(text) if "\n" in text.strip() and not text.startswith((" ", "\t")) else text

    pages = {}
    for page_id in sorted(stamps):
        entry: dict[str, Any] = {}
        if page_id in originals:
            entry["original"] = display_path(originals[page_id].file, root)
        entry["words"] = {path: shown(text) for path, text in stamps[page_id].items()}
        pages[page_id] = entry
    body = yaml.dump({"pages": pages}, Dumper=_StampsDumper, sort_keys=False, allow_unicode=True, width=110,
                     default_flow_style=False)
    return STAMPS_HEADER.format(language=language) + body


@dataclass(frozen=True)
class Translated:
    """Originals, their translations into one language, and the folder that keeps their stamps: the base's
    pages (``content/i18n/<language>/``), or an office's own (``offices/<slug>/i18n/<language>/``)."""

    language: str
    folder: Path
    originals: dict[str, Document]
    translations: dict[str, Document]
    root: Path
    """The handbook's folder, from which paths are shown."""
    office: str | None = None

    @classmethod
    def of_base(cls, base: LoadedTree, language: str, state: InLanguage | None = None) -> Translated:
        state = state or in_language(base, language)
        return cls(language, translation_root(base.root, language), state.originals, state.translations,
                   base.root.parent)

    @classmethod
    def of_office(cls, office: Any, language: str, root: Path) -> Translated:
        """An office's own pages and patches, in its language, and their translations into ``language``."""
        return cls(language, office.root / I18N_DIR / language, _own_documents(office),
                   _own_documents(office.in_language(language)), root, office.slug)

    @property
    def command(self) -> str:
        return f"handbook translations stamp {self.language}" + (f" --office {self.office}" if self.office else "")


def _own_documents(office: Any) -> dict[str, Document]:
    found: dict[str, Document] = {}
    for folder in (office.content_dir, office.patches_dir):
        if folder.is_dir() and linked_folder(folder, office.root) is None:
            for path in sorted(folder.rglob("*")):
                if path.suffix.lower() in YAML_SUFFIXES and "assets" not in path.relative_to(folder).parts:
                    doc, _ = load_file(path)  # its problems are reported by check
                    if doc is not None:
                        found.setdefault(path.stem, doc)
    return found


def stamp(base: LoadedTree, language: str, page_ids: Iterable[str] = (), pages: Translated | None = None
          ) -> list[str]:
    """Record that the translations of ``page_ids`` (every translated page when none) are up to date with their
    originals as they are now; write the stamps file. Returns the ids stamped. Raises ValueError for an id with
    no translation. ``pages``: an office's own pages rather than the base's."""
    pages = pages or Translated.of_base(base, language)
    chosen = list(page_ids) or sorted(pages.translations)
    unknown = [page_id for page_id in chosen if page_id not in pages.translations or page_id not in pages.originals]
    if unknown:
        raise ValueError(", ".join(unknown))
    try:
        stamps = read_stamps(pages.folder, language, pages.command)
    except StampsError:
        if page_ids:
            raise
        stamps = {}  # a damaged record, written again whole
    for page_id in chosen:
        stamps[page_id] = words_of(page_id, pages.originals[page_id].data)
    stamps = {page_id: words for page_id, words in stamps.items() if page_id in pages.translations}
    path = pages.folder / STAMPS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(stamps_text(language, stamps, pages.originals, pages.root), encoding="utf-8", newline="\n")
    return chosen


# --- the report ---------------------------------------------------------------------------------------------------

UP_TO_DATE, BEHIND, MISSING = "up to date", "behind", "missing"


@dataclass(frozen=True)
class PageState:
    """How one page's translation stands."""

    page_id: str
    state: str
    original: Path
    translation: Path | None = None
    changes: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    """For a translation behind: field path → (old, new) in the original since the stamp."""
    unstamped: bool = False
    """Behind because it was never stamped."""
    changed_on: dt.date | None = None
    """The original's review date: when it last changed, as its editor recorded it."""
    doc: Document | None = field(default=None, compare=False, repr=False)
    """The translation as loaded, to point at the field that changed."""
    office: str | None = None
    """The office whose own page this is (None: a base page)."""


@dataclass(frozen=True)
class LanguageReport:
    language: str
    pages: list[PageState]

    def ids(self, state: str) -> list[str]:
        return [page.page_id for page in self.pages if page.state == state]

    @property
    def complete(self) -> bool:
        return all(page.state == UP_TO_DATE for page in self.pages)


def report(base: LoadedTree, language: str, state: InLanguage | None = None,
           pages: Translated | None = None) -> LanguageReport:
    """Every page of the base (and the handbook's settings) in ``language``, or of ``pages`` (an office's own):
    up to date, behind or missing."""
    pages = pages or Translated.of_base(base, language, state)
    stamps = read_stamps(pages.folder, language, pages.command)
    found = []
    for page_id in sorted(pages.originals):
        original = pages.originals[page_id]
        translation = pages.translations.get(page_id)
        if translation is None:
            found.append(PageState(page_id, MISSING, original.file, office=pages.office))
            continue
        now = words_of(page_id, original.data)
        old = stamps.get(page_id)
        changed_on = _reviewed(original)
        if old is None:
            found.append(PageState(page_id, BEHIND, original.file, translation.file, unstamped=True,
                                   changed_on=changed_on, doc=translation, office=pages.office))
            continue
        changes = {path: (old.get(path), now.get(path)) for path in sorted({*old, *now}, key=_order(now, old))
                   if old.get(path) != now.get(path)}
        found.append(PageState(page_id, BEHIND if changes else UP_TO_DATE, original.file, translation.file, changes,
                               changed_on=changed_on, doc=translation, office=pages.office))
    return LanguageReport(language, found)


def _order(now: dict[str, str], old: dict[str, str]) -> Any:
    ranks = {path: i for i, path in enumerate([*now, *(p for p in old if p not in now)])}
    return ranks.__getitem__


def _reviewed(doc: Document) -> dt.date | None:
    value = doc.data.get("reviewed") if isinstance(doc.data, dict) else None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def behind_problems(found: LanguageReport, root: Path) -> list[Problem]:
    """Each translation behind its original, as a warning on the translation (``--strict`` makes it an error)."""
    problems = []
    for page in found.pages:
        if page.state != BEHIND or page.translation is None:
            continue
        office = f" --office {page.office}" if page.office else ""
        stamp_it = f"handbook translations stamp {found.language}{office} {page.page_id}"
        original = display_path(page.original, root)
        if page.unstamped:
            problems.append(Problem(page.translation, 0, 0, f"this translation has no stamp: nothing records which "
                                    f"version of {original} it was made from",
                                    hint=f"check it against the original, then run: {stamp_it}", warning=True))
            continue
        changed = [f"{path}: {_change(old, new)}" for path, (old, new) in page.changes.items()]
        listed = "; ".join(changed[:6]) + (f"; and {len(changed) - 6} more" if len(changed) > 6 else "")
        line = column = 0
        if page.doc is not None:  # the translation's own line for the first field that changed
            spot = page.doc.key_spot(key_path(next(iter(page.changes))))
            line, column = spot.line, spot.column
        problems.append(Problem(page.translation, line, column,
                                f"its original changed since it was translated: {original}",
                                hint=f"in the original: {listed}. Bring the translation up to date, then run: "
                                     f"{stamp_it}", warning=True))
    return problems


def missing_note(found: LanguageReport) -> str | None:
    """One line naming the pages not translated into the language, or None."""
    missing = found.ids(MISSING)
    if not missing:
        return None
    listed = ", ".join(missing[:12]) + (f" and {len(missing) - 12} more" if len(missing) > 12 else "")
    return (f"Not yet translated into {found.language}: {listed}. They are published in their original language, "
            f"with a notice; see: handbook translations --lang {found.language}")


def iter_changes(page: PageState) -> Iterator[str]:
    for path, (old, new) in page.changes.items():
        yield f"{path}: {_change(old, new)}"
