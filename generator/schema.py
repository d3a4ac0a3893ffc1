"""JSON Schemas for editors: made from the same models the validator uses, so they can never disagree.

``handbook schema`` writes one file per kind of file into ``schema/``. A content file that starts with
``# yaml-language-server: $schema=<path to its schema>`` gets completion, descriptions and red underlines in
any editor that speaks YAML (VS Code with the YAML extension, JetBrains IDEs, Neovim, Helix, …).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .models import PAGE_KINDS, HandbookSettings, OfficeFile, Sources

SCHEMA_DIR = "schema"
MODELS: dict[str, tuple[type[BaseModel], str]] = {
    "handbook": (HandbookSettings, "content/handbook.yml: the handbook's settings"),
    "sources": (Sources, "content/sources.yml: the sources the handbook cites"),
    "office": (OfficeFile, "offices/<slug>/office.yml: one career office's version of the handbook"),
    **{kind: (model, f"A content page of kind: {kind}") for kind, model in PAGE_KINDS.items()},
}


def schema_texts() -> dict[str, str]:
    """File name → JSON text, for every schema."""
    texts = {}
    for name, (model, title) in MODELS.items():
        schema: dict[str, Any] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": title,
            **model.model_json_schema(),
        }
        schema["title"] = title
        texts[f"{name}.schema.json"] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return texts


def modeline(file: Path, schema_dir: Path, name: str) -> str:
    """The first line that points an editor at a file's schema (a path relative to the file)."""
    import os

    relative = Path(os.path.relpath(schema_dir / f"{name}.schema.json", file.parent)).as_posix()
    return f"# yaml-language-server: $schema={relative}"
