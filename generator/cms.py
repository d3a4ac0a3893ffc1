"""The editor in the browser: Decap CMS's configuration, made from the same models as the JSON Schemas.

``handbook cms`` writes two files into ``admin/``, beside the editor's page (``admin/index.html``):

- ``config.yml``: Decap CMS's configuration. One form per kind of file, where every field has its label, its help
  (the field's description in the models), whether it is required, its pattern, and choices taken from the
  content as it is (phases, pages, sources, audiences). One collection per kind of page, for the base handbook,
  each office and each translation.
- ``formats.json``: what our own file format (``admin/handbook.js``) needs to write a file the way the handbook
  writes it: the schema line on top, keys in the models' order, long text never re-wrapped, no empty values
  for cleared fields. The same code normalises every file once (``handbook cms --normalise``), so that a save
  in the editor changes only what was edited.

What no form can hold is left out, on purpose: an office's patches (``offices/<slug>/patches/``) name the base
page's groups by their titles and add to lists with ``items+``, keys a form cannot offer; stamp files are written
by the generator. Both stay files to edit as text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from babel import Locale, UnknownLocaleError
from pydantic import BaseModel

from .load import load_file
from .models import ID_PATTERN, LANGUAGE_PATTERN, URL_PATTERN, HandbookSettings
from .offices import OFFICE_FILE, office_slugs
from .problems import ContentError, Problem
from .schema import MODELS, SCHEMA_DIR, modeline
from .translations import I18N_DIR, KEPT_FROM_PAGE, KEPT_FROM_SETTINGS, NOT_WORDS

EDITOR_DIR = "admin"
CONFIG_FILE = "config.yml"
FORMATS_FILE = "formats.json"
LOCAL_PROXY = "http://127.0.0.1:8081/api/v1"

KINDS: dict[str, tuple[str, str, str]] = {
    # kind: (folder under content/, label, singular label)
    "guide": ("guides", "Guides", "Guide"),
    "checklist": ("checklists", "Checklists", "Checklist"),
    "recovery": ("recovery", "Recovery pages", "Recovery page"),
    "script": ("scripts", "Message scripts", "Message script"),
    "page": ("pages", "Plain pages", "Plain page"),
}

PATTERN_HELP = {
    ID_PATTERN: "Use lowercase letters, digits and hyphens, such as after-the-interview.",
    LANGUAGE_PATTERN: "A language code, such as fr, es or pt-BR.",
    URL_PATTERN: "A web address that starts with https:// or http://, with no spaces.",
}
CHOICE_FIELDS = {"phase": "phases", "related": "pages", "packet": "pages", "hide": "pages", "sources": "sources",
                 "source": "sources", "audiences": "audiences"}
"""Fields whose values are ids of things in the content: the form offers them as choices."""

VENDOR = {
    # address under admin/vendor/ → folder in admin/node_modules/, and the files of it the editor's page loads
    "decap-cms": ("decap-cms/dist", re.compile(r"^(?:\d+\.)?decap-cms\.js$")),
    "yaml": ("yaml/browser", re.compile(r"^(?:index|dist/.+)\.js$")),
}
PAGE_FILES = ("index.html", "handbook.js")
"""The editor's own page and code in ``admin/``, beside the two files ``handbook cms`` writes."""

HEADER = ("# Written by `handbook cms` from the models (generator/models.py) and the content: do not edit by hand.\n"
          "# Run `handbook cms` again after adding pages, sources, phases or audiences.\n")


@dataclass
class Choices:
    """The ids a form offers, each with the label the editor sees."""

    phases: list[tuple[str, str]] = field(default_factory=list)
    pages: list[tuple[str, str]] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)
    audiences: list[tuple[str, str]] = field(default_factory=list)

    made: dict[str, list[dict[str, str]]] = field(default_factory=dict, compare=False, repr=False)

    def options(self, what: str) -> list[dict[str, str]]:
        """``what``'s choices for a select widget (the same list each time: the configuration writes it once)."""
        if what not in self.made:
            self.made[what] = [{"label": label, "value": value} for value, label in getattr(self, what)]
        return self.made[what]

    def plus_pages(self, pages: list[tuple[str, str]]) -> Choices:
        merged = dict(self.pages)
        merged.update(pages)
        return Choices(self.phases, sorted(merged.items()), self.sources, self.audiences)


def _read(path: Path) -> Any:
    """A file's data, or None when it cannot be read (the form then offers fewer choices; `check` says why)."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None


def _pages(folder: Path, skip: str | None = None) -> list[tuple[str, str]]:
    """Every page under ``folder`` (but not under a folder named ``skip``): its id, and its title and id."""
    pages = []
    for path in sorted(folder.rglob("*.yml")):
        if skip and skip in path.relative_to(folder).parts:
            continue
        data = _read(path)
        if isinstance(data, dict) and "kind" in data:
            pages.append((path.stem, f"{data.get('title') or path.stem} ({path.stem})"))
    return sorted(pages)


def content_choices(content_dir: Path) -> Choices:
    """The phases, pages, sources and audiences of the base handbook, as they are now."""
    settings = _read(content_dir / "handbook.yml")
    settings = settings if isinstance(settings, dict) else {}
    sources = _read(content_dir / "sources.yml")
    sources = sources if isinstance(sources, dict) else {}

    def listed(entries: Any) -> list[tuple[str, str]]:
        return [(str(e["id"]), f"{e.get('title') or e['id']} ({e['id']})") for e in entries or []
                if isinstance(e, dict) and "id" in e]

    return Choices(
        phases=listed(settings.get("phases")),
        pages=_pages(content_dir, skip=I18N_DIR),
        sources=[(str(key), f"{value.get('title') or key} ({key})" if isinstance(value, dict) else str(key))
                 for key, value in sources.items()],
        audiences=listed(settings.get("audiences")),
    )


# --- forms from the models ----------------------------------------------------------------------------------


def _label(name: str) -> str:
    """``how_in_order`` → ``How in order``."""
    return name.replace("_", " ").capitalize()


def _singular(name: str) -> str:
    """``key_points`` → ``key point``: what the list's "Add …" button adds."""
    words = {"how": "step", "write_in": "question"}.get(name) or _label(name).lower()
    return words[:-1] if words.endswith("s") and not words.endswith("ss") else words


def _help(schema: dict[str, Any]) -> str:
    return " ".join((schema.get("description") or "").split())


def _words_only(fields: list[dict[str, Any]], kept: tuple[str, ...]) -> list[dict[str, Any]]:
    """A translation's form: the fields that hold no words (ids, choices, numbers, dates, switches), which a
    translation takes from its original, become hidden fields, so a save writes them back as they were."""
    shown = []
    for widget in fields:
        no_words = widget["name"] in NOT_WORDS and "fields" not in widget  # not the handbook's audiences' titles
        if widget["widget"] != "hidden" and (widget["name"] in kept or no_words):
            widget = {"name": widget["name"], "label": widget["label"], "widget": "hidden", "required": False}
        elif "fields" in widget:
            widget = {**widget, "fields": _words_only(widget["fields"], ())}
        shown.append(widget)
    return shown


def _required_only_when_filled(fields: list[dict[str, Any]], owner: str) -> None:
    """Inside an optional group of fields (a checklist group's worksheet), what the group requires is optional in
    the form: Decap checks a group's required fields even when the group is left empty, and would refuse to save
    every page without one. The help says it; ``handbook check`` and the preview hold the group to it."""
    for widget in fields:
        if widget.get("required", True) and widget["widget"] != "hidden":
            widget["required"] = False
            widget["hint"] = f"{widget.get('hint', '')} Required when you fill in “{owner}”.".strip()
        if widget["widget"] == "list":
            widget.pop("min", None)
        if widget["widget"] == "object":
            _required_only_when_filled(widget["fields"], owner)


class _Forms:
    """Decap fields and our format's shapes for one model, from its JSON Schema."""

    def __init__(self, model: type[BaseModel], choices: Choices):
        self.schema = model.model_json_schema()
        self.defs = self.schema.get("$defs", {})
        self.choices = choices

    def resolve(self, schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """The schema with references followed, and whether it may be null (an optional field)."""
        optional = False
        if "anyOf" in schema:
            kinds = [s for s in schema["anyOf"] if s.get("type") != "null"]
            optional = len(kinds) < len(schema["anyOf"])
            schema = {**kinds[0], **{k: v for k, v in schema.items() if k not in ("anyOf", "default")}}
        if "$ref" in schema:
            target = self.defs[schema["$ref"].rsplit("/", 1)[1]]
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"},
                      "description": schema.get("description") or target.get("description", "")}
        return schema, optional

    def top(self) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The fields of the model's form, and the shape of its files."""
        schema, _ = self.resolve(self.schema)
        if schema.get("type") == "object" and "properties" not in schema:  # a map of ids (sources.yml)
            entry, shape = self.map_entry("id", schema)
            return [{"name": "entries", "label": "Entries", "widget": "list", "label_singular": "entry",
                     "summary": "{{fields.title}} ({{fields.id}})", "collapsed": True, "fields": entry,
                     "hint": _help(self.schema)}], {"map": "id", "root": True, **shape}
        return self.fields(schema)

    def fields(self, schema: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        required = set(schema.get("required", []))
        fields, shape = [], {"keys": list(schema["properties"]), "fields": {}, "defaults": {}}
        for name, sub in schema["properties"].items():
            widget, sub_shape = self.field(name, sub, name in required)
            fields.append(widget)
            if sub_shape:
                shape["fields"][name] = sub_shape
            if sub.get("type") == "boolean" and isinstance(sub.get("default"), bool):
                shape["defaults"][name] = sub["default"]  # a switch left as it is by default is not written
        return fields, shape

    def map_entry(self, key: str, schema: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """A map of ids as a list of entries, each with its id as a field (no widget edits a map's keys)."""
        keys, _ = self.resolve(schema.get("propertyNames", {}) or next(
            ({"pattern": p, "type": "string"} for p in schema.get("patternProperties", {})), {"type": "string"}))
        values = schema.get("additionalProperties") or next(iter(schema.get("patternProperties", {}).values()))
        values, _ = self.resolve(values)
        key_field = self.scalar(key, {"type": "string", "pattern": keys.get("pattern", ID_PATTERN)}, True)
        key_field["label"] = "Id" if key == "id" else _label(key)
        if "properties" in values:
            value_fields, value_shape = self.fields(values)
            return [key_field, *value_fields], {"value": None, "of": value_shape}
        value_field, _ = self.field("value", values, True)
        return [key_field, value_field], {"value": "value", "of": {}}

    def field(self, name: str, schema: dict[str, Any], required: bool) -> tuple[dict[str, Any], dict[str, Any]]:
        description = _help(schema)
        schema, optional = self.resolve(schema)
        description = description or _help(schema)
        base = {"name": name, "label": _label(name), "required": required and not optional}
        if description:
            base["hint"] = description
        kind = schema.get("type")
        if "const" in schema:
            return {**base, "widget": "hidden", "default": schema["const"]}, {}
        if kind == "array":
            items, _ = self.resolve(schema["items"])
            if name in CHOICE_FIELDS and items.get("type") == "string" and self.options(name):
                widget = {**base, "widget": "select", "multiple": True, "options": self.options(name)}
                return widget | self.bounds(schema, "min", "max"), {}
            if items.get("type") == "object" and "properties" in items:
                sub_fields, sub_shape = self.fields(items)
                widget = {**base, "widget": "list", "label_singular": _singular(name),
                          "collapsed": True, "fields": sub_fields}
                first = next((f["name"] for f in sub_fields if f["widget"] in ("string", "text")), None)
                if first:
                    widget["summary"] = f"{{{{fields.{first}}}}}"
                return widget | self.bounds(schema, "min", "max"), {"list": sub_shape}
            item_field, _ = self.field("item", items, True)
            item_field.pop("hint", None)
            widget = {**base, "widget": "list", "label_singular": _singular(name), "field": {**item_field,
                                                                                        "label": _label(name)}}
            return widget | self.bounds(schema, "min", "max"), {}
        if kind == "object" and "properties" in schema:
            sub_fields, sub_shape = self.fields(schema)
            if not base["required"]:
                _required_only_when_filled(sub_fields, base["label"])
            return {**base, "widget": "object", "collapsed": not base["required"], "fields": sub_fields}, sub_shape
        if kind == "object":  # a map of ids, such as reading ease per language
            key = "language" if LANGUAGE_PATTERN in schema.get("patternProperties", {}) or \
                schema.get("propertyNames", {}).get("pattern") == LANGUAGE_PATTERN else "id"
            entry, shape = self.map_entry(key, schema)
            return {**base, "widget": "list", "collapsed": False, "fields": entry,
                    "summary": f"{{{{fields.{key}}}}}: {{{{fields.value}}}}"}, {"map": key, **shape}
        return self.scalar(name, schema, base["required"], base), {}

    def scalar(self, name: str, schema: dict[str, Any], required: bool,
               base: dict[str, Any] | None = None) -> dict[str, Any]:
        base = base or {"name": name, "label": _label(name), "required": required}
        kind = schema.get("type")
        if name in CHOICE_FIELDS and kind == "string" and self.options(name):
            return {**base, "widget": "select", "options": self.options(name)}
        if "enum" in schema:
            return {**base, "widget": "select", "options": list(schema["enum"])}
        if kind == "boolean":
            widget = {**base, "widget": "boolean"}
            if schema.get("default") is True:
                widget["default"] = True
            return widget
        if kind in ("integer", "number"):
            widget = {**base, "widget": "number", "value_type": "int" if kind == "integer" else "float"}
            return widget | self.bounds(schema, "minimum", "maximum", ("min", "max"))
        if schema.get("format") == "date":
            return {**base, "widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD",
                    "time_format": False, "picker_utc": True}
        widget = {**base, "widget": "text" if schema.get("contentMediaType") == "text/markdown" else "string"}
        if "pattern" in schema:
            widget["pattern"] = [schema["pattern"], PATTERN_HELP.get(schema["pattern"], "This is not written the "
                                                                     "way this field expects: see its help.")]
        return widget

    @staticmethod
    def bounds(schema: dict[str, Any], low: str, high: str, names: tuple[str, str] = ("min", "max"),
               ) -> dict[str, Any]:
        keys = {"min": "minItems", "max": "maxItems"} if low == "min" else {"min": low, "max": high}
        return {name: schema[keys[name]] for name in names if keys[name] in schema}

    def options(self, name: str) -> list[dict[str, str]]:
        return self.choices.options(CHOICE_FIELDS[name])


# --- collections ----------------------------------------------------------------------------------------------


@dataclass
class Editor:
    """The whole configuration being made: collections, and the formats they use."""

    root: Path
    content_dir: Path
    formats: dict[str, dict[str, Any]] = field(default_factory=dict)
    shapes: dict[str, dict[str, Any]] = field(default_factory=dict)
    previews: dict[str, str] = field(default_factory=dict)
    made: dict[tuple[str, int], tuple[Choices, list[dict[str, Any]]]] = field(default_factory=dict)

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def format_for(self, schema_name: str, example: Path) -> str:
        """The name of our format for files of ``schema_name`` at ``example``'s depth (the schema line's path)."""
        line = modeline(self.root / example, self.root / SCHEMA_DIR, schema_name)
        depth = line.count("../")
        name = f"handbook-{schema_name}-{depth}"
        self.formats[name] = {"shape": schema_name, "modeline": line}
        return name

    def shape(self, schema_name: str, choices: Choices, *, translation: bool = False) -> list[dict[str, Any]]:
        """The form's fields (the same list each time, so the configuration writes it once and refers to it).
        A ``translation``'s form shows only the words: the rest it takes from the original stays in the file,
        out of the translator's way."""
        key = (schema_name, id(choices))
        if key not in self.made:
            fields, self.shapes[schema_name] = _Forms(MODELS[schema_name][0], choices).top()
            self.made[key] = (choices, fields)  # keeps ``choices`` alive, so its id stays its own
        if not translation:
            return self.made[key][1]
        words = (schema_name, id(choices), "words")
        if words not in self.made:
            kept = KEPT_FROM_SETTINGS if schema_name == "handbook" else KEPT_FROM_PAGE
            self.made[words] = (choices, _words_only(self.made[key][1], kept))
        return self.made[words][1]

    def page_collection(self, name: str, label: str, folder: Path, kind: str, choices: Choices, *,
                        create: bool, preview: str, singular: str = "", translation: bool = False,
                        ) -> dict[str, Any]:
        collection = {
            "name": name, "label": label, "label_singular": singular or KINDS[kind][2],
            "folder": self.relative(folder), "extension": "yml",
            "format": self.format_for(kind, folder / "page.yml"),
            "create": create, "delete": False, "slug": "{{slug}}", "identifier_field": "title",
            "summary": "{{title}} ({{filename}})", "sortable_fields": ["title", "phase", "reviewed"],
            "fields": self.shape(kind, choices, translation=translation),
            "description": f"{label}: one file each in {self.relative(folder)}/, named by the page's id.",
        }
        collection["filter"] = {"field": "kind", "value": kind}  # a file of another kind gets its own form
        self.previews[name] = preview
        return collection

    def file_entry(self, name: str, label: str, path: Path, schema_name: str, choices: Choices,
                   preview: str, *, translation: bool = False) -> dict[str, Any]:
        self.previews[name] = preview
        return {"name": name, "label": label, "file": self.relative(path),
                "format": self.format_for(schema_name, path),
                "fields": self.shape(schema_name, choices, translation=translation)}


def _language_name(code: str) -> str:
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_")) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def _settings(content_dir: Path) -> HandbookSettings | None:
    try:
        return HandbookSettings.model_validate(_read(content_dir / "handbook.yml"))
    except ValueError:
        return None


def backend(settings: HandbookSettings | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Decap's backend, and top-level settings that go with it, for the office's git host (or this computer)."""
    editor = settings.editor if settings else None
    if editor is None:
        return {"name": "proxy", "proxy_url": LOCAL_PROXY, "branch": "main"}, {}
    address = editor.address_or_default
    if editor.host == "gitlab":
        chosen = {"name": "gitlab", "repo": editor.repo, "branch": editor.branch, "auth_type": "pkce",
                  "app_id": editor.app_id, "base_url": address, "api_root": f"{address}/api/v4",
                  "auth_endpoint": "oauth/authorize"}
    elif editor.host in ("forgejo", "gitea"):
        chosen = {"name": editor.host, "repo": editor.repo, "branch": editor.branch, "app_id": editor.app_id,
                  "base_url": address, "api_root": f"{address}/api/v1"}
    else:
        chosen = {"name": "github", "repo": editor.repo, "branch": editor.branch, "base_url": editor.auth_url}
    return chosen, ({"publish_mode": "editorial_workflow"} if editor.review else {})


def editor_files(root: Path, content_dir: Path) -> dict[str, str]:
    """File name under ``admin/`` → its text: Decap's configuration and our format's shapes."""
    editor = Editor(root, content_dir)
    choices = content_choices(content_dir)
    settings = _settings(content_dir)
    main = settings.language if settings else "en"
    collections: list[dict[str, Any]] = []
    for kind, (folder, label, _) in KINDS.items():
        collections.append(editor.page_collection(kind, label, content_dir / folder, kind, choices,
                                                  create=True, preview="{slug}/"))
    collections.append({"name": "settings", "label": "Handbook settings", "delete": False, "files": [
        editor.file_entry("handbook", "Handbook settings (handbook.yml)", content_dir / "handbook.yml",
                          "handbook", choices, ""),
        editor.file_entry("sources", "Sources (sources.yml)", content_dir / "sources.yml", "sources", choices,
                          ""),
        editor.file_entry("home", "Home page (index.yml)", content_dir / "index.yml", "page", choices, ""),
    ]})
    offices_dir = root / "offices"
    for slug in office_slugs(offices_dir):
        office_dir = offices_dir / slug
        office_choices = choices.plus_pages(_pages(office_dir / "content"))
        office = _read(office_dir / OFFICE_FILE)
        name = office.get("name", slug) if isinstance(office, dict) else slug
        collections.append({"name": f"office-{slug}", "label": f"{name}: settings", "delete": False, "files": [
            editor.file_entry(f"office-{slug}-settings", f"{name} (offices/{slug}/{OFFICE_FILE})",
                              office_dir / OFFICE_FILE, "office", office_choices, f"office:{slug}:"),
        ]})
        for kind, (_, label, singular) in KINDS.items():
            collections.append(editor.page_collection(
                f"office-{slug}-{kind}", f"{name}: {label.lower()}", office_dir / "content", kind, office_choices,
                create=True, preview=f"office:{slug}:{{slug}}/", singular=singular))
    i18n = content_dir / I18N_DIR
    for language_dir in sorted(path for path in i18n.glob("*") if path.is_dir()) if i18n.is_dir() else []:
        language = language_dir.name
        if language == main:
            continue
        words = _language_name(language)
        collections.append({"name": f"{language}-settings", "label": f"{words}: settings", "delete": False,
                            "files": [
            editor.file_entry(f"{language}-handbook", f"{words}: handbook settings", language_dir / "handbook.yml",
                              "handbook", choices, f"{language}/", translation=True),
            editor.file_entry(f"{language}-home", f"{words}: home page", language_dir / "index.yml", "page",
                              choices, f"{language}/", translation=True),
        ]})
        for kind, (folder, label, singular) in KINDS.items():
            collections.append(editor.page_collection(
                f"{language}-{kind}", f"{words}: {label.lower()}", language_dir / folder, kind, choices,
                create=False, preview=f"{language}/{{slug}}/", singular=singular, translation=True))
    chosen_backend, extra = backend(settings)
    config = {
        "backend": {**chosen_backend, "commit_messages": {
            "create": "Add the {{collection}} “{{slug}}” (in the browser)",
            "update": "Edit the {{collection}} “{{slug}}” (in the browser)",
            "delete": "Remove the {{collection}} “{{slug}}” (in the browser)",
            "uploadMedia": "Add the picture “{{path}}” (in the browser)",
            "deleteMedia": "Remove the picture “{{path}}” (in the browser)",
        }},
        **extra,
        "locale": "en",
        "media_folder": f"{content_dir.relative_to(root).as_posix()}/assets",
        "public_folder": "assets",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "editor": {"preview": True},
        "collections": collections,
    }
    formats = {"formats": editor.formats, "shapes": editor.shapes, "previews": editor.previews}
    return {
        CONFIG_FILE: HEADER + yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=120),
        FORMATS_FILE: json.dumps(formats, indent=1, ensure_ascii=False, sort_keys=False) + "\n",
    }


def files_to_normalise(root: Path, config_text: str) -> list[tuple[Path, str]]:
    """Every file the editor can save, with the name of the format it is written in."""
    config = yaml.safe_load(config_text)
    found: list[tuple[Path, str]] = []
    for collection in config["collections"]:
        for entry in collection.get("files", []):
            if (root / entry["file"]).is_file():
                found.append((root / entry["file"], entry["format"]))
        if "folder" in collection:
            kind = collection.get("filter", {}).get("value")
            for path in sorted((root / collection["folder"]).glob("*.yml")):
                data = _read(path)
                if isinstance(data, dict) and (kind is None or data.get("kind") == kind):
                    found.append((path, collection["format"]))
    return found



def published_editor(root: Path, content_dir: Path) -> tuple[dict[str, str], dict[str, Path]]:
    """The editor's files to publish with the site, under ``admin/``, when ``handbook.yml`` asks for it
    (``editor: publish: true``): its page, a fresh configuration, and Decap's files from ``admin/node_modules``.
    Nothing otherwise: the handbook's own pages never carry the editor."""
    settings = _settings(content_dir)
    if settings is None or settings.editor is None or not settings.editor.publish:
        return {}, {}
    folder = root / EDITOR_DIR
    static = {f"{EDITOR_DIR}/{name}": folder / name for name in PAGE_FILES}
    for package, (where, allowed) in VENDOR.items():
        installed = folder / "node_modules" / where
        for path in sorted(installed.rglob("*.js")) if installed.is_dir() else []:
            relative = path.relative_to(installed).as_posix()
            if allowed.match(relative):
                static[f"{EDITOR_DIR}/vendor/{package}/{relative}"] = path
    missing = [name for name in PAGE_FILES if not (folder / name).is_file()]
    if missing or f"{EDITOR_DIR}/vendor/decap-cms/decap-cms.js" not in static:
        settings_file = content_dir / "handbook.yml"
        doc, _ = load_file(settings_file)
        what = (f"{', '.join(f'{EDITOR_DIR}/{name}' for name in missing)} missing from the repository" if missing
                else "its packages are not installed on this computer")
        hint = ("restore them (git checkout -- admin/)" if missing else
                "install them once with: handbook edit --no-browser (then Ctrl+C), or: cd admin && npm ci")
        message = f"the editor cannot be published with the site: {what}"
        raise ContentError([doc.problem(("editor", "publish"), message, hint) if doc else
                            Problem(settings_file, 0, 0, f"editor.publish: {message}", hint=hint)])
    files = editor_files(root, content_dir)
    return {f"{EDITOR_DIR}/{name}": text for name, text in files.items()}, static
