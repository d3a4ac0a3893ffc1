"""Guarded writing: a folder is replaced whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.write import recover, staged, write_files


def _fill(folder: Path, text: str) -> None:
    write_files(folder, {"index.html": text, "a/b.html": text}, {})


def test_staged_replaces_the_target_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "site"
    with staged(target) as staging:
        _fill(staging, "one")
    assert (target / "a" / "b.html").read_text() == "one"
    with pytest.raises(RuntimeError), staged(target) as staging:
        _fill(staging, "two")
        raise RuntimeError("the build failed half-way")
    assert (target / "a" / "b.html").read_text() == "one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"], "no staging folder left behind"


def test_recover_restores_a_previous_site_left_by_a_killed_swap(tmp_path: Path) -> None:
    target = tmp_path / "site"
    dead = tmp_path / ".site-previous-999999999"  # no such process
    dead.mkdir()
    (dead / "index.html").write_text("old")
    stale = tmp_path / ".site-staging-999999998"
    stale.mkdir()
    recover(target)
    assert (target / "index.html").read_text() == "old"
    assert not stale.exists()


def test_recover_leaves_a_live_build_alone(tmp_path: Path) -> None:
    target = tmp_path / "site"
    target.mkdir()
    live = tmp_path / f".site-staging-{os.getppid()}"
    live.mkdir()
    recover(target)
    assert live.exists()


def test_write_files_refuses_to_leave_the_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="refusing to write outside"):
        write_files(tmp_path / "out", {"../escape.md": "x"}, {})
    assert not (tmp_path / "escape.md").exists()


def test_write_files_uses_lf_and_utf8(tmp_path: Path) -> None:
    write_files(tmp_path, {"x.md": "é\nline\n"}, {})
    assert (tmp_path / "x.md").read_bytes() == "é\nline\n".encode()
