"""The ``mkdocs.yml`` of an exported, standalone project: the handbook's own, with our plugin resolved away.

``mkdocs.yml`` may hold tags such as ``!!python/name:…`` (Material's emoji settings) or ``!ENV``. We never
construct them: a safe loader keeps each tagged value as it was written, and the dumper writes it back, so the
exported file means exactly what the original did.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .render import RenderedSite, themed
from .text import MARKDOWN_EXTENSIONS


@dataclass(frozen=True)
class Tagged:
    """A value with a tag we do not interpret, kept to be written back as it was."""

    tag: str
    value: Any


class _KeepTagsLoader(yaml.SafeLoader):
    pass


def _keep(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.ScalarNode):
        return Tagged(node.tag, loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return Tagged(node.tag, loader.construct_sequence(node, deep=True))
    return Tagged(node.tag, loader.construct_mapping(node, deep=True))  # type: ignore[arg-type]


_KeepTagsLoader.add_multi_constructor("", _keep)


class _KeepTagsDumper(yaml.SafeDumper):
    pass


def _represent(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_KeepTagsDumper.add_representer(Tagged, _represent)


def _without_handbook_plugin(plugins: Any) -> list[Any]:
    def name(entry: Any) -> str:
        return next(iter(entry)) if isinstance(entry, dict) else str(entry)

    if isinstance(plugins, dict):
        plugins = [{k: v} if v is not None else k for k, v in plugins.items()]
    return [entry for entry in plugins or [] if name(entry) != "handbook"]


SANITISE_HOOK = "hooks/handbook_sanitise.py"
"""An MkDocs hook the export ships: each page's HTML cleaned as the plugin cleans it (:func:`text.clean_html`)."""


def sanitise_hook() -> str:
    """The text of :data:`SANITISE_HOOK`: the plugin's own cleaning code and allowlists (from
    :mod:`generator.text`), written out so that the hook needs nothing of ours to import."""
    import inspect

    from . import text

    constants = {"SAFE_SCHEMES": text.SAFE_SCHEMES, "_TAGS": sorted(text._TAGS), "_HIDE": sorted(text._HIDE),
                 "_ATTRIBUTES": {tag: sorted(names) for tag, names in sorted(text._ATTRIBUTES.items())},
                 "_STYLE_PROPERTIES": sorted(text._STYLE_PROPERTIES)}
    functions = (text.escape_attribute, text.safe_meta, text._attribute_filter, text._new_cleaner)
    return "\n".join([
        '"""Written by `handbook export`: the last guard of the handbook\'s pages, as its plugin has it.',
        "",
        "Whatever a template (an office's) slipped past validation and escaping, only the elements, attributes and",
        "links the handbook's own templates make reach a page, and a page's metadata holds only its title,",
        'description and hidden parts, escaped. Needs nh3 (pip install nh3).',
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "import html",
        "from typing import Any",
        "",
        *(f"{name} = {value!r}" for name, value in constants.items()),
        "",
        *("\n" + inspect.getsource(function) for function in functions),
        "",
        "_CLEANER = _new_cleaner()",
        "",
        "",
        "def on_page_markdown(markdown, page, config, files):",
        "    page.meta = safe_meta(page.meta or {})",
        "    return markdown",
        "",
        "",
        "def on_page_content(html_text, page, config, files):",
        "    return _CLEANER.clean(html_text)",
        "",
    ])


def standalone_config(config_file: Path, site: RenderedSite, site_dir: str = "site",
                      main_url: str | None = None) -> str:
    """The text of a ``mkdocs.yml`` that builds ``site`` from ``docs/`` with MkDocs and Material alone, into
    ``site_dir``. For a handbook in several languages, each language is a project of its own; with the
    handbook's address (``main_url``), Material's language menu links each language's home page."""
    original = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_KeepTagsLoader) or {}  # noqa: S506
    config: dict[str, Any] = {"site_name": site.site_name}
    if "site_description" not in original:
        config["site_description"] = site.site_description
    for key, value in original.items():
        if key not in ("site_name", "docs_dir", "site_dir", "nav", "plugins", "INHERIT"):
            config[key] = value
    config["docs_dir"] = "docs"
    config["site_dir"] = site_dir
    theme = config.get("theme") or {"name": "material"}
    config["theme"] = themed({"name": theme} if isinstance(theme, str) else theme, site)
    if site.site_url:
        config["site_url"] = site.site_url
    if site.path_prefix and (site.site_url or main_url):
        config["site_url"] = (site.site_url or main_url or "").rstrip("/") + "/" + site.path_prefix
    if site.alternates and (site.site_url or main_url):
        from urllib.parse import urlsplit

        root = urlsplit(site.site_url or main_url or "").path.rstrip("/")
        extra = dict(config.get("extra") or {})
        extra["alternate"] = [{"name": name, "lang": language, "link": f"{root}/{prefix}"}
                              for language, name, prefix in site.alternates]
        config["extra"] = extra
    config["nav"] = original.get("nav") or site.nav
    plugins = _without_handbook_plugin(original.get("plugins", ["search"]))
    if plugins:
        config["plugins"] = plugins
    config["extra_css"] = [*config.get("extra_css", []), *(s for s in site.extra_css
                                                           if s not in config.get("extra_css", []))]
    scripts = list(config.get("extra_javascript") or [])
    config["extra_javascript"] = [*scripts, *(s for s in site.extra_javascript if s not in scripts)]
    extensions = list(config.get("markdown_extensions") or [])
    named = {next(iter(e)) if isinstance(e, dict) else e for e in extensions}
    for name, options in MARKDOWN_EXTENSIONS.items():
        if name not in named:
            extensions.append({name: options} if options else name)
    config["markdown_extensions"] = extensions
    hooks = list(config.get("hooks") or [])
    if SANITISE_HOOK not in hooks:
        config["hooks"] = [*hooks, SANITISE_HOOK]
    header = ("# Exported by `handbook export`: a standalone MkDocs project with the handbook's pages\n"
              "# already generated. Build it with `mkdocs build`: it needs MkDocs, Material for MkDocs and nh3\n"
              f"# (for {SANITISE_HOOK}, which keeps only the HTML the handbook's templates make), and no plugin\n"
              "# of ours.\n")
    if site.others:
        header += ("# The handbook is published in several languages: build this folder first, then each\n"
                   f"# language's folder ({', '.join(other.path_prefix for other in site.others)}), which writes "
                   "into this site's folder.\n")
    elif site.path_prefix:
        header += (f"# The handbook in {site.language}: build it after the main folder (..), into its "
                   f"site/{site.path_prefix}.\n")
    return header + yaml.dump(config, Dumper=_KeepTagsDumper, sort_keys=False, allow_unicode=True, width=100)
