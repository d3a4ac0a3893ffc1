"""Write: put rendered files on disk without ever leaving a half-written folder where a good one was.

Everything is written into a staging folder beside the target, which is swapped into place only once it is
complete. If the process dies before the swap, the target is untouched; if it dies between the two renames of
the swap, :func:`recover` puts the previous folder back the next time.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

STAGING = "staging"
PREVIOUS = "previous"


def _sibling(target: Path, role: str) -> Path:
    return target.with_name(f".{target.name}-{role}-{os.getpid()}")


def _leftovers(target: Path, role: str) -> list[Path]:
    return sorted(target.parent.glob(f".{target.name}-{role}-*"), key=lambda p: p.stat().st_mtime)


def _process_alive(path: Path) -> bool:
    try:
        os.kill(int(path.name.rsplit("-", 1)[1]), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:  # someone else's process: leave its folder alone
        return True
    return True


def recover(target: Path) -> None:
    """Undo what an interrupted build left: restore the previous folder, drop dead builds' staging folders."""
    if not target.exists():
        previous = [p for p in _leftovers(target, PREVIOUS) if not _process_alive(p)]
        if previous:
            previous[-1].rename(target)
    for leftover in _leftovers(target, STAGING) + _leftovers(target, PREVIOUS):
        if not _process_alive(leftover):
            shutil.rmtree(leftover, ignore_errors=True)


@contextlib.contextmanager
def staged(target: Path) -> Iterator[Path]:
    """Yield an empty folder to fill; on normal exit it replaces ``target``, on any error it is deleted."""
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{target} exists and is not a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    recover(target)
    staging = _sibling(target, STAGING)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    previous = _sibling(target, PREVIOUS)
    if target.exists():
        target.rename(previous)
    staging.rename(target)
    shutil.rmtree(previous, ignore_errors=True)


def write_files(folder: Path, texts: Mapping[str, str], copies: Mapping[str, Path]) -> None:
    """Write ``texts`` (UTF-8, LF line endings) and copy ``copies`` into ``folder``, refusing to leave it."""
    base = folder.resolve()
    for relative in sorted({*texts, *copies}):
        destination = (base / relative).resolve()
        if not destination.is_relative_to(base):
            raise ValueError(f"refusing to write outside {folder}: {relative}")
        destination.parent.mkdir(parents=True, exist_ok=True)
        if relative in texts:
            destination.write_text(texts[relative], encoding="utf-8", newline="\n")
        else:
            shutil.copyfile(copies[relative], destination)
