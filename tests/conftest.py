"""Shared fixtures: copies of the handbook to build and break, and a way to run the real commands."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "handbook"


SCREENSHOTS = pytest.StashKey[Path]()
"""Where the browser tests wrote their screenshots, to name at the end of the run."""


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    folder = config.stash.get(SCREENSHOTS, None)
    if folder is not None:
        terminalreporter.write_line(f"Screenshots of each page kind (desktop, phone, print): {folder}")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite golden Markdown and the expected text of error cases from the current output.")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


LANGUAGES = "\nlanguages:\n  - en\n  - fr\n  - es\n"
"""The repository's languages in ``content/handbook.yml``, as the browser editor writes them."""


def copy_handbook(root: Path, *, offices: bool = False, languages: bool = False) -> Path:
    """Copy the repository's handbook (mkdocs.yml, content, templates, and with ``offices`` the offices)
    into the new folder ``root``, free to build and break.

    The copy publishes English only (its translations are there, and checked, but not built) unless
    ``languages`` asks for every language, as the repository's handbook does: most tests are about one
    language's pages, and building three takes three times as long."""
    root.mkdir(parents=True)
    for name in ("content", "templates", *(["offices"] if offices else [])):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root)
    if not languages:
        settings = root / "content" / "handbook.yml"
        text = settings.read_text(encoding="utf-8")
        assert LANGUAGES in text
        settings.write_text(text.replace(LANGUAGES, "\n"), encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the repository's handbook (mkdocs.yml, content, templates), free to build and break."""
    return copy_handbook(tmp_path / "handbook")


def run(*args: str | Path, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run a command as a user would, capturing its output."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)  # a build sets it in its own process; tests that want one pass it
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=env, check=False)


def working_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, languages: bool = False) -> Path:
    """A copy of the handbook with its offices (see :func:`copy_handbook`), made the current folder, for tests
    that run the command in this process (:func:`invoke`); dates come from the content, as in a user's build."""
    root = copy_handbook(tmp_path / "handbook", offices=True, languages=languages)
    monkeypatch.chdir(root)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return root


def invoke(*args: str) -> Any:
    """Run the ``handbook`` command in this process (click's runner), in the current folder: quicker than
    :func:`handbook` where a test runs it many times."""
    from click.testing import CliRunner

    from generator.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in the file with ``new``; fail if it is not there (the test would prove nothing)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def handbook(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the ``handbook`` command (as ``python -m generator``, the same entry point)."""
    return run(sys.executable, "-m", "generator", *args, cwd=cwd)


def mkdocs(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-m", "mkdocs", *args, cwd=cwd)


def kill_build_when(root: Path, ready: Callable[[], bool]) -> None:
    """Start ``handbook build`` in ``root`` and kill it outright (SIGKILL, as a power cut would) as soon as
    ``ready()`` holds; fail if the build ends first."""
    process = subprocess.Popen([sys.executable, "-m", "generator", "build"], cwd=root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not ready() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    assert process.poll() is None, "the build finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes, to prove a folder did not change."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}
