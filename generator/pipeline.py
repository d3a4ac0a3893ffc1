"""The build, read top to bottom: load → validate → render, then hand over to MkDocs or write an export.

``generate`` is the whole content pipeline and needs no MkDocs. ``build_site`` and ``export_project`` are the
two ways its result reaches the disk; both write into a staging folder that replaces the target only when
everything succeeded.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .editorial import review
from .handouts import Press, PressReport, handout_sources, page_urls, print_handouts
from .load import load_tree
from .render import RenderedSite, render
from .validate import validate
from .write import staged, write_files

# Markdown extensions the generated pages rely on, with their options. The plugin enables any that mkdocs.yml
# leaves out, and export writes them all into the standalone mkdocs.yml.
MARKDOWN_EXTENSIONS: dict[str, dict[str, Any]] = {
    "admonition": {},
    "attr_list": {},
    "def_list": {},
    "md_in_html": {},
    "pymdownx.mark": {},
    "toc": {"permalink": True},
}


def generate(content_dir: Path, templates_dir: Path, *, site_url: str | None = None, use_directory_urls: bool = True,
             handouts: bool = True) -> RenderedSite:
    """Load, validate, review and render the handbook; raise :class:`~generator.problems.ContentError` on bad
    content. Editorial warnings travel with the result.

    With ``handouts``, the print HTML of every PDF handout is rendered too (the PDFs themselves are made by
    :func:`make_handouts`), and pages link to their handouts. ``site_url`` gives handouts their web address.
    """
    tree = load_tree(content_dir)
    handbook = validate(tree)
    warnings = review(handbook)
    url = page_urls(site_url, use_directory_urls)
    sources = handout_sources(handbook, templates_dir, url) if handouts else []
    return dataclasses.replace(render(handbook, templates_dir, tuple(sources), url), warnings=tuple(warnings))


def make_handouts(site: RenderedSite, press: Press, progress: Any = None) -> tuple[RenderedSite, PressReport]:
    """Make the site's PDF handouts (from the cache where nothing changed) and add them to its files.

    ``progress`` wraps the handouts to render, as :func:`~generator.handouts.print_handouts` says.
    """
    files, report = print_handouts(list(site.handouts), press, *([progress] if progress else []))
    return dataclasses.replace(site, static=dict(sorted({**site.static, **files}.items()))), report


@dataclass(frozen=True)
class Project:
    """Where a handbook's parts are, as its mkdocs.yml says."""

    config_file: Path
    content_dir: Path
    templates_dir: Path
    site_dir: Path
    site_url: str | None = None
    use_directory_urls: bool = True

    @property
    def cache_dir(self) -> Path:
        """Where builds keep what they can reuse (the PDF handouts): ``.cache/handbook`` beside mkdocs.yml."""
        return self.config_file.parent / ".cache" / "handbook"

    @classmethod
    def from_config(cls, config_file: Path) -> Project:
        """Read the paths from ``mkdocs.yml`` (with MkDocs's own rules for defaults and relative paths)."""
        config = load_mkdocs_config(config_file)
        return cls.of(config, _handbook_plugin(config, config_file))

    @classmethod
    def of(cls, config: Any, plugin: Any) -> Project:
        """The project a loaded MkDocs configuration describes."""
        return cls(Path(config.config_file_path).resolve(), Path(config.docs_dir), plugin.templates_dir(config),
                   Path(config.site_dir), config.site_url or None, bool(config.use_directory_urls))

    def press(self) -> Press:
        """The press for this project's handouts: cached beside mkdocs.yml, reading only the content's assets."""
        return Press(self.cache_dir / "handouts", self.content_dir, [self.content_dir / "assets"])

    def generate(self, *, handouts: bool = True) -> RenderedSite:
        """:func:`generate` for this project's folders and addresses."""
        return generate(self.content_dir, self.templates_dir, site_url=self.site_url,
                        use_directory_urls=self.use_directory_urls, handouts=handouts)


class SetupError(Exception):
    """The project itself (not its content) is set up wrongly: a missing mkdocs.yml, plugin or folder."""


def load_mkdocs_config(config_file: Path, **overrides: Any) -> Any:
    """MkDocs's configuration, as ``mkdocs build`` would load it, with problems as :class:`SetupError`."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    if not config_file.is_file():
        raise SetupError(f"{config_file} not found: run the command in the handbook's folder, or give --config-file")
    try:
        return load_config(str(config_file), **overrides)
    except ConfigurationError as error:
        raise SetupError(f"{config_file} has problems:\n{error}") from None


def _handbook_plugin(config: Any, config_file: Path) -> Any:
    plugin = config.plugins.get("handbook")
    if plugin is None:
        raise SetupError(f'{config_file} does not list the "handbook" plugin under plugins:')
    return plugin


class _CollectingHandler(logging.Handler):
    """Keeps MkDocs's warnings and errors so the command can show them in its own words."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class BuildFailed(Exception):
    """MkDocs could not build the site; the message holds what it said."""


@contextmanager
def _mkdocs_logging(verbose: bool) -> Iterator[_CollectingHandler]:
    logger = logging.getLogger("mkdocs")
    collector = _CollectingHandler()
    stream = logging.StreamHandler()
    stream.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    stream.setLevel(logging.DEBUG if verbose else logging.WARNING)
    old_level, old_propagate = logger.level, logger.propagate
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)
    logger.propagate = False
    logger.addHandler(collector)
    logger.addHandler(stream)
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.removeHandler(stream)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


def build_site(project: Project, site: RenderedSite, *, strict: bool = False, verbose: bool = False) -> Path:
    """Build the site with MkDocs into a staging folder and swap it into ``site_dir`` when it is complete."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    with _mkdocs_logging(verbose) as collected, staged(project.site_dir) as staging:
        config = load_mkdocs_config(project.config_file, site_dir=str(staging), strict=strict)
        _handbook_plugin(config, project.config_file).preloaded = site
        try:
            build(config)
        except (MkDocsException, SystemExit) as error:
            said = "\n".join(r.getMessage() for r in collected.records)
            raise BuildFailed(said or str(error)) from None
    return project.site_dir


def export_project(project: Project, site: RenderedSite, out_dir: Path) -> Path:
    """Write a standalone MkDocs project (Markdown, assets, resolved mkdocs.yml) that needs no plugin of ours."""
    from .export import standalone_config

    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise SetupError(f"{out_dir} is not empty: export into a new or empty folder")
    with staged(out_dir) as staging:
        files = {f"docs/{path}": text for path, text in site.pages.items()}
        files["mkdocs.yml"] = standalone_config(project.config_file, site)
        write_files(staging, files, {f"docs/{path}": source for path, source in site.static.items()})
    return out_dir
