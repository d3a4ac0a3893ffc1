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


def write_cache_file(path: Path, text: str) -> None:
    """Write a file of the build's cache in one step (a reader sees the old file or the new one, never half),
    or, where the folder cannot be written, nothing: a cache only saves time, and is made again next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.part")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError:
        pass


class Busy(Exception):
    """Another build is writing the same folder."""


@contextlib.contextmanager
def locked(target: Path) -> Iterator[None]:
    """Hold the build lock of ``target`` (a file beside it) for the whole build, or raise :class:`Busy`.

    The operating system releases the lock when the process ends, however it ends, so a killed build never
    leaves it stuck. (Where the system has no ``fcntl``, as on Windows, builds are not locked.)
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    path = target.with_name(f".{target.name}.lock")
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise Busy(f"another build is writing {target.name}/ right now ({holder}); wait for it to finish, "
                       "then build again") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
