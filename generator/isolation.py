"""A child process with a hard ceiling on memory and time, for running an office's templates.

The sandbox (:mod:`generator.sandbox`) refuses, with the template's line, every way we know of to build
something huge or to run for long. Some ways we do not know of, or that Python itself cannot interrupt (one
comparison of two lists of a million long texts), would still exhaust the machine. So an office's templates,
which are untrusted, render in a forked child process that the operating system holds to
:data:`MEMORY_LIMIT_MB` above what it started with, and that is stopped after :data:`TIME_LIMIT` seconds.
The child sends back the rendered site, or its problems; if it is stopped, the problem names the template
and the page it was rendering.

Where the system cannot fork (Windows), the templates run in the build's own process, within the sandbox's
limits only.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .problems import ContentError, Problem

MEMORY_LIMIT_MB = 300
"""How much more memory than the build had when it started the child the templates may use."""
TIME_LIMIT = 30.0
"""How long all of an office's pages and handouts may take to render (about two seconds for 2,000 pages)."""

T = TypeVar("T")

_progress_fd: int | None = None
"""In the child: where :func:`rendering` writes which template and page it is on."""


def rendering(template: str, page_id: str) -> None:
    """Note the template and page about to render (read by the parent if it must stop the child)."""
    if _progress_fd is not None:
        try:
            os.write(_progress_fd, f"{template}\t{page_id}\n".encode())
        except OSError:
            pass


def _virtual_memory() -> int:
    """This process's virtual memory size in bytes (what RLIMIT_AS counts), or 0 where it cannot be read."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def limit_memory(extra_mb: int) -> None:
    """Hold this process to ``extra_mb`` more memory than it has now (RLIMIT_AS), where the system allows."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    ceiling = _virtual_memory() + extra_mb * 1024 * 1024
    if ceiling > extra_mb * 1024 * 1024:  # the process's own size could be read
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))


def isolated(function: Callable[[], T], templates: list[Path], *, memory_mb: int = MEMORY_LIMIT_MB,
             seconds: float = TIME_LIMIT) -> T:
    """``function()`` in a forked child held to ``memory_mb`` more memory and ``seconds``; its result, or the
    :class:`ContentError` it raised. A child stopped for memory or time becomes a problem naming the template
    it was rendering (found in ``templates``, the folders in lookup order)."""
    if not hasattr(os, "fork"):
        return function()
    results_r, results_w = os.pipe()
    progress_r, progress_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        _child(function, results_w, progress_w, (results_r, progress_r), memory_mb)
    os.close(results_w)
    os.close(progress_w)
    data, progress, timed_out = _collect(pid, results_r, progress_r, seconds)
    _, status = os.waitpid(pid, 0)
    last = progress.strip().rsplit("\n", 1)[-1].split("\t") if progress.strip() else ["", ""]
    template, page_id = (last + [""])[:2]
    if timed_out:
        raise ContentError([_stopped(templates, template, page_id, f"it ran for more than {seconds:.0f} seconds")])
    if not data:
        killed = os.WIFSIGNALED(status)
        reason = (f"it needed more than {memory_mb} MB of memory" if not killed or
                  os.WTERMSIG(status) in (signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT) else
                  "it stopped the process rendering it")
        raise ContentError([_stopped(templates, template, page_id, reason)])
    kind, value = pickle.loads(data)  # our own child's answer, through our own pipe
    if kind == "problems":
        raise ContentError(*value)
    if kind == "memory":
        raise ContentError([_stopped(templates, template, page_id, f"it needed more than {memory_mb} MB of memory")])
    if kind == "error":
        raise value
    return value


def _child(function: Callable[[], Any], results_w: int, progress_w: int, others: tuple[int, int],
           memory_mb: int) -> None:
    global _progress_fd
    status = 0
    try:
        for fd in others:
            os.close(fd)
        _progress_fd = progress_w
        limit_memory(memory_mb)
        try:
            result: Any = ("ok", function())
        except ContentError as error:
            result = ("problems", (error.problems, error.warnings))
        except MemoryError:
            result = ("memory", None)
        except BaseException as error:  # sent to the parent, which raises it there
            result = ("error", error)
        try:
            data = pickle.dumps(result)
        except Exception as error:  # what cannot be pickled is said in words
            data = pickle.dumps(("error", RuntimeError(f"{type(error).__name__}: {error}")))
        view = memoryview(data)
        while view:
            view = view[os.write(results_w, view):]
    except BaseException:  # the parent reports the empty answer
        status = 1
    finally:
        os._exit(status)


def _collect(pid: int, results_r: int, progress_r: int, seconds: float) -> tuple[bytes, str, bool]:
    """Read the child's answer and progress until it closes them, or until ``seconds`` pass (then kill it)."""
    chunks: list[bytes] = []
    progress: list[bytes] = []
    deadline = time.monotonic() + seconds
    open_fds = {results_r, progress_r}
    timed_out = False
    while open_fds:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            os.kill(pid, signal.SIGKILL)
            break
        ready, _, _ = select.select(list(open_fds), [], [], min(left, 1.0))
        for fd in ready:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                open_fds.discard(fd)
                os.close(fd)
            elif fd == results_r:
                chunks.append(chunk)
            else:
                progress.append(chunk)
    for fd in open_fds:
        os.close(fd)
    return b"".join(chunks), b"".join(progress).decode(errors="replace")[-4000:], timed_out


def _stopped(templates: list[Path], template: str, page_id: str, reason: str) -> Problem:
    file = next((folder / template for folder in templates if template and (folder / template).is_file()),
                templates[0] / template if template else templates[0])
    where = f" (while rendering the page {page_id})" if page_id else ""
    return Problem(file, 0, 0, f"the template was stopped: {reason}{where}",
                   hint="templates may not build very long texts or lists, or loop or call macros without end; "
                        "make the template do less")
