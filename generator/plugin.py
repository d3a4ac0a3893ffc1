"""The MkDocs plugin: a thin adapter that hands the generated handbook to MkDocs.

``docs_dir`` is the content folder. The plugin runs the pipeline in ``on_config`` (before MkDocs empties
``site_dir``, so bad content leaves the last site alone), swaps the YAML sources for generated Markdown in
``on_files``, and watches the templates during ``mkdocs serve``. Everything else is plain MkDocs.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .load import YAML_SUFFIXES
from .pipeline import MARKDOWN_EXTENSIONS, generate
from .problems import ContentError, format_plain, summarize
from .render import RenderedSite

log = logging.getLogger("mkdocs.plugins.handbook")


class HandbookConfig(Config):
    templates = c.Type(str, default="templates")
    """The folder of Jinja templates, relative to mkdocs.yml."""


class HandbookPlugin(BasePlugin[HandbookConfig]):
    """Generates the handbook's pages from the YAML in ``docs_dir``."""

    def __init__(self) -> None:
        self.site: RenderedSite | None = None
        self.preloaded: RenderedSite | None = None
        """Set by the ``handbook`` command, which has already generated the site and need not do it twice."""

    def templates_dir(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path).parent / self.config.templates

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        site = self.preloaded
        if site is None:
            try:
                site = generate(Path(config.docs_dir), self.templates_dir(config))
            except ContentError as error:
                raise PluginError(
                    "The handbook's content has problems; nothing was built.\n"
                    f"{format_plain(error.problems, excerpts=True)}\n{summarize(error.problems)}"
                ) from None
        self.site = site
        config.site_name = site.site_name
        if not config.site_description:
            config.site_description = site.site_description
        config.theme["language"] = site.language
        if config.nav is None:
            config.nav = site.nav
        for stylesheet in site.extra_css:
            if stylesheet not in config.extra_css:
                config.extra_css.append(stylesheet)
        for name, options in MARKDOWN_EXTENSIONS.items():
            if name not in config.markdown_extensions:
                log.debug("Enabling the Markdown extension %s, which the handbook's pages need", name)
                config.markdown_extensions.append(name)
                config.mdx_configs.setdefault(name, options)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        assert self.site is not None
        for file in list(files):
            if file.src_uri.endswith(YAML_SUFFIXES):
                files.remove(file)  # the sources of the pages we generate, not part of the site
        for src_uri, markdown in self.site.pages.items():
            files.append(File.generated(config, src_uri, content=markdown))
        for src_uri, path in self.site.static.items():
            if files.get_file_from_path(src_uri) is None:
                files.append(File.generated(config, src_uri, abs_src_path=str(path)))
        return files

    def on_serve(self, server, /, *, config: MkDocsConfig, builder):  # type: ignore[no-untyped-def]
        # docs_dir (the content) and mkdocs.yml are watched by MkDocs itself.
        server.watch(str(self.templates_dir(config)))
        return server
