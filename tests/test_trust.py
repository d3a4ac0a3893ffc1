"""Trust: schemas that match the validator, builds that cannot interleave or lose the site, identical rebuilds."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from generator.models import PAGE_KINDS
from generator.schema import schema_texts

from .conftest import REPO, copy_handbook, handbook, kill_build_when, tree_digest


def test_committed_schemas_match_the_models() -> None:
    folder = REPO / "schema"
    committed = {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.json")}
    assert committed == schema_texts(), "schema/ is out of date: run `handbook schema` and commit the result"
    result = handbook("schema", "--check", cwd=REPO)
    assert result.returncode == 0 and "match the models" in result.stdout


def test_every_content_file_points_its_editor_at_its_schema() -> None:
    files = [*(p for p in (REPO / "content").rglob("*.yml") if p.name != "translation-stamps.yml"),
             *(REPO / "offices").glob("*/office.yml"),
             *(REPO / "offices").glob("*/content/*.yml")]
    assert len(files) > 20
    for file in files:
        first = file.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, f"{file} does not start with its schema line"
        schema = (file.parent / match.group(1)).resolve()
        assert schema.is_file(), f"{file}: {schema} does not exist"
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        expected = data["kind"] if "kind" in data else ("office" if file.name == "office.yml" else file.stem)
        assert schema.name == f"{expected}.schema.json", file


def test_a_page_schema_knows_its_fields() -> None:
    checklist = json.loads(schema_texts()["checklist.schema.json"])
    assert checklist["properties"]["kind"] == {"const": "checklist", "title": "Kind", "type": "string"}
    assert checklist["additionalProperties"] is False
    assert set(checklist["required"]) >= {"kind", "title", "summary", "phase", "reviewed", "when", "groups"}
    assert "description" in checklist["properties"]["when"]
    assert set(schema_texts()) == {f"{name}.schema.json" for name in [*PAGE_KINDS, "handbook", "sources", "office"]}


def test_rebuilds_on_another_day_are_identical(tmp_path: Path) -> None:
    """Nothing in the output depends on the day of the build: the sitemap's dates are the handbook's own
    (its newest review), unless SOURCE_DATE_EPOCH says otherwise."""
    root = copy_handbook(tmp_path / "handbook")
    for page in (root / "content").rglob("*.yml"):
        page.write_text(re.sub(r"\nreviewed: \d{4}-\d\d-\d\d\n", "\nreviewed: 2026-01-15\n", page.read_text()))
    assert handbook("build", cwd=root).returncode == 0
    first = tree_digest(root / "site")
    sitemap = (root / "site" / "sitemap.xml").read_text()
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)) == {"2026-01-15"}
    with gzip.open(root / "site" / "sitemap.xml.gz") as packed:
        assert packed.read().decode() == sitemap
    assert (root / "site" / "sitemap.xml.gz").read_bytes()[4:8] == (1768435200).to_bytes(4, "little"), \
        "the gzip header's time is the handbook's date"
    shutil.rmtree(root / ".cache")
    assert handbook("build", cwd=root).returncode == 0
    assert tree_digest(root / "site") == first
    # An explicit SOURCE_DATE_EPOCH wins (reproducible-builds.org).
    import os

    env = {**os.environ, "SOURCE_DATE_EPOCH": "1800000000"}
    subprocess.run([sys.executable, "-m", "generator", "build"], cwd=root, env=env, check=True, capture_output=True)
    assert "<lastmod>2027-01-15</lastmod>" in (root / "site" / "sitemap.xml").read_text()


def test_two_builds_at_once_cannot_interleave(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    first = subprocess.Popen([sys.executable, "-m", "generator", "build"], cwd=root,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = root / ".site.lock"
    deadline = time.monotonic() + 60
    while not (lock.is_file() and lock.read_text().startswith("process")) and time.monotonic() < deadline:
        time.sleep(0.01)
    second = handbook("build", cwd=root)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, out + err
    assert second.returncode == 1
    assert re.search(r"Error: another build is writing site/ right now \(process \d+\); wait for it to "
                     r"finish, then build again\.", second.stderr), second.stderr
    assert handbook("build", cwd=root).returncode == 0, "the lock is released when the first build ends"


def test_a_build_killed_while_making_handouts_leaves_the_site(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    assert handbook("build", "--no-pdf", cwd=root).returncode == 0
    before = tree_digest(root / "site")
    cache = root / ".cache" / "handbook" / "handouts"
    kill_build_when(root, lambda: bool(list(cache.glob("*.pdf"))))
    assert tree_digest(root / "site") == before
    result = handbook("build", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (root / "site" / "handouts" / "packet.pdf").is_file()
    assert not list(root.glob(".site-*")), "no staging folder is left behind"


@pytest.mark.parametrize("value", ["#ffffff\"><script>alert(1)</script>", "<script>alert('office')</script>"])
def test_an_office_name_never_becomes_html(tmp_path: Path, value: str) -> None:
    """Material prints site_name unescaped: an office's name is escaped before MkDocs sees it."""
    root = copy_handbook(tmp_path / "handbook", offices=True)
    office = root / "offices" / "northfield" / "office.yml"
    office.write_text(office.read_text().replace("name: Northfield University Career Centre",
                                                 f"name: {json.dumps(value)}"))
    assert handbook("build", "--office", "northfield", "--no-pdf", cwd=root).returncode == 0
    for page in (root / "site" / "northfield").rglob("*.html"):
        assert "<script>alert(" not in page.read_text(encoding="utf-8"), page
