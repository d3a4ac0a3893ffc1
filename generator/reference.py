"""The editor's field reference, generated from the models' JSON Schema so it cannot drift from the validator."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from .models import LANGUAGE_PATTERN, PAGE_KINDS, HandbookSettings, OfficeFile, Sources

INTRO = """\
# Field reference

Every field a handbook file can hold, what it is for, and whether it is required. This page is generated
from the models the validator uses (`generator/models.py`) by `handbook fields`; do not edit it by hand.

Text fields accept inline Markdown: `**bold**`, `*italics*` and `[links](https://example.org)`.
HTML is shown as typed, never run. Dates are written `YYYY-MM-DD`. Ids use lowercase letters, digits
and hyphens (`after-the-interview`); a page's id is its file name without `.yml`.
"""


def _type(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    """Plain words for a JSON Schema type, linking nested parts to their own tables."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return f"[{_title(name)}](#{_anchor(name)})"
    if "anyOf" in schema:
        kinds = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return " or ".join(_type(s, defs) for s in kinds)
    if "enum" in schema:
        return "one of: " + ", ".join(f"`{v}`" for v in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    kind = schema.get("type")
    if kind == "array":
        minimum = schema.get("minItems")
        return f"list of {_type(schema['items'], defs)}" + (f" (at least {minimum})" if minimum else "")
    if kind == "object":
        keys = next(iter(schema.get("patternProperties", {})), "")
        values = next(iter(schema.get("patternProperties", {}).values()), schema.get("additionalProperties", {}))
        if keys == LANGUAGE_PATTERN:
            return f"language codes, each with a {_type(values, defs)}"
        return f"ids, each with {_type(values, defs)}"
    if kind == "string":
        if schema.get("contentMediaType") == "text/markdown":
            return "Markdown (paragraphs allowed)"
        if schema.get("format") == "date":
            return "date"
        pattern = schema.get("pattern", "")
        if pattern.startswith("^[a-z0-9]+"):
            return "id"
        if "https?" in pattern:
            return "web address"
        if pattern == LANGUAGE_PATTERN:
            return "language code (`fr`, `pt-BR`)"
        return "text"
    if kind == "boolean":
        return "`true` or `false`"
    if kind == "integer":
        bounds = [f"{schema['minimum']}" if "minimum" in schema else "", f"{schema['maximum']}"
                  if "maximum" in schema else ""]
        return "whole number" + (f" ({bounds[0]} to {bounds[1]})" if all(bounds) else "")
    return str(kind)


def _title(name: str) -> str:
    """``ChecklistGroup`` → ``Checklist group``; ``WriteIn`` → ``Write-in``."""
    words = re.findall(r"[A-Z][a-z]*", name)
    return "-".join([words[0], *[w.lower() for w in words[1:]]]) if name == "WriteIn" else \
        " ".join([words[0], *[w.lower() for w in words[1:]]])


def _anchor(name: str) -> str:
    return name.lower()


def _table(schema: dict[str, Any], defs: dict[str, Any]) -> list[str]:
    required = set(schema.get("required", []))
    rows = ["| field | required | type | what it is |", "| --- | --- | --- | --- |"]
    for name, field in schema.get("properties", {}).items():
        default = field.get("default")
        shown = default not in (None, []) and not isinstance(default, dict)  # a part's defaults: in its table
        need = "yes" if name in required else (f"no (default `{str(default).lower()}`)" if shown else "no")
        description = " ".join(field.get("description", "").split())
        if not description and "const" in field:
            description = f"Always `{field['const']}` for this kind of page."
        rows.append(f"| `{name}` | {need} | {_type(field, defs)} | {description} |")
    return rows


def _section(title: str, model: type[BaseModel]) -> tuple[list[str], dict[str, Any]]:
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    lines = [f"## {title}", "", " ".join((schema.get("description") or "").split()), ""]
    if "properties" in schema:
        lines += _table(schema, defs)
    else:
        lines.append(f"The file lists {_type(schema, defs)}, like this:")
        lines += ["", "```yaml", "final-round-mistake:",
                  "  title: A Common Mistake Job Seekers Make in the Final Interview Round",
                  "  author: Caroline Ceniza-Levine", "  publisher: Ellevate Network", "```"]
    return lines + [""], defs


def field_reference() -> str:
    """The whole reference as Markdown: site-wide files, each page kind, then the parts they share."""
    out = [INTRO]
    all_defs: dict[str, Any] = {}
    sections = [("content/handbook.yml", HandbookSettings), ("content/sources.yml", Sources)]
    sections += [(f"kind: {kind}", model) for kind, model in PAGE_KINDS.items()]
    sections.append(("offices/<slug>/office.yml", OfficeFile))
    for title, model in sections:
        lines, defs = _section(title, model)
        out += lines
        all_defs.update(defs)
    out.append("## Parts used inside files\n")
    for name in sorted(all_defs):
        schema = all_defs[name]
        out += [f'<a id="{_anchor(name)}"></a>', "", f"### {_title(name)}", "",
                " ".join((schema.get("description") or "").split()), "", *_table(schema, all_defs), ""]
    return "\n".join(out).rstrip() + "\n"
