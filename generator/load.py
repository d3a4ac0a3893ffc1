"""Load: read YAML files into plain Python data, keeping the position of every key and value.

We build the data straight from PyYAML's event stream rather than with ``yaml.safe_load`` because safe_load
forgets positions, keeps the last of two duplicate keys silently, expands aliases without limit and recurses on
deep nesting. Walking the events gives us, in one pass and without recursion: a position for every value and
key, duplicate-key and alias errors, a depth limit, and the raw text of every plain scalar that YAML turned
into something other than text (``no`` → False), so later errors can say what the editor actually wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from .memo import loaded
from .problems import KeyPath, Problem

# libyaml's parser is several times faster where it is installed; the events are the same.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""PyYAML's safe loader, libyaml's where installed (much quicker)."""

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 32
YAML_SUFFIXES = (".yml", ".yaml")

_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
# Only plain data: no !!python/..., no !!binary, no !!set, no custom tags.
_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
}
_PLAIN_CONTAINER_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class Spot(NamedTuple):
    """A position in a file, counting lines and columns from 1. (A tuple: one is made for every value.)"""

    line: int
    column: int

    @classmethod
    def of(cls, mark: Any) -> Spot:
        return _new_spot(cls, (mark.line + 1, mark.column + 1))


_new_spot = tuple.__new__  # what Spot(line, column) does, without the keyword handling: one per value read
FILE_START = Spot(1, 1)


@dataclass
class Document:
    """One YAML file's data, with where each value and each key stands in the file."""

    file: Path
    data: Any
    values: dict[KeyPath, Spot] = field(default_factory=dict)
    keys: dict[KeyPath, Spot] = field(default_factory=dict)
    raw: dict[KeyPath, str] = field(default_factory=dict)
    """The source text of plain scalars that YAML read as something other than text (``no``, ``2024``)."""

    def value_spot(self, path: KeyPath) -> Spot:
        """Where the value at ``path`` starts, or failing that where its nearest parent does."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, FILE_START)

    def key_spot(self, path: KeyPath) -> Spot:
        """Where the key naming ``path`` stands (falls back to the value's position)."""
        return self.keys.get(path) or self.value_spot(path)

    def problem(self, path: KeyPath, message: str, hint: str | None = None, *, at_key: bool = False) -> Problem:
        """A problem about the value (or with ``at_key`` the key) at ``path`` in this document."""
        spot = self.key_spot(path) if at_key else self.value_spot(path)
        return Problem(self.file, spot.line, spot.column, message, path, hint)


class _Frame:
    """A mapping or sequence being filled while its events arrive."""

    __slots__ = ("container", "path", "key", "seen")

    def __init__(self, container: dict | list, path: KeyPath):
        self.container = container
        self.path = path
        self.key: str | None = None  # a mapping's key waiting for its value
        self.seen: dict[str, Spot] = {}  # a mapping's keys so far, for duplicates

    def child_path(self) -> KeyPath:
        if isinstance(self.container, list):
            return (*self.path, len(self.container))
        return (*self.path, self.key)  # type: ignore[arg-type]


_DISCARD = object()  # the value of a duplicate key: read, reported, dropped


# What an empty file of each site-wide kind should start with (pages start with "kind:").
FIRST_LINES = {
    "office.yml": 'an office file starts with "name: " and the office\'s name (handbook new-office writes a '
                  "complete example)",
    "handbook": 'the settings start with "title: " and the handbook\'s title, then description, office and phases',
    "sources": "the sources file lists each source under its id, such as \"an-article:\" then \"  title: …\"",
}


class _Abort(Exception):
    """Stop reading a file after a problem that makes the rest meaningless."""


def load_text(text: str, file: Path) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML document from ``text``; return it (None if unreadable) and the problems found."""
    problems: list[Problem] = []
    doc = Document(file, None)
    stack: list[_Frame] = []
    documents = 0

    def add(spot: Spot, message: str, path: KeyPath = (), hint: str | None = None) -> None:
        problems.append(Problem(file, spot.line, spot.column, message, path, hint))

    def attach(value: Any, spot: Spot, path: KeyPath) -> None:
        if not stack:
            doc.data = value
            doc.values[()] = spot
            return
        frame = stack[-1]
        if isinstance(frame.container, list):
            frame.container.append(value)
            doc.values[path] = spot
        elif frame.key is _DISCARD:
            frame.key = None
        else:
            frame.container[frame.key] = value
            doc.values[path] = spot
            frame.key = None

    try:
        for event in yaml.parse(text, Loader=SAFE_LOADER):
            if isinstance(event, yaml.CollectionEndEvent):
                frame = stack.pop()
                attach(frame.container, doc.values[frame.path], frame.path)
                continue
            spot = Spot.of(event.start_mark)
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    add(spot, "this file holds more than one YAML document (a second '---' line)",
                        hint="keep one page per file: remove the second '---' or move what follows it to a new file")
                    raise _Abort
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            if isinstance(event, yaml.AliasEvent):
                add(spot, f"aliases (*{event.anchor}) are not supported in handbook files",
                    hint="write the value out in full where you need it")
                raise _Abort
            frame = stack[-1] if stack else None
            # A scalar standing where a mapping expects a key.
            if frame is not None and isinstance(frame.container, dict) and frame.key is None:
                if not isinstance(event, yaml.ScalarEvent):
                    add(spot, "a key must be plain text, not a list or mapping", frame.path)
                    raise _Abort
                key = event.value
                path = (*frame.path, key)
                if key in frame.seen:
                    add(spot, f'duplicate key "{key}": it is already set on line {frame.seen[key].line}', path,
                        hint="keep only one of them")
                    frame.key = _DISCARD  # type: ignore[assignment]
                else:
                    frame.seen[key] = spot
                    doc.keys[path] = spot
                    frame.key = key
                continue
            path = frame.child_path() if frame is not None else ()
            if len(path) > MAX_DEPTH:
                add(spot, f"the data is nested more than {MAX_DEPTH} levels deep", path[:MAX_DEPTH],
                    hint="handbook pages need only a few levels; check the indentation")
                raise _Abort
            if isinstance(event, yaml.ScalarEvent):
                attach(_scalar(event, spot, path, doc, add), spot, path)
            else:
                if event.tag not in _PLAIN_CONTAINER_TAGS:
                    add(spot, f"the tag {_shown_tag(event.tag)} is not allowed in handbook files", path,
                        hint="remove the tag: handbook files hold only plain text, numbers, dates, lists and mappings")
                    raise _Abort
                container: dict | list = {} if isinstance(event, yaml.MappingStartEvent) else []
                doc.values[path] = spot
                stack.append(_Frame(container, path))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message, hint = _explain_syntax_error(error)
        add(Spot.of(mark) if mark else FILE_START, message, hint=hint)
        return None, problems
    except yaml.YAMLError as error:  # pragma: no cover - libyaml reports everything as MarkedYAMLError
        add(FILE_START, f"this is not valid YAML: {error}")
        return None, problems
    except _Abort:
        return None, problems
    if documents == 0 or doc.data is None:
        hint = (FIRST_LINES.get(file.name) or FIRST_LINES.get(file.stem)
                or 'a handbook page starts with a line such as "kind: checklist"')
        add(FILE_START, "the file is empty", hint=hint)
        return None, problems
    return doc, problems


def _shown_tag(tag: str) -> str:
    """A tag as editors write it: ``!!python/object`` rather than ``tag:yaml.org,2002:python/object``."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _scalar(event: Any, spot: Spot, path: KeyPath, doc: Document, add: Any) -> Any:
    """Turn a scalar event into a Python value with YAML's usual (1.1) rules, remembering surprising ones."""
    tag = event.tag
    if tag in (None, "!"):
        tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == "tag:yaml.org,2002:value":  # a lone "=" (YAML 1.1's "value key"): plain text to an editor
            tag = "tag:yaml.org,2002:str"
    if tag not in _SCALAR_TAGS:
        add(spot, f"the tag {_shown_tag(event.tag)} is not allowed in handbook files", path,
            hint="remove the tag: handbook files hold only plain text, numbers, dates, lists and mappings")
        return event.value
    if tag == "tag:yaml.org,2002:str":
        return event.value
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    doc.raw[path] = event.value
    try:
        return _constructor.yaml_constructors[tag](_constructor, node)
    except (ValueError, OverflowError):
        # "2024-13-45" looks like a date to YAML but is none; keep the text and let validation explain.
        return event.value


_SYNTAX_EXPLANATIONS: list[tuple[re.Pattern[str], str, str | None]] = [
    (re.compile(r"found character '\\t'|found a tab character"),
     "a tab character is used here, and YAML does not allow tabs for indenting",
     "replace the tab with spaces (most editors have a setting to insert spaces when you press Tab)"),
    (re.compile(r"mapping values are not allowed (?:here|in this context)"),
     'a colon followed by a space starts a new "key: value" here, which YAML does not expect',
     'if the colon is part of the text, put the whole text in quotes: title: "Tip: be early"'),
    (re.compile(r"could not find expected ':'"),
     'expected a "key: value" line here',
     "is a colon missing, or is this line indented differently from the line above?"),
    (re.compile(r"did not find expected key"),
     "the indentation here does not line up with the lines above it",
     "keys at the same level must start in the same column; list items start with '- '"),
    (re.compile(r"did not find expected '-' indicator"),
     "a list item is expected here, starting with '- '",
     "line the items of a list up in the same column, each starting with '- '"),
    (re.compile(r"found unexpected end of stream"),
     "the file ends inside a quoted text",
     "add the closing quote mark"),
    (re.compile(r"expected <block end>, but found '<block sequence start>'"),
     "a list item here is indented differently from the items above it",
     "line up every '- ' of one list in the same column"),
    (re.compile(r"expected <block end>, but found"),
     "this line is indented differently from the lines above it",
     "keys at the same level must start in the same column"),
    (re.compile(r"did not find expected ',' or '\]'"),
     "a list written in [square brackets] is not closed",
     "add the closing ], or if the brackets are part of the text, put the whole text in quotes"),
    (re.compile(r"did not find expected ',' or '\}'"),
     "a set of fields written in {curly brackets} is not closed",
     "add the closing }, or if the brackets are part of the text, put the whole text in quotes"),
    (re.compile(r"found undefined alias"),
     "the '*' here starts an alias, which handbook files do not use",
     'if the * is part of the text, put the whole text in quotes: "*Bold* tip"'),
    (re.compile(r"found character '([@`])' that cannot start any token"),
     "a value cannot start with {0} in YAML",
     'put the whole text in quotes: "{0}example"'),
    # PyYAML 6.0.3 and later stop at a nesting depth of their own, before our own limit is reached.
    (re.compile(r"exceeded maximum nesting depth"),
     f"the data is nested more than {MAX_DEPTH} levels deep",
     "handbook pages need only a few levels; check the indentation"),
    (re.compile(r"found unknown escape character"),
     "a backslash in double quotes starts an escape, and this one is unknown",
     "use single quotes around text that contains backslashes, or write \\\\ for one backslash"),
]


def _explain_syntax_error(error: yaml.MarkedYAMLError) -> tuple[str, str | None]:
    """Plain words for PyYAML's parser messages, keeping the original where we have no better words."""
    problem = error.problem or str(error)
    for pattern, message, hint in _SYNTAX_EXPLANATIONS:
        match = pattern.search(problem)
        if match:
            groups = match.groups()
            if not groups:  # nothing to fill in: a message may show braces ("{curly brackets}") as they are
                return message, hint
            return message.format(*groups), hint.format(*groups) if hint else None
    return f"this is not valid YAML ({problem})", None


def load_file(path: Path) -> tuple[Document | None, list[Problem]]:
    """Read and parse one file, checking size and encoding first. A link (symlink) or anything but a plain file
    is refused: it could lead anywhere on the machine (/etc/passwd, /dev/zero)."""
    if path.is_symlink() or not path.is_file():
        return None, [not_plain(path)]
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
        size = max(size, len(data))
        if size > MAX_FILE_BYTES:
            return None, [Problem(path, 0, 0, f"the file is {size:,} bytes, more than the limit of "
                                  f"{MAX_FILE_BYTES:,}", hint="split it into several pages")]
    except OSError as error:
        return None, [Problem(path, 0, 0, f"the file cannot be read ({error.strerror})")]
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark, as some Windows editors write, is fine
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return None, [Problem(path, line, column, "the file is not UTF-8 text",
                              hint="save it again with the encoding UTF-8 (most editors offer it under Save As)")]
    return loaded(path, text, load_text)


def not_plain(path: Path) -> Problem:
    """A link (symlink) or special file where a plain file or folder belongs: the handbook does not follow it."""
    what = "a link to another file or folder" if path.is_symlink() else "not a plain file"
    return Problem(path, 0, 0, f"this is {what}, which the handbook does not follow",
                   hint="put the file itself here, not a link to it")


ASSET_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".svg", ".pdf", ".txt", ".csv")
"""What may be published as it is from an assets folder: images and documents a browser does not run. (An HTML
or XHTML page, a script, or Markdown would run or become a page of its own.)"""


@dataclass
class LoadedTree:
    """Every YAML document and asset file found under the content folder."""

    root: Path
    documents: dict[Path, Document]
    """The files that could be read, by path."""
    yaml_files: list[Path]
    """Every YAML file found, including those that could not be read."""
    assets: list[Path]
    problems: list[Problem]


ASSETS_DIR = "assets"
TRANSLATIONS_DIR = "i18n"


def load_tree(root: Path) -> LoadedTree:
    """Load every ``.yml``/``.yaml`` file under ``root``; list files under ``root/assets``; flag anything else."""
    documents: dict[Path, Document] = {}
    yaml_files: list[Path] = []
    assets: list[Path] = []
    problems: list[Problem] = []
    if not root.is_dir():
        problems.append(Problem(root, 0, 0, "the content folder does not exist",
                                hint="run the command from the handbook's folder, next to mkdocs.yml"))
        return LoadedTree(root, documents, yaml_files, assets, problems)
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or (path.is_dir() and not path.is_symlink()):
            continue  # editors' and systems' hidden files (.DS_Store, .swp)
        if relative.parts[0] == TRANSLATIONS_DIR and len(relative.parts) > 1:
            continue  # translations: read for each language by generator.translations
        if path.is_symlink() or not path.is_file():
            problems.append(not_plain(path))
        elif relative.parts[0] == ASSETS_DIR:
            if path.suffix.lower() in ASSET_SUFFIXES:
                assets.append(path)
            else:
                problems.append(Problem(path, 0, 0, f'"{path.suffix or path.name}" files are not published from '
                                        f"{root.name}/{ASSETS_DIR}/",
                                        hint=f"assets may be {', '.join(s[1:] for s in ASSET_SUFFIXES)} files; "
                                             "a page of the handbook is written as YAML"))
        elif path.suffix.lower() in YAML_SUFFIXES:
            yaml_files.append(path)
            doc, found = load_file(path)
            problems.extend(found)
            if doc is not None:
                documents[path] = doc
        else:
            problems.append(Problem(path, 0, 0, "only YAML files (.yml) are read in the content folder",
                                    hint=f"write pages as YAML; put images and other files in {root.name}/assets/"))
    return LoadedTree(root, documents, yaml_files, assets, problems)
