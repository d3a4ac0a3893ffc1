"""When the machine fails rather than the content: one message in plain words, exit code 3, no traceback, the
last good site intact, and no staging folder or held lock left behind.

Each failure is made to happen for real where this machine allows it (as root: a small tmpfs that fills up or
is read-only, a folder the build may not write once its capabilities are dropped) and injected only where
nothing else will (a missing system library, a missing font).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import copy_handbook, handbook, run, tree_digest

pytestmark = pytest.mark.slow

ROOT = os.geteuid() == 0


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _can_mount(tmp_path: Path) -> bool:
    if not ROOT or shutil.which("mount") is None:
        return False
    probe = tmp_path / "probe"
    probe.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)], capture_output=True)
    if done.returncode == 0:
        subprocess.run(["umount", str(probe)], check=False)
    return done.returncode == 0


def _assert_clean_failure(result: subprocess.CompletedProcess[str], site: Path, before: dict[str, str],
                          *said: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 3, output
    assert "Traceback" not in output, output
    for words in said:
        assert words in output, output
    assert "what to do:" in output and "the last site built is still in place" in output, output
    assert tree_digest(site) == before, "the last good site was changed"
    assert not list(site.parent.glob(f".{site.name}-*")), "a staging folder was left behind"
    with (site.parent / f".{site.name}.lock").open("a") as lock:  # not held by anyone
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _with_site_dir(root: Path, site_dir: Path) -> None:
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_dir: site", f"site_dir: {site_dir}"))


@contextlib.contextmanager
def _site_on_small_disk(tmp_path: Path, size: str) -> Iterator[tuple[Path, Path, dict[str, str]]]:
    """A copy of the handbook whose site is built on a tmpfs of ``size``: (project, disk, the site's digest)."""
    if not _can_mount(tmp_path):
        pytest.fail("these tests run as root, where a tmpfs can be mounted (CI does)")
    root = copy_handbook(tmp_path / "handbook")
    with tmpfs(tmp_path / "disk", size) as disk:
        _with_site_dir(root, disk / "site")
        assert handbook("build", "--no-pdf", cwd=root).returncode == 0
        yield root, disk, tree_digest(disk / "site")


def test_a_full_disk_is_said_plainly_and_the_site_survives(tmp_path: Path) -> None:
    with _site_on_small_disk(tmp_path, "8m") as (root, disk, before):
        free = shutil.disk_usage(disk).free
        (disk / "filler").write_bytes(b"\0" * (free - 200_000))  # room for a few pages, not a site
        result = handbook("build", "--no-pdf", cwd=root)
        _assert_clean_failure(result, disk / "site", before, "the disk is full", "free some space")
        (disk / "filler").unlink()
        assert handbook("build", "--no-pdf", cwd=root).returncode == 0, "with room again, it builds"


def test_a_read_only_disk_is_said_plainly(tmp_path: Path) -> None:
    with _site_on_small_disk(tmp_path, "16m") as (root, disk, before):
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = handbook("build", "--no-pdf", cwd=root)
        subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
        _assert_clean_failure(result, disk / "site", before, "that disk is read-only")


def _as_ordinary_user(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the command as root without the power to ignore file permissions, as any other user runs it."""
    return run("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", sys.executable, "-m",
               "generator", *args, cwd=cwd)


def test_a_folder_that_may_not_be_written_is_said_plainly(tmp_path: Path) -> None:
    if not ROOT or shutil.which("setpriv") is None:
        pytest.fail("these tests run as root with setpriv (util-linux), as CI does")
    root = copy_handbook(tmp_path / "handbook")
    output_dir = tmp_path / "published"
    output_dir.mkdir()
    _with_site_dir(root, output_dir / "site")
    assert handbook("build", "--no-pdf", cwd=root).returncode == 0
    before = tree_digest(output_dir / "site")
    output_dir.chmod(0o555)
    try:
        result = _as_ordinary_user("build", "--no-pdf", cwd=root)
    finally:
        output_dir.chmod(0o755)
    output = result.stdout + result.stderr
    assert result.returncode == 3, output
    assert "permission denied: could not use" in output and "published" in output, output
    assert "Traceback" not in output
    assert tree_digest(output_dir / "site") == before
    assert not list(output_dir.glob(".site-*"))


def test_an_unwritable_cache_is_said_plainly_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    if not ROOT or shutil.which("setpriv") is None:
        pytest.fail("these tests run as root with setpriv (util-linux), as CI does")
    root = copy_handbook(tmp_path / "handbook")
    (root / ".cache").mkdir()
    (root / ".cache").chmod(0o555)
    try:
        result = _as_ordinary_user("build", cwd=root)
        debugged = _as_ordinary_user("--debug", "build", cwd=root)
    finally:
        (root / ".cache").chmod(0o755)
    output = result.stdout + result.stderr
    assert result.returncode == 3, output
    assert "permission denied: could not use .cache/handbook" in output, output
    assert "The cache can be deleted safely" in output and "Traceback" not in output, output
    assert not (root / "site").exists()
    assert debugged.returncode == 1 and "Traceback (most recent call last)" in debugged.stderr, debugged.stderr
    assert "PermissionError" in debugged.stderr


def test_a_damaged_cached_handout_is_made_again(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    assert handbook("build", cwd=root).returncode == 0
    good = (root / "site" / "handouts" / "get-ready.pdf").read_bytes()
    for cached in (root / ".cache" / "handbook" / "handouts").glob("*.pdf"):
        cached.write_bytes(cached.read_bytes()[:1000])  # cut short, as by a full disk
    result = handbook("build", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "site" / "handouts" / "get-ready.pdf").read_bytes() == good


def test_missing_pango_names_the_package_to_install(tmp_path: Path) -> None:
    """Injected: the machine has Pango, so a stand-in WeasyPrint fails to load it as the real one would."""
    root = copy_handbook(tmp_path / "handbook")
    fake = tmp_path / "no-pango" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        "raise OSError(\"cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file: "
        "No such file or directory.  Additionally, ctypes.util.find_library() did not manage to locate a library "
        "called 'libpango-1.0-0'\")\n")
    env = {**os.environ, "PYTHONPATH": str(fake.parent), "NO_COLOR": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--jobs", "1"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 3, output
    assert "the PDF handouts need the Pango library" in output, output
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in output and "--no-pdf" in output, output
    assert "Traceback" not in output and not (root / "site").exists()
    no_pdf = subprocess.run([sys.executable, "-m", "generator", "build", "--no-pdf"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert no_pdf.returncode == 0, "without handouts, the site builds with no Pango"


def test_a_missing_font_is_said_plainly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Injected: the fonts ship inside the package, so the press is pointed at a folder without them."""
    from click.testing import CliRunner

    from generator import handouts
    from generator.cli import main

    root = copy_handbook(tmp_path / "handbook")
    empty = tmp_path / "fonts"
    empty.mkdir()
    monkeypatch.setattr(handouts, "FONTS_DIR", empty)
    monkeypatch.chdir(root)
    monkeypatch.delenv("HANDBOOK_DEBUG", raising=False)
    result = CliRunner().invoke(main, ["build", "--jobs", "1"])
    assert result.exit_code == 3, result.output
    assert "a font the PDF handouts need is missing" in result.output
    assert "pip install --force-reinstall" in result.output and "Traceback" not in result.output
