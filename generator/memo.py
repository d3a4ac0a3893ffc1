"""What one build keeps for the next in the same process: each file as read, each page as validated, each
page's Markdown and print HTML as rendered, each reused only when everything it was made from is the same.

``handbook serve`` rebuilds in one process after every save, and ``handbook build --all`` builds many offices
over the same base in one worker process: both meet mostly what they met before. Three memories, each keyed by
all it depends on:

- a file read: its path and its whole text (:func:`loaded`);
- a page validated: its data, compared in full (:func:`validated`; files with problems are not kept: their
  problems point at positions, which the next read gives afresh);
- a page rendered (:class:`Renders`): the template, the page's own model, its related pages, sources, address,
  handout and notices, compared in full; everything all pages share (settings, sources, the pages of each phase
  in order, the templates and catalogs on disk, the language) compared once per build; and what its
  templates read of *other* pages (the home page reads every title and summary, a related-pages list its
  pages' titles), recorded field by field while it rendered (:class:`Watch`, told each read by the template
  sandbox), and compared with those pages' fields now.

Everything kept is immutable (pages are frozen models; documents are never changed after loading), so a kept
object is shared safely. Each memory holds the latest version of each file or page only, so it grows with the
handbook, not with the number of builds. Nothing is kept on disk: reading a page back from a file costs as
much as parsing its YAML again (measured).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_LOADED: dict[Path, tuple[str, Any, list[Any]]] = {}
_VALIDATED: dict[tuple[str, Path], tuple[Any, Any, Any]] = {}


def loaded(path: Path, text: str, load: Callable[[str, Path], tuple[Any, list[Any]]]) -> tuple[Any, list[Any]]:
    """``load(text, path)``, or its result from the last time this file held this text."""
    kept = _LOADED.get(path)
    if kept is not None and kept[0] == text:
        return kept[1], list(kept[2])
    doc, problems = load(text, path)
    _LOADED[path] = (text, doc, list(problems))
    return doc, problems


def validated(doc: Any, model: type, check: Callable[[], tuple[Any, list[Any]]]) -> tuple[Any, list[Any]]:
    """``check()`` (the model for ``doc``, and its problems), or the model made from the same data before.
    The same document object is recognised at once; another with equal data (a translation laid over its
    original again, an office's patch) by comparing the data."""
    key = (model.__qualname__, doc.file)
    kept = _VALIDATED.get(key)
    if kept is not None and (kept[0] is doc or (type(kept[0]) is type(doc) and kept[1] == doc.data)):
        return kept[2], []
    result, problems = check()
    if result is not None and not problems:
        _VALIDATED[key] = (doc, doc.data, result)
    return result, problems


_KEPT: dict[tuple[str, Any], tuple[tuple[Any, ...], Any]] = {}


def kept(kind: str, label: Any, inputs: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """``compute()``, or what it gave last time for ``label`` when ``inputs`` (everything it reads) are the
    same objects or equal ones: a page's references to other pages, its reading key."""
    found = _KEPT.get((kind, label))
    if found is not None and found[0] == inputs:
        return found[1]
    value = compute()
    _KEPT[(kind, label)] = (inputs, value)
    return value


def forget() -> None:
    """Empty every memory (tests that compare a build with a fresh one)."""
    _LOADED.clear()
    _VALIDATED.clear()
    _KEPT.clear()
    _SCOPES.clear()


# --- rendering ---------------------------------------------------------------------------------------------


class Watch:
    """The fields of other pages (and handouts) a template reads while one page renders.

    The template sandbox calls :meth:`saw` for each attribute or item a template reads; reads of the watched
    objects other than the page being rendered are recorded with the value read."""

    def __init__(self, watched: dict[str, Any]) -> None:
        self.watched = watched
        """The objects to watch, by label (``page:get-ready``)."""
        self._label_of = {id(obj): label for label, obj in watched.items()}
        self.current: str | None = None
        self.reads: dict[tuple[str, Any], Any] = {}

    def start(self, label: str) -> None:
        self.current, self.reads = label, {}

    def stop(self) -> dict[tuple[str, Any], Any]:
        reads, self.current, self.reads = self.reads, None, {}
        return reads

    def saw(self, obj: Any, name: Any, value: Any) -> None:
        label = self._label_of.get(id(obj))
        if label is not None and label != self.current and self.watched.get(label) is obj:
            self.reads.setdefault((label, name), value)

    def still(self, reads: dict[tuple[str, Any], Any]) -> bool:
        """Whether every field recorded in ``reads`` holds the same value now."""
        missing = object()
        for (label, name), value in reads.items():
            obj = self.watched.get(label, missing)
            if obj is missing:
                return False
            try:
                now = getattr(obj, name) if isinstance(name, str) and hasattr(obj, name) else obj[name]
            except Exception:  # the field is gone
                return False
            if now is not value and now != value:
                return False
        return True


@dataclass
class _Rendered:
    parts: tuple[Any, ...]
    text: str
    reads: dict[tuple[str, Any], Any]


@dataclass
class _Scope:
    shared: Any = None
    entries: dict[tuple[str, str], _Rendered] = field(default_factory=dict)


_SCOPES: dict[Any, _Scope] = {}


class Renders:
    """The texts one kind of rendering (Markdown pages, print HTML) made last time in the same place.

    ``where`` names the place (the kind of output, the template folders, the language); ``shared`` is what
    every page's text may depend on there. When ``shared`` differs from the last build's, nothing is reused."""

    def __init__(self, where: Any, shared: Any, watch: Watch) -> None:
        scope = _SCOPES.setdefault(where, _Scope())
        if scope.shared != shared:
            scope.shared, scope.entries = shared, {}
        self.scope = scope
        self.watch = watch
        self.hits = 0

    def get(self, name: str, page_id: str, parts: tuple[Any, ...]) -> str | None:
        kept = self.scope.entries.get((name, page_id))
        if kept is None or kept.parts != parts or not self.watch.still(kept.reads):
            return None
        self.hits += 1
        return kept.text

    def put(self, name: str, page_id: str, parts: tuple[Any, ...], text: str,
            reads: dict[tuple[str, Any], Any]) -> None:
        self.scope.entries[(name, page_id)] = _Rendered(parts, text, reads)


def templates_state(folders: list[Path]) -> tuple[Any, ...]:
    """Every file under the template folders (templates, catalogs) with its bytes: a template or a translation
    of the site's words edited makes every page render again. (The bytes, not the time of change, which a
    quick second save can share with the first; the folders hold a few dozen small files.)"""
    state = []
    for folder in folders:
        for root, dirs, names in os.walk(folder):
            dirs.sort()
            for name in sorted(names):
                try:
                    state.append((root, name, (Path(root) / name).read_bytes()))
                except OSError:
                    continue
    return tuple(state)


def watched_objects(handbook: Any, handouts: tuple[Any, ...] = ()) -> dict[str, Any]:
    """The objects a page's templates may read of other pages: every page's model, and every handout."""
    watched: dict[str, Any] = {f"page:{page_id}": entry.page for page_id, entry in handbook.pages.items()}
    for handout in handouts:
        watched[f"handout:{handout.id}"] = handout
        for part in handout.parts:
            watched.setdefault(f"handout:{part.id}", part)
    return watched
