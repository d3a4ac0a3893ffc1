"""Building a network of offices: on several machines, `handbook build --all --shard K/N` builds a stable share of
the offices, and `handbook assemble` puts the shares together into the same site, byte for byte, as one
unsharded `handbook build --all`; in one process, each build still gets its own theme's files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.pipeline import shard

from .conftest import copy_handbook, handbook, tree_digest

SLUGS = ["avon-jobs", "birch-careers", "cedar-works", "northfield", "passerelle"]


def test_the_shares_are_stable_balanced_and_cover_every_office_once() -> None:
    shares = [shard(list(reversed(SLUGS)), number, 3) for number in (1, 2, 3)]
    assert shares == [["avon-jobs", "northfield"], ["birch-careers", "passerelle"], ["cedar-works"]]
    assert sorted(slug for share in shares for slug in share) == SLUGS
    assert shard(SLUGS, 1, 1) == SLUGS
    assert shard(SLUGS[:1], 2, 2) == []


@pytest.mark.slow
def test_assembled_shares_are_the_unsharded_site_byte_for_byte(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook", offices=True)
    for slug in SLUGS:
        if not (root / "offices" / slug).is_dir():
            assert handbook("new-office", slug, cwd=root).returncode == 0
    whole = handbook("build", "--all", "--no-pdf", cwd=root)
    assert whole.returncode == 0, whole.stdout + whole.stderr
    unsharded = tree_digest(root / "site")
    assert {path.split("/")[0] for path in unsharded} == {*SLUGS, "index.html"}

    shutil.rmtree(root / "site")
    shares = []
    for number in (1, 2, 3):
        result = handbook("build", "--all", "--no-pdf", "--shard", f"{number}/3", cwd=root)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"Share {number} of 3: " in result.stderr
        assert not (root / "site" / "index.html").exists()  # the assembly writes the index of every office
        shares.append((root / "site").rename(tmp_path / f"share-{number}"))
    assert sorted(path.name for path in shares[0].iterdir()) == ["avon-jobs", "northfield"]

    result = handbook("assemble", *shares, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Assembled 5 of 5 offices from 3 shares" in result.stdout
    assert tree_digest(root / "site") == unsharded


def test_assembling_refuses_what_is_not_a_share_and_a_share_given_twice(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook", offices=True)
    share = tmp_path / "share-1"
    (share / "northfield").mkdir(parents=True)
    (share / "northfield" / "index.html").write_text("<p>Northfield</p>", encoding="utf-8")
    twice = handbook("assemble", share, share, cwd=root)
    assert twice.returncode == 2 and "northfield was built by two shards" in twice.stderr
    (share / "photos").mkdir()
    stranger = handbook("assemble", share, cwd=root)
    assert stranger.returncode == 2 and "is not an office's site: offices/ has no photos/" in stranger.stderr
    assert not (root / "site").exists()  # nothing written
    shutil.rmtree(share / "photos")
    partial = handbook("assemble", share, cwd=root)
    assert partial.returncode == 1 and "Not built by any share: passerelle." in partial.stdout
    assert "Passerelle" in (root / "site" / "index.html").read_text(encoding="utf-8")


def test_a_share_is_given_as_k_of_n_with_all(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook", offices=True)
    for wrong in ("0/3", "4/3", "two", "1/0"):
        result = handbook("build", "--all", "--shard", wrong, cwd=root)
        assert result.returncode == 2 and "expected K/N, the share K of N" in result.stderr, wrong
    alone = handbook("build", "--shard", "1/2", cwd=root)
    assert alone.returncode == 2 and "give it with --all" in alone.stderr


@pytest.mark.slow
def test_builds_in_one_process_list_each_theme_s_own_files(tmp_path: Path) -> None:
    """The theme's files are listed once per process (a third of a small office's build): a second project
    whose theme has an override folder still gets that folder's files."""
    from generator.pipeline import build_office

    plain = copy_handbook(tmp_path / "plain", offices=True)
    themed = copy_handbook(tmp_path / "themed", offices=True)
    overrides = themed / "overrides" / "assets"
    overrides.mkdir(parents=True)
    (overrides / "extra.css").write_text("p { margin: 0 }\n", encoding="utf-8")
    config = themed / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\ntheme:\n  name: material\n" in text
    config.write_text(text.replace("\ntheme:\n  name: material\n", "\ntheme:\n  name: material\n"
                                   "  custom_dir: overrides\n", 1), encoding="utf-8")
    for root in (plain, themed, plain):
        result = build_office(root / "mkdocs.yml", "northfield", root / "site" / "northfield", handouts=False)
        assert result.ok, result.details
    assert (themed / "site" / "northfield" / "assets" / "extra.css").is_file()
    assert not (plain / "site" / "northfield" / "assets" / "extra.css").exists()
