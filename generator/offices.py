"""Career offices: one office's layer over the base handbook, checked like content.

An office lives in ``offices/<slug>/``:

- ``office.yml``: its name, logo, colours, contact, booking link, address, language, paper, hidden pages and
  local resources (:class:`~generator.models.OfficeFile`);
- ``content/``: pages of its own (a new id) or replacing a base page (the same id), as in the base content;
- ``patches/<id>.yml``: a few fields of a base page changed, without copying the page (:func:`apply_patch`);
- ``templates/``: templates that replace the base ones of the same name (run sandboxed, see render).

:func:`layer` turns the base content plus an office into one tree for the ordinary validate and render steps.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .audiences import declared
from .load import YAML_SUFFIXES, Document, LoadedTree, load_file, load_tree
from .models import ID_PATTERN, OfficeFile
from .problems import ContentError, KeyPath, Problem, display_path

OFFICE_FILE = "office.yml"
LOGO_SUFFIXES = (".svg", ".png")
# WCAG 2.1 AA: normal text needs a contrast ratio of at least 4.5:1.
MIN_CONTRAST = 4.5
SITE_FILES = ("handbook", "sources")


# --- colours -----------------------------------------------------------------------------------------------


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_color: str) -> float:
    """Relative luminance of ``#rrggbb`` (WCAG 2.1)."""
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_with_white(hex_color: str) -> float:
    """The contrast ratio of white text on ``hex_color`` (1 to 21)."""
    return 1.05 / (luminance(hex_color) + 0.05)


def darker_until_readable(hex_color: str) -> str:
    """The same hue, darkened step by step until white text on it meets MIN_CONTRAST."""
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    for step in range(100):
        factor = 1 - step / 100
        candidate = f"#{round(r * factor):02x}{round(g * factor):02x}{round(b * factor):02x}"
        if contrast_with_white(candidate) >= MIN_CONTRAST:
            return candidate
    return "#000000"


def mix(hex_color: str, other: str, amount: float) -> str:
    """``hex_color`` moved ``amount`` (0 to 1) of the way towards ``other``."""
    a = [int(hex_color[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * amount):02x}" for x, y in zip(a, b, strict=True))


# --- the office ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Office:
    """One office's folder and its checked ``office.yml``."""

    slug: str
    root: Path
    settings: OfficeFile
    doc: Document = field(repr=False, compare=False)
    language_dir: Path | None = None
    """For another of the office's languages: ``offices/<slug>/i18n/<language>/``, whose ``content/`` and
    ``patches/`` hold the translations of the office's own pages and patches."""

    @property
    def content_dir(self) -> Path:
        return (self.language_dir or self.root) / "content"

    @property
    def patches_dir(self) -> Path:
        return (self.language_dir or self.root) / "patches"

    def in_language(self, language: str) -> Office:
        """The office's own pages and patches as translated into ``language`` (itself for its main language)."""
        if language == self.settings.language:
            return self
        return dataclasses.replace(self, language_dir=self.root / "i18n" / language)

    def own_ids(self, *, patches: bool = True) -> set[str]:
        """The ids of the pages this office writes (and, with ``patches``, patches), in this view's language."""
        found = set()
        for folder in (self.content_dir, *([self.patches_dir] if patches else [])):
            if folder.is_dir():
                found |= {path.stem for path in folder.rglob("*")
                          if path.suffix.lower() in YAML_SUFFIXES and "assets" not in path.relative_to(folder).parts}
        return found

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def logo(self) -> Path | None:
        return self.root / self.settings.logo if self.settings.logo else None


def office_slugs(offices_dir: Path) -> list[str]:
    """Every office under ``offices_dir``: the folders that hold an office.yml, by slug."""
    if not offices_dir.is_dir():
        return []
    return sorted(path.parent.name for path in offices_dir.glob(f"*/{OFFICE_FILE}"))


def load_office(offices_dir: Path, slug: str) -> Office:
    """Read and check ``offices/<slug>/office.yml``; raise :class:`ContentError` with every problem."""
    from .validate import check_model

    root = offices_dir / slug
    file = root / OFFICE_FILE
    if not re.match(ID_PATTERN, slug):
        raise ContentError([Problem(root, 0, 0, f'"{slug}" cannot be an office\'s name in a folder',
                                    hint="use lowercase letters, digits and hyphens, like northfield-careers")])
    if not file.is_file():
        known = office_slugs(offices_dir)
        match = difflib.get_close_matches(slug, known, n=1)
        hint = (f'did you mean "{match[0]}"?' if match else
                f"the offices are: {', '.join(known)}" if known else f"create it with: handbook new-office {slug}")
        raise ContentError([Problem(file, 0, 0, f'there is no office "{slug}"', hint=hint)])
    doc, problems = load_file(file)
    settings = check_model(doc, OfficeFile, problems) if doc is not None else None
    if settings is not None and doc is not None:
        problems.extend(_check_logo(doc, root, settings))
        problems.extend(_check_colors(doc, settings))
    if problems or settings is None or doc is None:
        raise ContentError(problems)
    return Office(slug, root, settings, doc)


def _check_logo(doc: Document, root: Path, settings: OfficeFile) -> list[Problem]:
    if settings.logo is None:
        return []
    where = ("logo",)
    logo = root / settings.logo
    if Path(settings.logo).is_absolute() or not logo.resolve().is_relative_to(root.resolve()):
        return [doc.problem(where, f'the logo "{settings.logo}" is outside the office\'s folder',
                            f"put the file in offices/{root.name}/ and give its name, like logo.svg")]
    if logo.suffix.lower() not in LOGO_SUFFIXES:
        return [doc.problem(where, f'the logo must be an SVG or PNG file, not "{logo.name}"',
                            "save the logo as .svg (best: sharp at every size) or .png")]
    if logo.is_file() and logo.suffix.lower() == ".svg":
        from .text import svg_problem
        from .validate import SVG_HINT

        said = svg_problem(logo)
        if said:
            return [doc.problem(where, f'the logo "{settings.logo}": {said}', SVG_HINT)]
    if not logo.is_file():
        present = sorted(p.name for p in root.iterdir() if p.suffix.lower() in LOGO_SUFFIXES) if root.is_dir() else []
        return [doc.problem(where, f'the logo file "{settings.logo}" does not exist',
                            f"the image files in the office's folder are: {', '.join(present)}" if present else
                            f"copy the logo into offices/{root.name}/")]
    return []


def _check_colors(doc: Document, settings: OfficeFile) -> list[Problem]:
    problems = []
    for name in ("primary", "accent"):
        color = getattr(settings.colors, name)
        ratio = contrast_with_white(color)
        if ratio < MIN_CONTRAST:
            darker = darker_until_readable(color)
            problems.append(doc.problem(
                ("colors", name), f"white text on {color} has a contrast of only {ratio:.1f}:1; "
                                  f"people need at least {MIN_CONTRAST}:1 to read it (WCAG AA)",
                f"use a darker shade, such as {darker} ({contrast_with_white(darker):.1f}:1)"))
    return problems


# --- patches -----------------------------------------------------------------------------------------------


@dataclass
class PatchedDocument(Document):
    """A base page with an office's patch applied. Problems in what the patch wrote name the patch file."""

    patch_file: Path = Path()
    from_patch: list[KeyPath] = field(default_factory=list)
    """Key paths (in the patched page) whose values came from the patch."""

    def problem(self, path: KeyPath, message: str, hint: str | None = None, *, at_key: bool = False) -> Problem:
        found = super().problem(path, message, hint, at_key=at_key)
        if any(path[:len(prefix)] == prefix for prefix in self.from_patch):
            return dataclasses.replace(found, file=self.patch_file)
        return found


def apply_patch(base: Document, patch: Document) -> tuple[PatchedDocument, list[Problem]]:
    """The base page with the patch's fields applied.

    The rules, as an editor reads them (README: "Change a few fields of a base page"):

    - ``field: value`` replaces the field; a set of fields merges into the fields there;
    - ``field+:`` followed by a list adds its entries at the end of that list (such as ``items+:``);
    - under ``groups:`` or ``sections:``, a set of fields named by an existing title changes that entry only.
    """
    problems: list[Problem] = []
    data = copy.deepcopy(base.data)
    merged = PatchedDocument(base.file, data, dict(base.values), dict(base.keys), dict(base.raw),
                             patch_file=patch.file)

    def take(patch_path: KeyPath, merged_path: KeyPath) -> None:
        """The value at merged_path now comes from patch_path: move its positions over."""
        n = len(merged_path)
        for mine, theirs in ((merged.values, patch.values), (merged.keys, patch.keys), (merged.raw, patch.raw)):
            for path in [p for p in mine if p[:n] == merged_path]:
                del mine[path]
            m = len(patch_path)
            for path, spot in theirs.items():
                if path[:m] == patch_path:
                    mine[merged_path + path[m:]] = spot  # type: ignore[index]
        merged.from_patch.append(merged_path)

    def merge(target: dict, changes: dict, merged_path: KeyPath, patch_path: KeyPath) -> None:
        for key, value in changes.items():
            here = (*patch_path, key)
            if not isinstance(key, str):
                continue
            if merged_path == () and key in ("kind",):
                problems.append(patch.problem(here, "a patch cannot change a page's kind",
                                              "to change more than a few fields, replace the whole page: put a "
                                              "copy in the office's content/ folder", at_key=True))
                continue
            if key.endswith("+"):
                name = key[:-1]
                current = target.setdefault(name, [])
                if not isinstance(value, list):
                    problems.append(patch.problem(here, "expected a list of entries to add",
                                                  'write each entry on its own line, starting with "- "'))
                elif not isinstance(current, list):
                    problems.append(patch.problem(here, f'"{name}" is not a list, so nothing can be added to it',
                                                  f'write "{name}:" without the "+" to replace it', at_key=True))
                else:
                    start = len(current)
                    current.extend(copy.deepcopy(value))
                    for k in range(len(value)):
                        take((*here, k), (*merged_path, name, start + k))
                continue
            current = target.get(key)
            by_title = (isinstance(value, dict) and isinstance(current, list) and current
                        and all(isinstance(entry, dict) and "title" in entry for entry in current))
            if by_title:
                titles = [entry["title"] for entry in current]
                for title, entry_changes in value.items():
                    where = (*here, title)
                    if title not in titles:
                        match = difflib.get_close_matches(str(title), [str(t) for t in titles], n=1)
                        problems.append(patch.problem(
                            where, f'no entry of {key} has the title "{title}"',
                            f'did you mean "{match[0]}"?' if match else
                            f"the titles are: {', '.join(str(t) for t in titles)}", at_key=True))
                    elif not isinstance(entry_changes, dict):
                        problems.append(patch.problem(where, "expected the fields to change in this entry",
                                                      "write them on the lines below, indented"))
                    else:
                        merge(current[titles.index(title)], entry_changes, (*merged_path, key, titles.index(title)),
                              where)
            elif isinstance(value, dict) and isinstance(current, dict):
                merge(current, value, (*merged_path, key), here)
            else:
                target[key] = copy.deepcopy(value)
                take(here, (*merged_path, key))

    if not isinstance(patch.data, dict) or not patch.data:
        problems.append(patch.problem((), "a patch must be a set of fields to change",
                                      'write the fields to change, such as "intro: …", or "groups:" with a '
                                      "group's title and items+:"))
    elif isinstance(data, dict):
        merge(data, patch.data, (), ())
    return merged, problems


# --- one tree ----------------------------------------------------------------------------------------------


@dataclass
class Layered:
    """The base content with an office laid over it, ready for validate."""

    tree: LoadedTree
    hidden: frozenset[str]
    asset_dirs: tuple[Path, ...]
    """Where assets come from, the office's first: an office asset replaces the base one of the same name."""


def layer(base: LoadedTree, office: Office) -> Layered:
    """The base tree with the office's pages, patches and hidden pages applied; every problem collected."""
    problems = list(base.problems)
    documents = {path.stem: (path, doc) for path, doc in base.documents.items()}
    yaml_ids = {path.stem: path for path in base.yaml_files}
    assets = list(base.assets)
    asset_dirs: tuple[Path, ...] = (base.root / "assets",)

    replaced: dict[str, Path] = {}
    if office.content_dir.is_dir():
        own = load_tree(office.content_dir)
        problems.extend(own.problems)
        for path in own.yaml_files:
            if path.parent == office.content_dir and path.stem in SITE_FILES:
                problems.append(Problem(path, 0, 0, f"an office cannot have its own {path.name}",
                                        hint=f"office settings go in {OFFICE_FILE}; sources are shared with the "
                                             "base handbook (add new ones to its sources.yml)"))
                continue
            yaml_ids[path.stem] = path
            replaced[path.stem] = path
            if path in own.documents:
                documents[path.stem] = (path, own.documents[path])
            else:
                documents.pop(path.stem, None)  # unreadable: its problem is reported, the base page is not used
        names = {a.relative_to(office.content_dir / "assets") for a in own.assets}
        assets = [a for a in assets if a.relative_to(base.root / "assets") not in names] + own.assets
        asset_dirs = (office.content_dir / "assets", *asset_dirs)

    hidden: set[str] = set()
    settings = office.settings
    for i, page_id in enumerate(settings.hide):
        if page_id not in yaml_ids:
            match = difflib.get_close_matches(page_id, sorted(yaml_ids), n=1)
            problems.append(office.doc.problem(("hide", i), f'no page has the id "{page_id}"',
                                               f'did you mean "{match[0]}"?' if match else
                                               "a page's id is its file name without .yml"))
        elif page_id in ("index", *SITE_FILES):
            problems.append(office.doc.problem(("hide", i), f'"{page_id}" cannot be hidden',
                                               "replace the home page instead: put your own index.yml in the "
                                               "office's content/ folder"))
        elif page_id in replaced:
            problems.append(office.doc.problem(("hide", i), f'"{page_id}" is both hidden and replaced by '
                                               f"{replaced[page_id].as_posix()}",
                                               "remove one of the two"))
        else:
            hidden.add(page_id)

    settings_doc = documents.get("handbook", (None, None))[1]
    if settings_doc is not None:
        from .validate import unknown_audiences

        known = declared(settings_doc.data)
        problems.extend(unknown_audiences(office.doc, known, display_path(settings_doc.file, base.root.parent)))

    if office.patches_dir.is_dir():
        for path in sorted(office.patches_dir.rglob("*")):
            if path.is_dir() or path.name.startswith("."):
                continue
            if path.suffix.lower() not in YAML_SUFFIXES:
                problems.append(Problem(path, 0, 0, "only YAML files (.yml) are read in the patches folder"))
                continue
            page_id = path.stem
            patch, found = load_file(path)
            problems.extend(found)
            if page_id in replaced:
                problems.append(Problem(path, 0, 0, f'"{page_id}" is replaced by {replaced[page_id].as_posix()}, so '
                                        "there is nothing to patch", hint="change the replacement, or delete one"))
            elif page_id in hidden:
                problems.append(Problem(path, 0, 0, f'"{page_id}" is hidden, so there is nothing to patch',
                                        hint="remove it from hide in office.yml, or delete this patch"))
            elif page_id not in yaml_ids or page_id in SITE_FILES:
                match = difflib.get_close_matches(page_id, sorted(set(yaml_ids) - set(SITE_FILES)), n=1)
                problems.append(Problem(path, 0, 0, f'no base page has the id "{page_id}"',
                                        hint=f'did you mean "{match[0]}.yml"?' if match else
                                        "name the patch after the page it changes: <page id>.yml"))
            elif patch is not None and page_id in documents:
                base_path, base_doc = documents[page_id]
                patched, found = apply_patch(base_doc, patch)
                problems.extend(found)
                documents[page_id] = (base_path, patched)

    for page_id in hidden:
        documents.pop(page_id, None)
    tree = LoadedTree(base.root, {path: doc for path, doc in documents.values()},
                      [path for page_id, path in yaml_ids.items() if page_id not in hidden], assets, problems)
    return Layered(tree, frozenset(hidden), asset_dirs)


def office_template(slug: str) -> str:
    """The commented office.yml that ``handbook new-office`` writes: it builds as it is."""
    name = " ".join(word.capitalize() for word in slug.split("-"))
    text = (Path(__file__).parent / "assets" / "office-template.yml").read_text(encoding="utf-8")
    return text.replace("{name}", name).replace("{slug}", slug).replace("{short}", name.split()[0])



def for_office(handbook: Any, office: Office, asset_dirs: tuple[Path, ...], language: str | None = None) -> Any:
    """The validated handbook as this office publishes it: its language, paper, name, contact and resources."""
    from .models import Office as OfficeSettings

    mine = office.settings
    settings = handbook.settings.model_copy(update={
        "language": language or mine.language,
        "paper": mine.paper,
        "office": OfficeSettings(name=mine.name, short_name=mine.short_name, contact=mine.contact,
                                 booking_url=mine.booking_url, resources=mine.resources),
    })
    return dataclasses.replace(handbook, settings=settings, asset_dirs=asset_dirs, office_root=office.root)
