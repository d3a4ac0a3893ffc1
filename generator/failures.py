"""When the machine fails rather than the content: a full disk, a folder that cannot be written, a system
library the PDF handouts need. Each becomes one message in plain words (what failed, the path, what to do)
and the exit code :data:`EXIT_MACHINE`, never a traceback (unless ``--debug`` asks for one).
"""

from __future__ import annotations

import errno
from pathlib import Path

EXIT_MACHINE = 3
"""The exit code when the machine failed (disk, permissions, system libraries); ``site/`` is left as it was."""
EXIT_BUG = 70
"""The exit code for a failure nobody foresaw: a bug in the handbook generator (EX_SOFTWARE)."""
PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"


class MachineError(Exception):
    """Something outside the content failed. ``str()`` is the whole message: what failed and what to do."""

    def __init__(self, what: str, fix: str) -> None:
        super().__init__(what, fix)
        self.what = what
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.what}\n  what to do: {self.fix}"


def _shown(path: str | bytes | Path | None) -> str:
    if path is None:
        return "a file"
    from .problems import display_path

    return display_path(Path(path if not isinstance(path, bytes) else path.decode(errors="replace")))


def from_os_error(error: OSError) -> MachineError:
    """Plain words for an operating system error, naming the file or folder it happened on."""
    path = _shown(error.filename)
    in_cache = ".cache" in Path(str(error.filename or "")).parts
    cache_note = " The cache can be deleted safely: builds make it again." if in_cache else ""
    code = error.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        what = "the disk is full" if code == errno.ENOSPC else "your disk quota is used up"
        return MachineError(f"{what}: could not write {path}",
                            f"free some space on the disk that holds {path} (old builds, downloads, the cache in "
                            f".cache/), then run the command again.{cache_note}")
    if code == errno.EROFS:
        return MachineError(f"could not write {path}: that disk is read-only",
                            "build on a disk you can write to: copy the handbook's folder there, or set site_dir "
                            f"in mkdocs.yml to a folder on such a disk.{cache_note}")
    if code in (errno.EACCES, errno.EPERM):
        return MachineError(f"permission denied: could not use {path}",
                            "check that your user may read and write that folder (its owner and permissions), or "
                            f"run the command as the user who owns the handbook's folder.{cache_note}")
    if code == errno.EMFILE or code == errno.ENFILE:
        return MachineError("too many files are open on this machine", "close other programs, then try again")
    if code == errno.EADDRINUSE:
        return MachineError("the address to serve the preview on is already in use",
                            "another program (perhaps another preview) uses it: stop it, or choose another address, "
                            "such as -a 127.0.0.1:8001")
    if code == errno.EADDRNOTAVAIL:
        return MachineError("this machine has no such address to serve the preview on",
                            "use 127.0.0.1 (this machine only), such as -a 127.0.0.1:8000")
    reason = error.strerror or str(error)
    if error.filename is None:  # not about a file: say what the system said, and how to report it
        return MachineError(f"the operating system refused: {reason}",
                            "try again; if it goes on, run the same command with --debug and report what it prints")
    return MachineError(f"the machine could not use {path}: {reason}",
                        f"check that the disk is connected and working, then run the command again.{cache_note}")


def missing_pango(error: OSError) -> MachineError:
    """WeasyPrint could not load Pango, the system library that lays out the PDF handouts' text."""
    return MachineError(
        f"the PDF handouts need the Pango library, which this machine does not have ({error})",
        f"install it (Debian or Ubuntu: sudo apt-get install {PANGO_PACKAGES}; Fedora: sudo dnf install pango; "
        "macOS: brew install pango), or build without handouts: --no-pdf")
