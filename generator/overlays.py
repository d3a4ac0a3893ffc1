"""Files laid over a base, and what changed in the base since they were made.

An office's replaced page, its patch, a page it hides and a template it overrides each lie over a part of
the shared base (a page, some fields of a page, a template). When the base improves, the office's file keeps
what it had. Like dpkg with configuration files, the office keeps a *stamp* of each base part it relies on
(``offices/<slug>/base-stamps.yml``, written by ``handbook offices accept`` and ``handbook new-office``,
never by hand, readable in a diff), and :func:`drift` compares the stamps with the base as it is now.

Every report has one shape (:class:`Drift`): what lies over what, what changed in the base since (old →
new, per field; a diff for a template), and what to do. ``handbook check --office`` shows them as warnings
(errors with ``--strict``) and ``handbook offices status`` as a table. Translations are files laid over a
base too: :mod:`generator.translations` stamps them the same way (``flatten``, the readable YAML of the stamps
file, ``old → new`` per field).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .load import YAML_SUFFIXES, LoadedTree, load_file
from .offices import SITE_FILES, Office
from .problems import KeyPath, Problem, display_path

STAMPS_FILE = "base-stamps.yml"
STAMPS_HEADER = """\
# Written by the handbook generator (handbook new-office, handbook offices accept): the parts of the shared
# base this office's changes were made from, so that `handbook check --office {slug}` can say when the base
# has moved on. Do not edit it by hand: review what changed, then run `handbook offices accept {slug}`.
"""
KINDS = {
    "page": "the base page you replaced",
    "patch": "the base page your patch changes",
    "hidden": "the base page you hide",
    "template": "the base template you override",
}


# --- the parts of the base an office relies on -----------------------------------------------------------


def flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """A value as ``{field path: text}``: ``groups[0].items[2].text`` for a page, and ``""`` for the value
    itself, so two versions compare field by field. An empty list or mapping is no part at all, as a field left
    out is: the browser editor writes none."""
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        out = {}
        for i, item in enumerate(value):
            out.update(flatten(item, f"{prefix}[{i}]"))
        return out
    if isinstance(value, dt.date):
        return {prefix: value.isoformat()}
    if value is None:
        return {prefix: ""}
    return {prefix: value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else
            str(value)}


def _patched_parts(base: Any, patch: Any, prefix: str = "") -> Iterator[tuple[str, str, bool]]:
    """(field path, base value, replaced) for each part of a base page a patch touches, named as the patch
    names it (a group by its title). ``replaced``: the patch writes over it (a conflict when the base changes
    it too); otherwise it adds to it (``items+:``)."""
    if not isinstance(base, dict) or not isinstance(patch, dict):
        return
    for key, value in patch.items():
        if not isinstance(key, str):
            continue
        name = key.removesuffix("+")
        current = base.get(name)
        where = f"{prefix}.{name}" if prefix else name
        titled = (isinstance(value, dict) and isinstance(current, list) and current
                  and all(isinstance(entry, dict) and "title" in entry for entry in current))
        if titled:
            for title, changes in value.items():
                entry = next((e for e in current if e.get("title") == title), None)
                yield from _patched_parts(entry, changes, f"{where}[{title}]")
        elif isinstance(value, dict) and isinstance(current, dict) and not key.endswith("+"):
            yield from _patched_parts(current, value, where)
        else:
            for path, text in flatten(current, where).items():
                yield path, text, not key.endswith("+")


@dataclass(frozen=True)
class Overlay:
    """One file (or entry) of an office laid over a part of the base."""

    kind: str
    """``page`` (a replaced page), ``patch``, ``hidden`` or ``template``."""
    name: str
    """The page's id or the template's file name."""
    over: Path
    """The office's file that lies over the base."""
    base: Path
    """The base file it lies over."""
    parts: dict[str, str]
    """The base parts it relies on, as they are now: ``{field path: text}``."""
    replaced: frozenset[str] = frozenset()
    """For a patch: the parts it writes over (the others it adds to)."""
    key: KeyPath = ()
    """Where in ``over`` a report points (a hidden page's entry under ``hide``)."""

    @property
    def id(self) -> str:
        """How the stamps file names it: ``patch offer-decision``."""
        return f"{self.kind} {self.name}"


def overlays(base: LoadedTree, templates_dir: Path, office: Office) -> list[Overlay]:
    """Every part of the base the office lies over, with those parts as the base has them now."""
    pages = {path.stem: (path, doc) for path, doc in base.documents.items()
             if path.parent != base.root or path.stem not in SITE_FILES}
    found: list[Overlay] = []
    if office.content_dir.is_dir():
        for path in sorted(office.content_dir.rglob("*")):
            relative = path.relative_to(office.content_dir).parts
            if relative[0] == "assets" or any(part.startswith(".") for part in relative):
                continue  # as load_tree reads the folder: assets and hidden files are not pages
            if path.suffix.lower() in YAML_SUFFIXES and path.stem in pages:
                base_path, doc = pages[path.stem]
                found.append(Overlay("page", path.stem, path, base_path, flatten(doc.data)))
    if office.patches_dir.is_dir():
        for path in sorted(office.patches_dir.rglob("*")):
            if path.suffix.lower() not in YAML_SUFFIXES or path.stem not in pages:
                continue
            patch, _ = load_file(path)
            if patch is None:
                continue
            base_path, doc = pages[path.stem]
            touched = list(_patched_parts(doc.data, patch.data))
            found.append(Overlay("patch", path.stem, path, base_path, {p: text for p, text, _ in touched},
                                 frozenset(p for p, _, replaced in touched if replaced)))
    for i, page_id in enumerate(office.settings.hide):
        if page_id in pages:
            base_path, doc = pages[page_id]
            found.append(Overlay("hidden", page_id, office.root / "office.yml", base_path, flatten(doc.data),
                                 key=("hide", i)))
    if office.templates_dir.is_dir():
        for path in sorted(office.templates_dir.rglob("*")):
            original = templates_dir / path.relative_to(office.templates_dir)
            if path.is_file() and original.is_file():
                found.append(Overlay("template", path.relative_to(office.templates_dir).as_posix(), path, original,
                                     {"text": original.read_text(encoding="utf-8")}))
    return found


def base_page_ids(base: LoadedTree) -> list[str]:
    """Every page of the base, by id (its settings files aside)."""
    return sorted(path.stem for path in base.yaml_files if not (path.parent == base.root and path.stem in SITE_FILES))


# --- stamps -----------------------------------------------------------------------------------------------


@dataclass
class Stamps:
    """What ``base-stamps.yml`` holds: the base pages the office has seen, and each overlay's base parts."""

    base_pages: list[str] = field(default_factory=list)
    parts: dict[str, dict[str, str]] = field(default_factory=dict)
    """By overlay id (``patch offer-decision``): the base parts as they were when last accepted."""


class StampsError(Exception):
    """The stamps file cannot be read; the message says what to do."""


def stamps_path(office: Office) -> Path:
    return office.root / STAMPS_FILE


def read_stamps(office: Office) -> Stamps | None:
    """The office's stamps, or None when it has none yet."""
    path = stamps_path(office)
    if not path.exists() and not path.is_symlink():
        return None
    doc, problems = load_file(path)  # the loader's limits: size, no aliases, no tags, no links out
    if doc is None or problems:
        said = problems[0].message if problems else "it is empty"
        raise StampsError(f"{path} cannot be read ({said}); it is written by the generator, not by hand: "
                          f"run `handbook offices accept {office.slug}` to write it again")
    try:
        data = doc.data
        overrides = data.get("overrides") or {}
        return Stamps(sorted(str(p) for p in data.get("base_pages") or []),
                      {str(name): {str(k): str(v) for k, v in (entry.get("parts") or {}).items()}
                       for name, entry in overrides.items()})
    except (AttributeError, TypeError) as error:
        raise StampsError(f"{path} cannot be read ({error}); it is written by the generator, not by hand: "
                          f"run `handbook offices accept {office.slug}` to write it again") from None


class _Literal(str):
    """Text written as a YAML block (``|``), line by line, so a diff of the stamps file reads like the text."""


def _literal(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")


class _StampsDumper(yaml.SafeDumper):
    pass


_StampsDumper.add_representer(_Literal, _literal)


def stamps_text(office: Office, stamps: Stamps, found: Iterable[Overlay], root: Path) -> str:
    """The stamps file's text: the header, the base pages seen, and each overlay's base file and parts."""
    where = {overlay.id: overlay for overlay in found}

    def shown(text: str) -> str:
        return _Literal(text) if "\n" in text.strip() and not text.startswith((" ", "\t")) else text

    overrides: dict[str, Any] = {}
    for name in sorted(stamps.parts):
        entry: dict[str, Any] = {}
        if name in where:
            base = where[name].base
            entry["base"] = display_path(base, root)
        entry["parts"] = {path: shown(text) for path, text in stamps.parts[name].items()}
        overrides[name] = entry
    data = {"base_pages": stamps.base_pages, "overrides": overrides}
    body = yaml.dump(data, Dumper=_StampsDumper, sort_keys=False, allow_unicode=True, width=110,
                     default_flow_style=False)
    return STAMPS_HEADER.format(slug=office.slug) + body


def accept(office: Office, base: LoadedTree, templates_dir: Path, root: Path,
           names: Iterable[str] = ()) -> tuple[Stamps, list[str]]:
    """Record the base as it is now for every overlay (or only those named: a page id or a template's name),
    and write the stamps file. Returns the stamps and the overlay ids recorded."""
    names = set(names)
    found = overlays(base, templates_dir, office)
    try:
        stamps = read_stamps(office) or Stamps()
    except StampsError:
        if names:
            raise
        stamps = Stamps()  # a damaged record, written again whole
    chosen = [o for o in found if not names or o.name in names]
    for overlay in chosen:
        stamps.parts[overlay.id] = dict(overlay.parts)
    current = {overlay.id for overlay in found}
    stamps.parts = {name: parts for name, parts in stamps.parts.items() if name in current}
    if not names:
        stamps.base_pages = base_page_ids(base)
    stamps_path(office).write_text(stamps_text(office, stamps, found, root), encoding="utf-8", newline="\n")
    return stamps, [overlay.id for overlay in chosen]


def unknown_names(office: Office, base: LoadedTree, templates_dir: Path, names: Iterable[str]) -> list[str]:
    """The names among ``names`` that no overlay of the office has."""
    known = {overlay.name for overlay in overlays(base, templates_dir, office)}
    return sorted(set(names) - known)


# --- what changed ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drift:
    """One overlay whose base part changed since it was accepted (or that was never recorded)."""

    overlay: Overlay
    changes: dict[str, tuple[str | None, str | None]]
    """Field path → (old, new); None where the field was not there."""
    conflict: bool = False
    """A patch writes over a field the base changed too."""
    unrecorded: bool = False
    """No stamp: the office added this change after it last accepted the base."""
    vanished: bool = False
    """A stamp whose base part is gone: the base removed or renamed the page or template."""

    @property
    def state(self) -> str:
        return "conflict" if self.conflict else "behind"


@dataclass(frozen=True)
class DriftReport:
    """How one office stands against the base."""

    slug: str
    drifts: list[Drift]
    new_pages: list[str]
    """Base pages added since the office last accepted the base: information, not a problem."""
    stamped: bool = True
    """Whether the office has a stamps file at all."""

    @property
    def state(self) -> str:
        if any(d.conflict for d in self.drifts):
            return "conflict"
        return "behind" if self.drifts or not self.stamped else "up to date"


def drift(office: Office, base: LoadedTree, templates_dir: Path) -> DriftReport:
    """Compare the office's stamps with the base as it is now."""
    stamps = read_stamps(office)
    found = overlays(base, templates_dir, office)
    if stamps is None:
        return DriftReport(office.slug, [], [], stamped=False)
    drifts = []
    for overlay in found:
        old = stamps.parts.get(overlay.id)
        if old is None:
            drifts.append(Drift(overlay, {}, unrecorded=True))
            continue
        changes = {path: (old.get(path), overlay.parts.get(path)) for path in sorted({*old, *overlay.parts})
                   if old.get(path) != overlay.parts.get(path)}
        if changes:
            drifts.append(Drift(overlay, changes, conflict=bool(overlay.replaced & set(changes))))
    current = {overlay.id for overlay in found}
    kinds = {"page": "content", "patch": "patches", "template": "templates"}
    for name in sorted(set(stamps.parts) - current):  # recorded, but lying over nothing in the base any more
        kind, _, item = name.partition(" ")
        if kind in ("hidden", "patch"):
            continue  # hiding or patching a page that is gone from the base is an error already
        folder = office.root / kinds.get(kind, "")
        over = next((p for p in sorted(folder.rglob("*")) if p.stem == item or p.name == item), folder)
        drifts.append(Drift(Overlay(kind, item, over, over, {}), {}, vanished=True))
    seen = set(stamps.base_pages)
    return DriftReport(office.slug, drifts, [page for page in base_page_ids(base) if page not in seen])


def _change(old: str | None, new: str | None, limit: int = 60) -> str:
    """``"old" → "new"``, each cut to the part around where they first differ."""
    if old is None or new is None:
        return f"{_excerpt(old, 0, limit)} → {_excerpt(new, 0, limit)}"
    a, b = " ".join(old.split()), " ".join(new.split())
    first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(first - 20, 0)
    return f"{_excerpt(a, start, limit)} → {_excerpt(b, start, limit)}"


def _excerpt(text: str | None, start: int, limit: int) -> str:
    if text is None:
        return "(not there)"
    text = " ".join(text.split())
    piece = text[start:start + limit]
    return f'"{"…" if start else ""}{piece}{"…" if start + limit < len(text) else ""}"'


def template_diff(old: str, new: str, limit: int = 24) -> list[str]:
    """The lines of a unified diff between two versions of a template, at most ``limit``."""
    lines = [line.rstrip("\n") for line in difflib.unified_diff(old.splitlines(), new.splitlines(),
                                                                  "as you last accepted it", "the base now", n=1,
                                                                  lineterm="")]
    return lines if len(lines) <= limit else [*lines[:limit], f"… and {len(lines) - limit} more lines"]


def drift_problems(report: DriftReport, office: Office) -> list[Problem]:
    """The report as warnings on the office's files (``--strict`` makes them errors)."""
    slug = office.slug
    if not report.stamped:
        return [Problem(stamps_path(office), 0, 0, "this office has no record of the base its changes were made from",
                        hint=f"check its pages, patches and templates against the base, then run: handbook offices "
                             f"accept {slug}", warning=True)]
    problems = []
    for found in report.drifts:
        overlay = found.overlay
        what = KINDS[overlay.kind]
        accept_it = f"handbook offices accept {slug} {overlay.name}"
        conflicting = sorted(overlay.replaced & set(found.changes))
        line, column = _position(overlay, [*conflicting, *found.changes])
        if found.vanished:
            gone = "page" if overlay.kind in ("page", "patch") else "template"
            problems.append(Problem(overlay.over, 0, 0, f"the base no longer has the {gone} {overlay.name} that "
                                    f"this {'template' if gone == 'template' else 'file'} of yours was made from",
                                    hint=f"it was removed or renamed in the base: yours is now a {gone} of its own. "
                                         "Rename or remove it if it should follow the base, then run: handbook "
                                         f"offices accept {slug}", warning=True))
            continue
        if found.unrecorded:
            problems.append(Problem(overlay.over, line, column, f"not yet recorded: {what} ({overlay.name}) is not "
                                    "in the office's record of the base", overlay.key,
                                    f"once it is right, run: {accept_it}", warning=True))
            continue
        base = display_path(overlay.base)
        if overlay.kind == "template":
            old, new = found.changes.get("text", (None, None))
            shown = "\n        ".join(template_diff(old or "", new or ""))
            problems.append(Problem(overlay.over, line, column, f"{what} changed: {base}", overlay.key,
                                    f"compare it with yours, bring over what you need, then run: {accept_it}\n"
                                    f"        {shown}", warning=True))
            continue
        if found.conflict:
            message = (f"the base changed a field your patch also changes (a conflict): {', '.join(conflicting)} "
                       f"in {base}")
        else:
            message = f"{what} changed: {base}"
        changed = [f"{path}: {_change(old, new)}" for path, (old, new) in found.changes.items()]
        listed = "; ".join(changed[:6]) + (f"; and {len(changed) - 6} more" if len(changed) > 6 else "")
        problems.append(Problem(overlay.over, line, column, message, overlay.key,
                                f"in the base: {listed}. Update your {display_path(overlay.over)} if it needs it, "
                                f"then run: {accept_it}", warning=True))
    return problems


def _position(overlay: Overlay, changes: Iterable[str] = ()) -> tuple[int, int]:
    """Where a report points in the office's file: a hidden page's entry, the key of a patch that changed."""
    if overlay.kind not in ("hidden", "patch"):
        return 0, 0
    doc, _ = load_file(overlay.over)
    if doc is None:
        return 0, 0
    if overlay.kind == "hidden":
        spot = doc.value_spot(overlay.key)
        return spot.line, spot.column
    for path in changes:  # the patch's own key for the first part that changed: "intro", "groups"
        top = path.split(".")[0].split("[")[0]
        for key in ((top,), (f"{top}+",)):
            if key in doc.keys:
                return doc.keys[key].line, doc.keys[key].column
    return 0, 0


def new_pages_note(report: DriftReport) -> str | None:
    """One line naming the base pages the office has not seen yet, or None."""
    if not report.new_pages:
        return None
    listed = ", ".join(report.new_pages[:12]) + (f" and {len(report.new_pages) - 12} more"
                                                  if len(report.new_pages) > 12 else "")
    return (f"New in the base since this office last accepted it: {listed}. They are published in its "
            f"handbook; hide any you do not want, then run: handbook offices accept {report.slug}")
