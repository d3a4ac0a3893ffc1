"""Live preview: `handbook serve` rebuilds when content or templates change, and survives bad edits."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pypdf
import pytest

pytestmark = pytest.mark.slow  # builds whole sites, makes PDFs or drives a browser: not in the fast tier


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return None


def _wait_for(condition: Callable[[], bool], what: str, limit: float = 60) -> None:
    """Poll until ``condition`` holds; a bounded wait, not a timing assertion."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"gave up waiting for {what}")


@pytest.fixture
def server(project: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=project, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        try:
            yield f"http://127.0.0.1:{port}", log
        finally:
            process.terminate()
            process.wait(timeout=20)


def _served_at(log: Path) -> str:
    """The address MkDocs serves on: under site_url's path (/handbook/ for the default mkdocs.yml)."""
    _wait_for(lambda: "Serving on http" in log.read_text(), "the server to start")
    return log.read_text().split("Serving on ", 1)[1].split()[0]


def test_serve_rebuilds_on_yaml_and_template_edits(project: Path, server: tuple[str, Path]) -> None:
    base, log = server
    root = _served_at(log)
    assert root.startswith(base)
    page = f"{root}after-interview-review/"
    _wait_for(lambda: "I arrived on time." in (_fetch(page) or ""), "the first build")

    checklist = project / "content" / "checklists" / "after-interview-review.yml"
    checklist.write_text(checklist.read_text().replace("I arrived on time.", "I arrived ten minutes early."))
    _wait_for(lambda: "I arrived ten minutes early." in (_fetch(page) or ""), "the rebuild after a YAML edit")

    template = project / "templates" / "checklist.md.j2"
    template.write_text(template.read_text().replace("When to use this checklist", "When to use this list"))
    _wait_for(lambda: "When to use this list" in (_fetch(page) or ""), "the rebuild after a template edit")

    checklist.write_text(checklist.read_text().replace("kind: checklist", "kind: checkist"))
    _wait_for(lambda: 'unknown kind "checkist"' in log.read_text(), "the problem to be reported")
    assert "content/checklists/after-interview-review.yml:2:7" in log.read_text()
    _wait_for(lambda: "This preview is out of date: 1 problem in 1 file" in (_fetch(page) or ""),
              "the problem to be shown in the browser")
    shown = _fetch(page) or ""
    assert "I arrived ten minutes early." in shown, "the preview keeps the last good version"
    assert '<pre><code>content/checklists/after-interview-review.yml:2:7: kind: unknown kind "checkist"' in shown

    checklist.write_text(checklist.read_text().replace("kind: checkist", "kind: checklist")
                         .replace("ten minutes early", "on time, calm"))
    _wait_for(lambda: "I arrived on time, calm." in (_fetch(page) or ""), "recovery after fixing the file")
    assert "This preview is out of date" not in (_fetch(page) or "")
    # The handouts are rebuilt as well, in the background once the pages show: the changed checklist's PDF
    # soon says what the page says.
    def pdf_text() -> str:
        try:
            pdf = urllib.request.urlopen(f"{root}handouts/after-interview-review.pdf", timeout=5).read()
            return " ".join("".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())
        except Exception:  # not there yet, or being replaced
            return ""

    _wait_for(lambda: "I arrived on time, calm." in pdf_text(), "the changed checklist's PDF")
    # Each save rebuilt only what it changed (dirty builds), without MkDocs's warning that such builds may
    # get the navigation wrong: ours rebuild everything when the navigation changes.
    assert "A 'dirty' build is being performed" not in log.read_text()


def _after(log: Path, marker: str) -> str:
    text = log.read_text()
    return text[text.rindex(marker):] if marker in text else ""


def test_a_problem_while_previewing_is_not_buried_under_false_warnings(project: Path,
                                                                      server: tuple[str, Path]) -> None:
    """Issue 20: while the preview shows the last good version, it warns about nothing a good build would not
    (such as handout links), so the real problem stays in sight; and it recovers when the file is fixed."""
    base, log = server
    root = _served_at(log)
    page = f"{root}after-interview-review/"
    _wait_for(lambda: "I arrived on time." in (_fetch(page) or ""), "the first build")
    checklist = project / "content" / "checklists" / "after-interview-review.yml"
    good = checklist.read_text()
    checklist.write_text(good.replace("I arrived on time.", "I arrived early."))  # a good edit: handouts made anew
    _wait_for(lambda: "I arrived early." in (_fetch(page) or ""), "the rebuild after a good edit")
    _wait_for(lambda: "Handouts:" in _after(log, "I arrived early") or "Handouts:" in log.read_text(),
              "the handouts of the good edit")
    good_warnings = [line for line in log.read_text().splitlines() if line.startswith("WARNING")]
    assert not any("handouts/" in line for line in good_warnings), good_warnings

    checklist.write_text(good.replace("phase: after", "phase: afer"))
    _wait_for(lambda: "This preview is out of date" in (_fetch(page) or ""), "the problem in the browser")
    said = _after(log, "the preview shows the last good version")
    assert 'unknown phase "afer"' in said and 'did you mean "after"?' in said, said
    time.sleep(1.5)  # MkDocs prints its link warnings after the pages are built
    said = _after(log, "the preview shows the last good version")
    false = [line for line in said.splitlines() if line.startswith("WARNING") and "handouts/" in line]
    assert not false, "\n".join(false)
    assert [line for line in said.splitlines() if line.startswith("WARNING")] == [], said

    checklist.write_text(good.replace("I arrived on time.", "I arrived fixed."))
    _wait_for(lambda: "I arrived fixed." in (_fetch(page) or ""), "recovery after fixing the file")
    assert "This preview is out of date" not in (_fetch(page) or "")


@pytest.fixture
def bilingual(tmp_path: Path) -> Path:
    from .conftest import copy_handbook

    return copy_handbook(tmp_path / "bilingual", languages=True)


def test_serve_previews_every_language_and_rebuilds_each_on_an_edit(bilingual: Path, tmp_path: Path) -> None:
    """A translator previews their language at /fr/, and sees each save there, rebuild after rebuild (MkDocs
    keeps one plugin for the whole preview, which must come back whole from each language's build)."""
    port = _free_port()
    log = tmp_path / "serve-bilingual.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "-a", f"127.0.0.1:{port}"],
                                   cwd=bilingual, stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        try:
            root = _served_at(log)
            french = f"{root}fr/get-ready/"
            _wait_for(lambda: "Préparer votre entretien" in (_fetch(french) or ""), "the French pages")
            translation = bilingual / "content" / "i18n" / "fr" / "checklists" / "get-ready.yml"
            for n, title in enumerate(("Bien préparer votre entretien", "Préparer son entretien"), 1):
                text = translation.read_text(encoding="utf-8")
                translation.write_text(text.replace(text.split("\n")[2], f"title: {title}", 1), encoding="utf-8")
                _wait_for(lambda title=title: f">{title}<" in (_fetch(french) or ""), f"rebuild {n} of the French page")
            assert "Prepárese para su entrevista" in (_fetch(f"{root}es/get-ready/") or "")
            assert "Getting ready for your interview" in (_fetch(f"{root}get-ready/") or "")
        finally:
            process.terminate()
            process.wait(timeout=20)
