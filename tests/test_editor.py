"""The editor in the browser, short of the browser: the forms ``handbook cms`` makes from the models and the
content, the file format its saves use (run by Node.js, as the editor's page runs it), ``handbook edit``'s plain
refusals, and the editor published with the site only when the office asks. (The browser itself:
test_editor_browser.py.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cms import CHOICE_FIELDS, KINDS, editor_files
from generator.models import EMAIL_PATTERN, PAGE_KINDS

from .conftest import REPO, copy_handbook, edit, handbook

MODULES = REPO / "admin" / "node_modules"


def config_of(root: Path) -> dict[str, Any]:
    return yaml.safe_load(editor_files(root, root / "content")["config.yml"])


def collection(config: dict[str, Any], name: str) -> dict[str, Any]:
    return next(found for found in config["collections"] if found["name"] == name)


def form_field(fields: list[dict[str, Any]], *path: str) -> dict[str, Any]:
    """The widget at ``path`` (``groups``, ``items``, ``text``) in a form."""
    widget: dict[str, Any] = {"fields": fields}
    for name in path:
        widget = next(found for found in widget["fields"] if found["name"] == name)
    return widget


def _required(annotation: Any, field: Any) -> bool:
    return field.is_required() and type(None) not in typing.get_args(annotation)


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return config_of(REPO)


# --- the forms ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_of_page_has_a_form_with_every_field_of_its_model_in_order(config: dict[str, Any],
                                                                           kind: str) -> None:
    model = PAGE_KINDS[kind]
    form = collection(config, kind)
    assert form["folder"] == f"content/{KINDS[kind][0]}" and form["filter"] == {"field": "kind", "value": kind}
    assert [widget["name"] for widget in form["fields"]] == list(model.model_fields)
    for widget in form["fields"]:
        field = model.model_fields[widget["name"]]
        assert widget["required"] == _required(field.annotation, field), widget["name"]
        if field.description:  # the help under each field is the model's description, on one line
            assert widget["hint"] == " ".join(field.description.split()), widget["name"]
    assert form_field(form["fields"], "kind") == {"name": "kind", "label": "Kind", "required": True,
                                                   "widget": "hidden", "default": kind}


def test_forms_say_what_the_models_say_patterns_dates_numbers_and_lists(config: dict[str, Any]) -> None:
    office = collection(config, "office-northfield")["files"][0]["fields"]
    email = form_field(office, "contact", "email")
    assert email["widget"] == "string" and email["pattern"][0] == EMAIL_PATTERN and not email["required"]
    checklist = collection(config, "checklist")["fields"]
    reviewed = form_field(checklist, "reviewed")
    assert reviewed["widget"] == "datetime" and reviewed["format"] == "YYYY-MM-DD" and reviewed["time_format"] is False
    pages = form_field(checklist, "pages")
    assert (pages["widget"], pages["value_type"], pages["min"], pages["max"]) == ("number", "int", 1, 4)
    groups = form_field(checklist, "groups")
    assert groups["widget"] == "list" and groups["min"] == 1 and groups["label_singular"] == "group"
    assert form_field(checklist, "groups", "items", "text")["required"] is True
    answer = form_field(checklist, "groups", "write_in", "answer")
    assert answer["widget"] == "select" and "rating" in answer["options"]
    # Inside an optional worksheet, what a worksheet needs is said in its help, not enforced on every save.
    columns = form_field(checklist, "groups", "worksheet", "columns")
    assert columns["required"] is False and "min" not in columns and columns["max"] == 4
    assert columns["hint"].endswith("Required when you fill in “Worksheet”.")
    how_in_order = form_field(collection(config, "guide")["fields"], "sections", "how_in_order")
    assert how_in_order["widget"] == "boolean" and how_in_order["default"] is True


def test_ids_are_chosen_from_the_content_as_it_is(config: dict[str, Any]) -> None:
    settings = yaml.safe_load((REPO / "content" / "handbook.yml").read_text(encoding="utf-8"))
    sources = yaml.safe_load((REPO / "content" / "sources.yml").read_text(encoding="utf-8"))
    page_ids = sorted(path.stem for path in (REPO / "content").rglob("*.yml") if "i18n" not in path.parts
                      and yaml.safe_load(path.read_text(encoding="utf-8")).get("kind"))
    guide = collection(config, "guide")["fields"]
    values = {name: [option["value"] for option in form_field(guide, name)["options"]]
              for name in ("phase", "related", "sources", "audiences")}
    assert values["phase"] == [phase["id"] for phase in settings["phases"]]
    assert sorted(values["related"]) == page_ids
    assert sorted(values["sources"]) == sorted(sources)
    assert values["audiences"] == [audience["id"] for audience in settings["audiences"]]
    assert form_field(guide, "related")["multiple"] is True
    phase = form_field(guide, "phase")["options"][0]
    assert phase == {"label": f"{settings['phases'][0]['title']} ({settings['phases'][0]['id']})",
                     "value": settings["phases"][0]["id"]}
    # An office's forms offer its own pages too; the packet in handbook.yml offers every page.
    northfield = collection(config, "office-northfield-guide")["fields"]
    assert "mock-interviews" in [option["value"] for option in form_field(northfield, "related")["options"]]
    packet = form_field(collection(config, "settings")["files"][0]["fields"], "packet")
    assert sorted(option["value"] for option in packet["options"]) == page_ids
    assert set(CHOICE_FIELDS) >= {"phase", "related", "sources", "packet", "hide", "audiences"}


def test_every_office_and_translation_gets_its_forms_and_files_the_editor_cannot_hold_get_none(
        config: dict[str, Any]) -> None:
    names = {found["name"] for found in config["collections"]}
    for slug in ("northfield", "passerelle"):
        assert {f"office-{slug}", *(f"office-{slug}-{kind}" for kind in KINDS)} <= names
        assert collection(config, f"office-{slug}-checklist")["folder"] == f"offices/{slug}/content"
    for language in ("fr", "es"):
        assert {f"{language}-settings", *(f"{language}-{kind}" for kind in KINDS)} <= names
        translated = collection(config, f"{language}-guide")
        assert translated["folder"] == f"content/i18n/{language}/guides" and translated["create"] is False
        # A translation's form shows the words; what it takes from the original stays in the file, unseen.
        widgets = {name: form_field(translated["fields"], *name.split(".")).get("widget")
                   for name in ("title", "phase", "related", "reviewed", "sections.title", "sections.audiences")}
        assert widgets == {"title": "string", "phase": "hidden", "related": "hidden", "reviewed": "hidden",
                           "sections.title": "string", "sections.audiences": "hidden"}
        settings = collection(config, f"{language}-settings")["files"][0]["fields"]
        assert form_field(settings, "audiences", "title")["widget"] == "string"
        assert form_field(settings, "audiences", "id")["widget"] == "hidden"
    folders = [found.get("folder", "") for found in config["collections"]]
    files = [entry["file"] for found in config["collections"] for entry in found.get("files", [])]
    assert not [where for where in folders + files if "patches" in where or "stamps" in where]


def test_a_new_page_makes_the_committed_configuration_out_of_date_until_handbook_cms_runs(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook", offices=True, languages=True)
    shutil.copytree(REPO / "admin", root / "admin", ignore=shutil.ignore_patterns("node_modules"))
    assert handbook("cms", "--check", cwd=root).returncode == 0
    shutil.copy(root / "content" / "guides" / "two-outcomes.yml", root / "content" / "guides" / "new-page.yml")
    stale = handbook("cms", "--check", cwd=root)
    assert stale.returncode == 1 and "Out of date in admin/: config.yml. Run: handbook cms" in stale.stderr
    assert handbook("cms", cwd=root).returncode == 0
    assert handbook("cms", "--check", cwd=root).returncode == 0
    related = form_field(collection(config_of(root), "guide")["fields"], "related")
    assert "new-page" in [option["value"] for option in related["options"]]


def test_the_office_git_host_decides_the_backend(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    settings = root / "content" / "handbook.yml"
    plain = settings.read_text(encoding="utf-8")
    assert config_of(root)["backend"]["name"] == "proxy"  # no host: `handbook edit` on this computer
    hosts = {
        "host: gitlab\n  repo: careers/handbook\n  app_id: abc\n  review: true":
            {"name": "gitlab", "repo": "careers/handbook", "auth_type": "pkce", "app_id": "abc",
             "base_url": "https://gitlab.com", "api_root": "https://gitlab.com/api/v4"},
        "host: forgejo\n  repo: careers/handbook\n  address: https://codeberg.org/\n  app_id: xyz\n  review: true":
            {"name": "forgejo", "repo": "careers/handbook", "app_id": "xyz", "base_url": "https://codeberg.org",
             "api_root": "https://codeberg.org/api/v1"},
        "host: gitea\n  repo: careers/handbook\n  address: https://git.example.org\n  app_id: xyz":
            {"name": "gitea", "repo": "careers/handbook", "app_id": "xyz", "base_url": "https://git.example.org",
             "api_root": "https://git.example.org/api/v1"},
        "host: github\n  repo: careers/handbook\n  branch: live\n  auth_url: https://auth.example.org":
            {"name": "github", "repo": "careers/handbook", "branch": "live", "base_url": "https://auth.example.org"},
    }
    for written, expected in hosts.items():
        settings.write_text(plain + f"editor:\n  {written}\n", encoding="utf-8")
        config = config_of(root)
        assert expected.items() <= config["backend"].items(), config["backend"]
        assert ("publish_mode" in config) == ("review: true" in written)
        assert config.get("publish_mode", "editorial_workflow") == "editorial_workflow"


# --- handbook edit: plain refusals --------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def _repository(tmp_path: Path) -> Path:
    root = copy_handbook(tmp_path / "handbook")
    shutil.copytree(REPO / "admin", root / "admin", ignore=shutil.ignore_patterns("node_modules"))
    _git(root, "init", "-q", "-b", "main")
    _git(root, "-c", "user.name=T", "-c", "user.email=t@example.org", "add", "-A")
    _git(root, "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "-m", "The handbook")
    return root


def _edit(root: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", "edit", "--no-browser", "--no-preview", "-p", "0"],
                          cwd=root, capture_output=True, text=True, timeout=120, env=env)


def test_the_editor_will_not_start_outside_a_git_repository(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    result = _edit(root)
    assert result.returncode == 2
    assert "is not in a git repository" in result.stderr and "git init" in result.stderr


def test_the_editor_will_not_start_over_work_that_is_not_committed(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    edit(root / "content" / "checklists" / "get-ready.yml", "title: ", "title: My ")
    result = _edit(root)
    assert result.returncode == 2
    assert "content/checklists/get-ready.yml" in result.stderr and "git stash" in result.stderr


def test_without_nodejs_the_editor_says_what_to_install(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "git").symlink_to(shutil.which("git"))
    result = _edit(root, env={**os.environ, "PATH": str(tools)})
    assert result.returncode == 2
    assert "The editor needs Node.js, which is not installed on this computer." in result.stderr
    assert "https://nodejs.org/" in result.stderr and "sudo apt install nodejs npm" in result.stderr


# --- with Node.js and the editor's packages (the slow tier: CI installs them) ------------------------------------


def _node(script: str, text: str, format_name: str) -> str:
    """A file's text after a save in the editor: read with our format, written back (admin/handbook.js)."""
    runner = (
        "import YAML from 'yaml'; import { makeFormats } from './handbook.js'; import fs from 'node:fs';"
        "const spec = JSON.parse(fs.readFileSync('formats.json', 'utf8'));"
        "const format = makeFormats(YAML, spec)[process.argv[1]];"
        "const input = fs.readFileSync(0, 'utf8');"
        f"{script}")
    result = subprocess.run(["node", "--input-type=module", "-e", runner, format_name], cwd=REPO / "admin",
                            input=text, capture_output=True, text=True, check=True)
    return result.stdout


@pytest.mark.slow
def test_a_save_keeps_the_schema_line_the_models_order_and_long_lines_and_writes_nothing_empty() -> None:
    assert (MODULES / "yaml").is_dir(), "the editor's packages are not installed: cd admin && npm ci"
    long_line = "A sentence long enough to be folded at eighty columns by most YAML writers, " * 2
    written = f"""\
# yaml-language-server: $schema=../../schema/checklist.schema.json
# A comment that the editor cannot keep.
title: Before
kind: checklist
summary: "{long_line.strip()}"
phase: before
related: [get-ready]
sources: []
reviewed: 2026-11-23
when: >-
  Folded text
  on two lines.
intro: ""
groups:
  - title: One
    items:
      - {{text: "Tick me", reminder: false, note: ""}}
"""
    saved = _node("process.stdout.write(format.toFile(format.fromFile(input)));", written,
                  "handbook-checklist-2")
    assert saved == f"""\
# yaml-language-server: $schema=../../schema/checklist.schema.json
kind: checklist
title: Before
summary: {long_line.strip()}
phase: before
related:
  - get-ready
reviewed: 2026-11-23
when: Folded text on two lines.
groups:
  - title: One
    items:
      - text: Tick me
"""
    # Saved again, unchanged: the same bytes (the reason every file was normalised once).
    assert _node("process.stdout.write(format.toFile(format.fromFile(input)));", saved, "handbook-checklist-2") == saved
    # A form whose fields were cleared writes no empty values; multi-line text keeps its lines, unwrapped.
    cleared = _node("const data = format.fromFile(input); data.summary = ''; data.related = [];"
                    "data.when = 'First line  \\nsecond line, ' + 'long '.repeat(30) + '\\n\\n';"
                    "process.stdout.write(format.toFile(data));", saved, "handbook-checklist-2")
    assert "summary" not in cleared and "related" not in cleared
    assert "when: |\n  First line\n  second line, " + "long " * 29 + "long\n" in cleared


@pytest.mark.slow
def test_every_file_the_editor_can_save_is_already_written_its_way() -> None:
    result = handbook("cms", "--check", "--normalise", cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every file is written the editor's way" in result.stdout


@pytest.mark.slow
def test_the_editor_is_published_with_the_site_only_when_the_office_asks(tmp_path: Path) -> None:
    assert (MODULES / "decap-cms").is_dir(), "the editor's packages are not installed: cd admin && npm ci"
    root = copy_handbook(tmp_path / "handbook")
    shutil.copytree(REPO / "admin", root / "admin", ignore=shutil.ignore_patterns("node_modules"))
    assert handbook("build", "--no-pdf", cwd=root).returncode == 0
    assert not (root / "site" / "admin").exists()

    settings = root / "content" / "handbook.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "editor:\n  host: gitlab\n  repo: careers/handbook\n"
                        "  app_id: abc\n  publish: true\n", encoding="utf-8")
    missing = handbook("build", "--no-pdf", cwd=root)
    assert missing.returncode == 1
    assert "editor.publish: the editor cannot be published with the site: its packages are not installed" in \
        missing.stdout + missing.stderr
    assert "cd admin && npm ci" in missing.stdout + missing.stderr

    (root / "admin" / "node_modules").symlink_to(MODULES, target_is_directory=True)
    result = handbook("build", "--no-pdf", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    admin = root / "site" / "admin"
    assert {"index.html", "handbook.js", "config.yml", "formats.json"} <= {p.name for p in admin.iterdir()}
    assert (admin / "vendor" / "decap-cms" / "decap-cms.js").is_file()
    assert (admin / "vendor" / "yaml" / "index.js").is_file()
    config = yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))
    assert config["backend"]["name"] == "gitlab" and config["backend"]["repo"] == "careers/handbook"
    # The handbook's own pages carry none of the editor.
    for page in (root / "site").rglob("*.html"):
        if admin not in page.parents:
            text = page.read_text(encoding="utf-8")
            assert "decap" not in text.lower() and "admin/" not in text, page
