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

Besides these, :func:`kept` remembers smaller results (a file's references to other files, a page's reading
key, a text's grades) under everything they read.

Everything kept is immutable (pages are frozen models; documents are never changed after loading), so a kept
object is shared safely. Each memory holds the latest version of each file or page only, so it grows with the
handbook, not with the number of builds. Of all this, only rendered texts are also kept on disk, as JSON under
digests (:meth:`Renders.save`): reading loaded documents back from a file costs as much as parsing their YAML
again (measured), while a page's text saves a render.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

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


_ABSENT = "<absent>"
"""What a read of a field that does not exist is recorded as."""


def _current(obj: Any, name: Any) -> Any:
    """The field ``name`` of ``obj`` as a template reads it (attribute, else item), or :data:`_ABSENT`."""
    if isinstance(name, str) and hasattr(obj, name):
        return getattr(obj, name)
    try:
        return obj[name]
    except Exception:  # no such field
        return _ABSENT


NAME = "name"
"""The label of a watched name's reads (:attr:`Watch.names`)."""


class Watch:
    """The fields of other pages (and handouts) a template reads while one page renders.

    The template sandbox calls :meth:`saw` for each attribute or item a template reads; reads of the watched
    objects other than the page being rendered are recorded with the value read."""

    def __init__(self, watched: dict[str, Any], names: frozenset[str] = frozenset()) -> None:
        self.watched = watched
        """The objects to watch, by label (``page:get-ready``)."""
        self._label_of = {id(obj): label for label, obj in watched.items()}
        self.current: str | None = None
        self.reads: dict[tuple[str, Any], Any] = {}
        self.names = names
        """The names of the templates' context to watch (an office's identity: ``office``, ``url``): their
        values are not part of what every page shares, but a page that looks one up depends on it."""
        self.values: dict[str, Any] = {}
        """Those names' values for the page being rendered or looked up (set before each)."""

    def start(self, label: str) -> None:
        self.current, self.reads = label, {}

    def stop(self) -> dict[tuple[str, Any], Any]:
        reads, self.current, self.reads = self.reads, None, {}
        return reads

    def saw(self, obj: Any, name: Any, value: Any) -> None:
        label = self._label_of.get(id(obj))
        if label is not None and label != self.current and self.watched.get(label) is obj:
            self.reads.setdefault((label, name), _ABSENT if isinstance(value, jinja2.Undefined) else value)

    def looked_up(self, name: str, value: Any) -> None:
        if name in self.names and self.current is not None:
            self.reads.setdefault((NAME, name), _ABSENT if isinstance(value, jinja2.Undefined) else value)

    def now(self, label: str, name: Any) -> Any:
        """The value of a recorded field now (:data:`_ABSENT` when the page or field is gone)."""
        if label == NAME:
            return self.values.get(name, _ABSENT)
        obj = self.watched.get(label, _ABSENT)
        return _ABSENT if obj is _ABSENT else _current(obj, name)

    def still(self, reads: dict[tuple[str, Any], Any]) -> bool:
        """Whether every field recorded in ``reads`` holds the same value now."""
        for (label, name), value in reads.items():
            now = self.now(label, name)
            if now is not value and now != value:
                return False
        return True


@dataclass
class _Rendered:
    parts: tuple[Any, ...]
    text: str
    reads: dict[tuple[str, Any], Any]
    on_disk: bool = True


@dataclass
class _Scope:
    shared: Any = None
    entries: dict[tuple[str, str], _Rendered] = field(default_factory=dict)
    stored: dict[str, Any] | None = None
    """What the store on disk holds, as the last build in this process wrote or read it (None: not read yet)."""


_SCOPES: dict[Any, _Scope] = {}
STORE_FORMAT = 1


class Renders:
    """The texts one kind of rendering (Markdown pages, print HTML) made last time in the same place.

    ``where`` names the place (the kind of output, the template folders, the language); ``shared`` is what
    every page's text may depend on there. When ``shared`` differs from the last build's, nothing is reused.

    With a ``store`` folder, the texts are also kept on disk for the next process (``handbook build`` after
    ``handbook build``), under digests of what they were made from (:func:`digest`: JSON, never code), and read
    back when this process has not made them yet; :meth:`save` writes what this build used."""

    def __init__(self, where: Any, shared: Any, watch: Watch, store: Path | None = None) -> None:
        scope = _SCOPES.setdefault(where, _Scope())
        if scope.shared != shared:
            scope.shared, scope.entries, scope.stored = shared, {}, None
        self.scope = scope
        self.watch = watch
        self._file = store / f"{digest(where)[:24]}.json" if store is not None else None
        self._shared_digest = ""
        self._used: dict[str, Any] = {}
        self._changed = False

    def get(self, name: str, page_id: str, parts: tuple[Any, ...]) -> str | None:
        kept = self.scope.entries.get((name, page_id))
        if kept is not None and kept.parts == parts and self.watch.still(kept.reads):
            if self._file is not None and kept.on_disk:
                self._use(name, page_id, parts, kept.text, kept.reads)
            return kept.text
        return self._from_store(name, page_id, parts) if kept is None or kept.on_disk else None

    def put(self, name: str, page_id: str, parts: tuple[Any, ...], text: str,
            reads: dict[tuple[str, Any], Any], *, on_disk: bool = True) -> None:
        """Keep ``text``, made from ``parts`` having read ``reads``; on disk too unless not ``on_disk`` (what
        is quicker to make again than to read back)."""
        self.scope.entries[(name, page_id)] = _Rendered(parts, text, reads, on_disk)
        if self._file is not None and on_disk:
            self._use(name, page_id, parts, text, reads)
            self._changed = True

    def _use(self, name: str, page_id: str, parts: tuple[Any, ...], text: str,
             reads: dict[tuple[str, Any], Any]) -> None:
        key = f"{name}\n{page_id}"
        stored = self._load().get(key)
        if stored is not None and stored.get("text") is text:
            self._used[key] = stored
            return
        self._used[key] = {"parts": digest(parts), "text": text,
                           "reads": [[label, name, digest(value)] for (label, name), value in reads.items()]}
        if stored is None or stored.get("text") != text or stored.get("parts") != self._used[key]["parts"]:
            self._changed = True

    def _load(self) -> dict[str, Any]:
        if self.scope.stored is None:
            self.scope.stored = {}
            if self._file is not None:
                try:
                    kept = json.loads(self._file.read_text(encoding="utf-8"))
                    if kept.get("format") == STORE_FORMAT and kept.get("shared") == self._digest_of_shared():
                        self.scope.stored = dict(kept.get("entries") or {})
                except (OSError, ValueError, AttributeError):
                    pass  # none yet, or unreadable: everything renders
        return self.scope.stored

    def _digest_of_shared(self) -> str:
        if not self._shared_digest:
            self._shared_digest = digest(self.scope.shared)
        return self._shared_digest

    def _from_store(self, name: str, page_id: str, parts: tuple[Any, ...]) -> str | None:
        if self._file is None:
            return None
        stored = self._load().get(f"{name}\n{page_id}")
        if not isinstance(stored, dict) or stored.get("parts") != digest(parts) or \
                not isinstance(stored.get("text"), str) or not isinstance(stored.get("reads"), list):
            return None
        reads = {}
        for label, field_name, value_digest in stored["reads"]:
            value = self.watch.now(label, field_name)
            if digest(value) != value_digest:
                return None
            reads[(label, field_name)] = value
        self.scope.entries[(name, page_id)] = _Rendered(parts, stored["text"], reads)
        self._used[f"{name}\n{page_id}"] = stored
        return stored["text"]

    def save(self) -> None:
        """Write the texts this build used to the store (only when one was made anew or one is no longer
        used), in one step."""
        if self._file is None:
            return
        unchanged = not self._changed and set(self._used) == set(self._load())
        self.scope.stored = self._used
        if unchanged:
            return
        from .write import write_cache_file

        write_cache_file(self._file, json.dumps({"format": STORE_FORMAT, "shared": self._digest_of_shared(),
                                                 "entries": self._used}, ensure_ascii=False))


def digest(value: Any) -> str:
    """A digest of a value made of the content's models, text, numbers, dates, lists and the like: the same
    for equal values in any process."""
    try:
        text = json.dumps(value, default=_plain, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):  # keys of a kind JSON has not: a digest of this process only (a miss later)
        text = repr(value)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _plain(value: Any) -> Any:
    """What JSON cannot write of itself, as what it can (``json.dumps`` asks for each such value it meets,
    however deep; lists, dicts and text it writes itself)."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return [type(value).__qualname__, value.model_dump(mode="json")]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__qualname__, [getattr(value, f.name) for f in dataclasses.fields(value)]]
    if isinstance(value, set | frozenset):
        return sorted(digest(item) for item in value)
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    return [type(value).__qualname__, str(value)]


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
