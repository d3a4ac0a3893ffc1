"""Problems found in content, each knowing where it is, and how to print them.

Every stage that looks at content reports :class:`Problem` values instead of raising, so a single run can list
every mistake in every file. The formatters are plain functions over a list of problems, one per output style.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# A key path inside one YAML document: ("groups", 0, "items", 2, "text").
KeyPath = tuple[str | int, ...]


def format_key_path(path: KeyPath) -> str:
    """Write a key path the way an editor reads it: ``groups[0].items[2].text``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, at a place in a file.

    ``line`` and ``column`` count from 1, as editors show them; 0 means "the file as a whole".
    """

    file: Path
    line: int
    column: int
    message: str
    key: KeyPath = field(default=(), compare=False)
    hint: str | None = field(default=None, compare=False)
    warning: bool = field(default=False, compare=False)
    """A warning (an editorial matter) rather than an error; ``--strict`` treats it as an error."""

    def location(self, root: Path | None = None) -> str:
        """``path:line:col`` with the path relative to ``root`` (or the working folder) where possible."""
        where = display_path(self.file, root)
        if self.line:
            where += f":{self.line}:{self.column}"
        return where

    def described(self) -> str:
        """The key path and the message: ``items[0].text: expected text, got a list``."""
        key = format_key_path(self.key)
        return f"{key}: {self.message}" if key else self.message

    def headline(self, root: Path | None = None) -> str:
        """The one-line form: ``content/x.yml:3:8: items[0].text: expected text, got a list``."""
        return f"{self.location(root)}: {'warning: ' if self.warning else ''}{self.described()}"


class ContentError(Exception):
    """Raised when content has problems; carries every one of them, sorted by file and position, and the
    editorial warnings found so far (so one run shows errors and warnings together)."""

    def __init__(self, problems: Iterable[Problem], warnings: Iterable[Problem] = ()):
        self.problems: list[Problem] = sorted(problems)
        self.warnings: list[Problem] = sorted(warnings)
        self.partial: object = None
        """What could be validated despite the problems (see :func:`generator.validate.validate`)."""
        super().__init__(format_plain(self.problems))

    def with_warnings(self, warnings: Iterable[Problem]) -> ContentError:
        """The same problems, with these editorial warnings."""
        return ContentError(self.problems, [*self.warnings, *warnings])


def display_path(path: Path, root: Path | None = None) -> str:
    """A path as short as it can be while still leading to the file."""
    base = root or Path.cwd()
    try:
        return Path(os.path.relpath(path, base)).as_posix() if path.is_relative_to(base) else path.as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def _excerpt(problem: Problem) -> list[str]:
    """The offending line of the file with a caret under the column, as compilers show it."""
    if problem.line < 1:
        return []
    try:
        lines = problem.file.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    if problem.line > len(lines):
        return []
    text = lines[problem.line - 1].replace("\t", " ")
    number = str(problem.line)
    gutter = " " * len(number)
    return [f"  {number} | {text}", f"  {gutter} | {' ' * (problem.column - 1)}^"]


def format_plain(problems: Sequence[Problem], root: Path | None = None, *, excerpts: bool = False) -> str:
    """Human-readable report: one headline per problem, then its hint and (optionally) the line it is on."""
    out: list[str] = []
    for problem in problems:
        out.append(problem.headline(root))
        if excerpts:
            out.extend(_excerpt(problem))
        if problem.hint:
            out.append(f"  hint: {problem.hint}")
    return "\n".join(out)


def format_github(problems: Sequence[Problem], root: Path | None = None) -> str:
    """GitHub Actions workflow commands, so problems show as annotations on the changed lines."""

    def escape(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    out = []
    for p in problems:
        message = p.described()
        if p.hint:
            message += f" (hint: {p.hint})"
        where = f"file={display_path(p.file, root)}"
        if p.line:
            where += f",line={p.line},col={p.column}"
        out.append(f"::{'warning' if p.warning else 'error'} {where}::{escape(message)}")
    return "\n".join(out)


def summarize(problems: Sequence[Problem], noun: str = "problem") -> str:
    """``3 problems in 2 files`` (singular and plural right)."""
    files = len({p.file for p in problems})
    return f"{len(problems)} {noun}{'s' if len(problems) != 1 else ''} in {files} file{'s' if files != 1 else ''}"
