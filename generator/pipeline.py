"""The build, read top to bottom: load → validate → render, then hand over to MkDocs or write an export.

``generate`` is the whole content pipeline and needs no MkDocs. ``build_site`` and ``export_project`` are the
two ways its result reaches the disk; both write into a staging folder that replaces the target only when
everything succeeded.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .audiences import for_audiences
from .editorial import ReadingCache, review, review_pages
from .failures import MachineError, from_os_error
from .handouts import CONTENT_DATE, Press, PressReport, handout_sources, page_urls, print_handouts, set_by_the_build
from .isolation import isolated
from .load import load_tree, not_plain
from .offices import Office, for_office, layer, load_office
from .problems import ContentError, Problem, display_path
from .render import RenderedSite, render
from .strings import CatalogError, Words, language_problem, own_name
from .translations import (
    BEHIND,
    Translated,
    behind_problems,
    in_language,
    linked_folder,
    missing_note,
    original_language,
    report,
    settings_document,
)
from .validate import validate
from .write import staged, write_files


def generate(content_dir: Path, templates_dir: Path, *, site_url: str | None = None, use_directory_urls: bool = True,
             handouts: bool = True, office: Office | None = None, cache_dir: Path | None = None,
             languages: list[str] | None = None, reading: bool = True) -> RenderedSite:
    """Load, validate, review and render the handbook in each language it publishes; raise
    :class:`~generator.problems.ContentError` on bad content. Editorial warnings travel with the result.

    The result is the site in the first language (published at the handbook's address), with the others in
    its ``others`` (each published under its code, ``fr/``). ``languages`` renders only those (the first at
    the address). With ``handouts``, the print HTML of every PDF handout is rendered too (the PDFs themselves
    are made by :func:`make_handouts`), and pages link to their handouts. ``site_url`` gives handouts their
    web address. With an ``office``, its pages, patches, hidden pages, templates and identity are laid over
    the base. ``cache_dir`` keeps what the next run can reuse (each page's reading grades, compiled templates).
    Without ``reading``, no page's text is graded (no reading warnings; textstat is not loaded): for a build
    whose warnings nobody sees.
    """
    base = load_tree(content_dir)
    chosen = languages or published_languages(base, office)
    sites: list[RenderedSite] = []
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for number, language in enumerate(chosen):
        prefix = f"{language}/" if number else ""
        try:
            site = _generate_language(base, templates_dir, language, prefix, site_url=site_url,
                                      use_directory_urls=use_directory_urls, handouts=handouts, office=office,
                                      cache_dir=cache_dir, first=not number, reading=reading)
        except ContentError as error:
            errors.extend(error.problems)
            warnings.extend(error.warnings)
            continue
        sites.append(site)
        warnings.extend(site.warnings)
    if errors:
        raise ContentError(sorted(set(errors))).with_warnings(sorted(set(warnings) - set(errors)))
    alternates: tuple[tuple[str, str, str], ...] = ()
    if len(sites) > 1:
        alternates = tuple((site.language, own_name(site.language), site.path_prefix) for site in sites)
    notes = tuple(dict.fromkeys(note for site in sites for note in site.notes))
    sites = [dataclasses.replace(site, alternates=alternates, warnings=()) for site in sites]
    main, *others = sites
    return dataclasses.replace(main, others=tuple(others), warnings=tuple(sorted(set(warnings))), notes=notes)


def published_languages(base: Any, office: Office | None) -> list[str]:
    """The languages to publish, the first at the handbook's address: the office's, or ``handbook.yml``'s
    (read before it is validated; a wrong value is reported by validation, and English published meanwhile)."""
    if office is not None:
        return office.settings.published
    settings = settings_document(base)
    listed = settings.data.get("languages") if settings is not None and isinstance(settings.data, dict) else None
    if isinstance(listed, list) and listed and all(isinstance(x, str) for x in listed) and \
            len(set(listed)) == len(listed):
        return [x.strip() for x in listed]
    return [original_language(base)]


def _generate_language(base: Any, templates_dir: Path, language: str, prefix: str, *, site_url: str | None,
                       use_directory_urls: bool, handouts: bool, office: Office | None, cache_dir: Path | None,
                       first: bool, reading: bool = True) -> RenderedSite:
    """The handbook in one language: the base's translations laid over it, then the office's layer."""
    state = in_language(base, language)
    tree, shown_in = state.tree, dict(state.shown_in)
    notes: list[str] = []
    hidden: frozenset[str] = frozenset()
    templates = [templates_dir]
    written: set[str] = set()  # the pages an office writes itself, in this language
    if office is not None:
        written = office.in_language(language).own_ids(patches=False)
        layered, mine = _office_layer(base, state, office, language)
        tree, hidden = layered.tree, layered.hidden
        shown_in = {page_id: shown for page_id, shown in shown_in.items()
                    if page_id not in hidden and page_id not in written}
        shown_in.update(mine)
        if mine:
            notes.append(f"Not yet translated into {language}: {', '.join(sorted(mine))}, of {office.slug}'s own. "
                         f"They are published in {office.settings.language}, with a notice; translate them into "
                         f"{display_path(office.root / 'i18n' / language)}/ (content/ and patches/, same file names)")
        if office.templates_dir.is_dir():
            templates.insert(0, office.templates_dir)
        site_url = office.settings.site_url or site_url
    if site_url and prefix:
        site_url = site_url.rstrip("/") + "/" + prefix
    scope = (office.slug if office is not None else "base") + (f"-{language}" if prefix else "")
    cache = ReadingCache(cache_dir / f"reading-{scope}.json" if cache_dir else None)
    where = office.doc if office is not None else settings_document(base)
    language_problems = _language_problems(language, templates_dir, where)
    try:
        if language_problems:
            raise ContentError(language_problems)
        handbook = validate(tree, hidden)
    except ContentError as error:  # the valid pages' warnings come with the errors, in one run
        settings, valid = error.partial or (None, {})
        own = [entry for page_id, entry in valid.items() if page_id not in shown_in]
        raise error.with_warnings([*review_pages(own, settings, cache=cache, language=language, reading=reading),
                                   *state.warnings]) from None
    if office is not None:
        handbook = for_office(handbook, office, layered.asset_dirs, language)
    else:
        handbook = dataclasses.replace(handbook, settings=handbook.settings.model_copy(update={"language": language}))
    handbook = for_audiences(handbook, office.settings.audiences if office is not None else [])
    behind = {}
    warnings = [*review(handbook, cache=cache, skip=set(shown_in), reading=reading), *state.warnings]
    found_pages: list[Any] = []
    replaced = written | (office.own_ids(patches=False) if office is not None else set())
    if language != state.original_language:
        found = report(base, language, state)
        found = dataclasses.replace(found, pages=[page for page in found.pages if page.page_id not in replaced])
        if office is None:
            warnings.extend(behind_problems(found, base.root.parent))
            notes.extend(filter(None, [missing_note(found)]))
        else:  # the base's translators keep the base's translations: the office hears of them, without a warning
            behind_base = [page.page_id for page in found.pages if page.state == BEHIND
                           and page.page_id not in hidden and page.page_id in handbook.pages]
            if behind_base:
                notes.append(f"The base's {language} translations of {', '.join(behind_base)} are behind their "
                             "originals; they are published with a notice until the base's translators update them")
        found_pages.extend(found.pages)
    if office is not None and language != office.settings.language:
        own = report(base, language, pages=Translated.of_office(office, language, base.root.parent))
        warnings.extend(behind_problems(own, base.root.parent))
        found_pages.extend(own.pages)
    if office is None or office.settings.translation_notices:
        behind = {page.page_id: page.changed_on for page in found_pages  # never stamped: nothing known
                  if page.state == BEHIND and not page.unstamped and page.page_id not in shown_in}
    if office is not None and first:  # what changed in the base under the office's own changes
        drifted, drift_notes = office_drift(office, base, templates_dir)
        warnings = [*warnings, *drifted]
        notes = [*drift_notes, *notes]
    handbook = dataclasses.replace(handbook, shown_in=shown_in, behind=behind,
                                   original_language=state.original_language)
    url = page_urls(site_url, use_directory_urls, handbook.hidden)
    try:
        site = render_all(handbook, templates, url, office, cache_dir, handouts=handouts)
    except ContentError as error:
        raise error.with_warnings(warnings) from None
    return dataclasses.replace(site, warnings=tuple(sorted(warnings)), notes=tuple(notes), path_prefix=prefix)


def _language_problems(language: str, templates_dir: Path, where: Any) -> list[Problem]:
    """A language the site's words cannot be written in, as a problem on the file that asks for it."""
    said = language_problem(language, templates_dir)
    if said is None:
        try:
            Words.of(templates_dir, language)
        except CatalogError as error:
            return [Problem(error.file, error.line, 1 if error.line else 0, f"the catalog cannot be read: {error.said}",
                            hint="open it in Poedit, or compare it with another language's catalog, to find the "
                                 "broken entry")]
        return []
    if where is None:
        return []
    data = where.data if isinstance(where.data, dict) else {}
    listed = data.get("languages") if isinstance(data.get("languages"), list) else []
    key: tuple[Any, ...] = ("languages", listed.index(language)) if language in listed else ("language",)
    return [where.problem(key, said, "add the catalog (TRANSLATING.md, \"Adding a language\"), or choose a "
                                     "language that has one")]


def _office_layer(base: Any, state: Any, office: Office, language: str) -> tuple[Any, dict[str, str]]:
    """The office laid over the base in ``language``, and the office's pages shown in its main language there
    because they are not translated into it (by id)."""
    main = office.settings.language
    translated_office = office.in_language(language)
    for folder in (translated_office.content_dir, translated_office.patches_dir):
        linked = linked_folder(folder, office.root)
        if linked is not None:
            raise ContentError([not_plain(linked)])
    layered = layer(state.tree, translated_office)
    mine: dict[str, str] = {}
    if language == main:
        return layered, mine
    main_layer = layer(in_language(base, main).tree, office)
    translated = office.in_language(language).own_ids()
    by_id = {path.stem: (path, doc) for path, doc in main_layer.tree.documents.items()}
    documents = {path.stem: (path, doc) for path, doc in layered.tree.documents.items()}
    yaml_files = {path.stem: path for path in layered.tree.yaml_files}
    for page_id in sorted(office.own_ids() - translated - layered.hidden):
        if page_id in by_id:
            documents[page_id] = by_id[page_id]
            yaml_files[page_id] = by_id[page_id][0]
            mine[page_id] = main
    tree = dataclasses.replace(layered.tree, documents=dict(documents.values()), yaml_files=list(yaml_files.values()),
                               assets=main_layer.tree.assets)
    for page_id in translated:
        mine.pop(page_id, None)
    return dataclasses.replace(layered, tree=tree, asset_dirs=main_layer.asset_dirs), mine


def office_drift(office: Office, base: Any, templates_dir: Path) -> tuple[list[Any], list[str]]:
    """The office's overlays whose base changed, as warnings, and a note naming base pages it has not seen."""
    from .overlays import StampsError, drift, drift_problems, new_pages_note, stamps_path

    try:
        report = drift(office, base, templates_dir)
    except StampsError as error:
        raise ContentError([Problem(stamps_path(office), 0, 0, str(error))]) from None
    note = new_pages_note(report)
    return drift_problems(report, office), [note] if note else []


def render_all(handbook: Any, templates: list[Path], url: Any, office: Office | None = None,
               cache_dir: Path | None = None, *, handouts: bool = True) -> RenderedSite:
    """The pages' Markdown and, with ``handouts``, the handouts' print HTML; the problems of both templates'
    runs together (an office template failing in a handout does not hide one failing on a page).

    An office's own templates are untrusted: they render in a child process held to a ceiling of memory and
    time (:mod:`generator.isolation`), beside the sandbox's own limits."""
    if office is not None and office.templates_dir.is_dir() and any(office.templates_dir.rglob("*.j2")):
        return isolated(lambda: _render_all(handbook, templates, url, office, cache_dir, handouts), templates)
    return _render_all(handbook, templates, url, office, cache_dir, handouts)


def _render_all(handbook: Any, templates: list[Path], url: Any, office: Office | None, cache_dir: Path | None,
                handouts: bool) -> RenderedSite:
    problems = []
    sources = []
    if handouts:
        try:
            sources = handout_sources(handbook, templates, url, office, cache_dir)
        except ContentError as error:
            problems.extend(error.problems)
    try:
        site = render(handbook, templates, tuple(sources), url, office, cache_dir)
    except ContentError as error:
        problems.extend(error.problems)
    if problems:
        raise ContentError(problems)
    return site


def make_handouts(site: RenderedSite, press: Press, progress: Any = None) -> tuple[RenderedSite, PressReport]:
    """Make the site's PDF handouts, in every language it is published in (from the cache where nothing
    changed), and add them to each language's files.

    ``progress`` wraps the handouts to render, as :func:`~generator.handouts.print_handouts` says.
    """
    made = []
    total = PressReport()
    for one in site.every_language:
        files, report = print_handouts(list(one.handouts), press, *([progress] if progress else []))
        made.append(dataclasses.replace(one, static=dict(sorted({**one.static, **files}.items())), others=()))
        total.rendered += report.rendered
        total.cached += report.cached
        total.seconds += report.seconds
    main, *others = made
    return dataclasses.replace(main, others=tuple(others)), total


@dataclass(frozen=True)
class Project:
    """Where a handbook's parts are, as its mkdocs.yml says."""

    config_file: Path
    content_dir: Path
    templates_dir: Path
    site_dir: Path
    site_url: str | None = None
    use_directory_urls: bool = True
    office: Office | None = None
    """The office being built, if any (``--office``); its handbook goes to ``site/<slug>/``."""
    loaded: list[Any] = field(default_factory=list, compare=False, repr=False)
    """The MkDocs configuration read to make this project, kept for :func:`build_site` to use once (reading it
    loads the theme and every plugin: a tenth of a second a time)."""

    @property
    def offices_dir(self) -> Path:
        """``offices/`` beside mkdocs.yml: one folder per career office."""
        return self.config_file.parent / "offices"

    def with_office(self, slug: str | None) -> Project:
        """This project building one office's handbook (into ``site/<slug>/``); raises ContentError."""
        if slug is None:
            return self
        office = load_office(self.offices_dir, slug)
        return dataclasses.replace(self, office=office, site_dir=self.site_dir / slug)

    @property
    def cache_dir(self) -> Path:
        """Where builds keep what they can reuse (PDF handouts, reading grades, compiled templates):
        ``.cache/handbook`` beside mkdocs.yml."""
        return self.cache_dir_of(self.config_file)

    @staticmethod
    def cache_dir_of(config_file: Path) -> Path:
        return config_file.resolve().parent / ".cache" / "handbook"

    @classmethod
    def from_config(cls, config_file: Path) -> Project:
        """Read the paths from ``mkdocs.yml`` (with MkDocs's own rules for defaults and relative paths)."""
        config = load_mkdocs_config(config_file)
        project = cls.of(config, _handbook_plugin(config, config_file))
        project.loaded.append(config)
        return project

    @classmethod
    def of(cls, config: Any, plugin: Any) -> Project:
        """The project a loaded MkDocs configuration describes."""
        return cls(Path(config.config_file_path).resolve(), Path(config.docs_dir), plugin.templates_dir(config),
                   Path(config.site_dir), config.site_url or None, bool(config.use_directory_urls))

    def press(self, jobs: int | None = None) -> Press:
        """The press for this project's handouts: cached beside mkdocs.yml, reading only the content's assets,
        rendering ``jobs`` handouts at once (default: one per processor core)."""
        readable = [self.content_dir / "assets"]
        if self.office is not None:
            readable.append(self.office.root)
        return Press(self.cache_dir / "handouts", self.content_dir, readable, jobs=jobs)

    def generate(self, *, handouts: bool = True, reading: bool = True) -> RenderedSite:
        """:func:`generate` for this project's folders and addresses (``reading``: grade the text).

        Unless SOURCE_DATE_EPOCH is set, it is set to the handbook's own date (its newest review) for the
        rest of the build: MkDocs dates the sitemap with it and the handouts' fonts carry it, so a rebuild on
        another day gives the same bytes (https://reproducible-builds.org/specs/source-date-epoch/).
        """
        site = generate(self.content_dir, self.templates_dir, site_url=self.site_url,
                        use_directory_urls=self.use_directory_urls, handouts=handouts, office=self.office,
                        cache_dir=self.cache_dir, reading=reading)
        if self.office is None and site.editor_published:  # the browser editor, at admin/
            from .cms import published_editor

            generated, static = published_editor(self.config_file.parent, self.content_dir)
            site = dataclasses.replace(site, generated={**site.generated, **generated},
                                       static=dict(sorted({**site.static, **static}.items())))
        if set_by_the_build() or not os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit():
            os.environ["SOURCE_DATE_EPOCH"] = str(site.source_date_epoch)  # a rebuild while previewing updates it
            os.environ[CONTENT_DATE] = str(site.source_date_epoch)
        return site


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


def build_site(project: Project, site: RenderedSite, *, strict: bool = False, verbose: bool = False,
               offline: bool = False) -> Path:
    """Build the site with MkDocs into a staging folder and swap it into ``site_dir`` when it is complete."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    with _mkdocs_logging(verbose) as collected, staged(project.site_dir) as staging:
        if project.loaded:
            config = project.loaded.pop()  # read once already; a build changes it, so it serves one build
            config.site_dir, config.strict = str(staging), strict
        else:
            config = load_mkdocs_config(project.config_file, site_dir=str(staging), strict=strict)
        plugin = _handbook_plugin(config, project.config_file)
        plugin.preloaded = site
        plugin.offline = offline
        try:
            build(config)
        except (MkDocsException, SystemExit) as error:
            said = "\n".join(r.getMessage() for r in collected.records)
            raise BuildFailed(said or str(error)) from None
    return project.site_dir


def export_project(project: Project, site: RenderedSite, out_dir: Path) -> Path:
    """Write a standalone MkDocs project (Markdown, assets, resolved mkdocs.yml) that needs no plugin of ours."""
    from .export import SANITISE_HOOK, sanitise_hook, standalone_config

    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise SetupError(f"{out_dir} is not empty: export into a new or empty folder")
    with staged(out_dir) as staging:
        files: dict[str, str] = {}
        static: dict[str, Path] = {}
        for one in site.every_language:  # the first language in out_dir, each other in out_dir/<language>/
            folder = one.path_prefix
            files.update({f"{folder}docs/{path}": text for path, text in {**one.pages, **one.generated}.items()})
            files[f"{folder}mkdocs.yml"] = standalone_config(
                project.config_file, one, f"../site/{folder}" if folder else "site",
                site.site_url or project.site_url)
            files[f"{folder}{SANITISE_HOOK}"] = sanitise_hook()
            static.update({f"{folder}docs/{path}": source for path, source in one.static.items()})
        write_files(staging, files, static)
    return out_dir


# --- many offices ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeResult:
    """How one office's build went, as ``handbook build --all`` reports it."""

    slug: str
    name: str
    ok: bool
    summary: str
    """One line: what was built, or what went wrong."""
    details: str = ""
    """The problems, in full, when it failed."""
    seconds: float = 0.0


def build_office(config_file: Path, slug: str, site_dir: Path, *, strict: bool = False,
                 handouts: bool = True) -> OfficeResult:
    """Build one office's handbook into ``site_dir`` (staged, as every build). Never raises: a failure is the
    result. Runs in a worker process of ``build --all``."""
    import time

    from .convert import CONVERSIONS
    from .problems import format_plain, summarize

    CONVERSIONS.keep = True  # the offices after this one in the process meet the same parts of pages
    start = time.monotonic()
    name = slug
    try:
        project = dataclasses.replace(Project.from_config(config_file).with_office(slug), site_dir=site_dir)
        assert project.office is not None
        name = project.office.settings.name
        # build --all shows an office's editorial warnings only with --strict (`handbook check --office` and
        # `handbook build --office` show them all): without it, no text is graded (textstat's dictionary alone
        # takes a second to load in every worker)
        site = project.generate(handouts=handouts, reading=strict)
        if strict and site.warnings:
            problems = list(site.warnings)
            return OfficeResult(slug, name, False, f"{summarize(problems, 'warning')} (--strict)",
                                format_plain(problems), time.monotonic() - start)
        if site.handouts:  # one process per office already: its handouts are made one after another
            press = project.press(jobs=1)
            site, _ = make_handouts(site, press)
        build_site(project, site, strict=strict)
    except ContentError as error:
        return OfficeResult(slug, name, False, summarize(error.problems), format_plain(error.problems),
                            time.monotonic() - start)
    except (BuildFailed, SetupError) as error:
        return OfficeResult(slug, name, False, "the site could not be built", str(error), time.monotonic() - start)
    except (OSError, MachineError) as error:
        failure = from_os_error(error) if isinstance(error, OSError) else error
        return OfficeResult(slug, name, False, failure.what, f"what to do: {failure.fix}", time.monotonic() - start)
    return OfficeResult(slug, name, True, what_was_built(site), "", time.monotonic() - start)


def what_was_built(site: RenderedSite) -> str:
    """``19 pages and 8 PDF handouts``, and in how many languages when more than one."""
    made = f" and {len(site.handouts)} PDF handouts" if site.handouts else ""
    languages = [one.language for one in site.every_language]
    each = f" in each of {len(languages)} languages ({', '.join(languages)})" if len(languages) > 1 else ""
    return f"{len(site.pages)} pages{made}{each}"


def shard(slugs: list[str], number: int, count: int) -> list[str]:
    """Share ``number`` of ``count`` (from 1) of the offices: every ``count``-th office in alphabetical order,
    from the ``number``-th. The same offices give the same shares on every runner, each within one office of
    the others in size."""
    return [slug for index, slug in enumerate(sorted(slugs)) if index % count == number - 1]


def build_all(project: Project, slugs: list[str], *, jobs: int, strict: bool = False, handouts: bool = True,
              done: Any = None, index: bool = True) -> list[OfficeResult]:
    """Build every office in ``slugs`` into ``site/<slug>/``, ``jobs`` at a time in separate processes, with an
    index page at ``site/index.html`` (unless not ``index``: a shard's build, whose index :func:`assemble`
    writes). The whole site folder is swapped in at the end; an office whose build failed keeps its last good
    version. ``done(result)`` is called as each office finishes."""
    import shutil
    from concurrent.futures import ProcessPoolExecutor, as_completed

    results: dict[str, OfficeResult] = {}
    with staged(project.site_dir) as staging:
        if jobs <= 1:
            for slug in slugs:
                results[slug] = build_office(project.config_file, slug, staging / slug, strict=strict,
                                             handouts=handouts)
                if done:
                    done(results[slug])
        else:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = {pool.submit(build_office, project.config_file, slug, staging / slug, strict=strict,
                                       handouts=handouts): slug for slug in slugs}
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    if done:
                        done(results[futures[future]])
        for slug, result in results.items():
            previous = project.site_dir / slug
            if not result.ok and previous.is_dir() and not (staging / slug).exists():
                shutil.copytree(previous, staging / slug)  # the last good version stays published
        ordered = [results[slug] for slug in slugs]
        if index:
            write_files(staging, {"index.html": offices_index(ordered, staging)}, {})
    return ordered


def assemble(project: Project, shards: list[Path]) -> list[OfficeResult]:
    """Put the sites built by ``build --all --shard K/N`` (each a folder of office folders) together into the
    site folder, with the index of every office: the same files, byte for byte, as one unsharded build.
    Raise :class:`SetupError` for a folder that is not an office's, or an office built by two shards."""
    import shutil

    from .offices import load_office, office_slugs

    slugs = office_slugs(project.offices_dir)
    with staged(project.site_dir) as staging:
        for folder in shards:
            if not folder.is_dir():
                raise SetupError(f"{display_path(folder)} is not a folder: give the folders the shards built")
            for child in sorted(folder.iterdir()):
                if not child.is_dir():
                    continue  # a whole site's index, say: the index is written here, for every office
                if child.name not in slugs:
                    raise SetupError(f"{display_path(child)} is not an office's site: offices/ has no "
                                     f"{child.name}/ (give the folders the shards built, each holding office "
                                     "folders)")
                if (staging / child.name).exists():
                    raise SetupError(f"{child.name} was built by two shards (again in {display_path(folder)}): "
                                     "give each shard's folder once, from one run")
                shutil.copytree(child, staging / child.name)
        results = []
        for slug in slugs:
            try:
                name = load_office(project.offices_dir, slug).settings.name
            except ContentError:
                name = slug  # as build_office names an office it could not read
            results.append(OfficeResult(slug, name, (staging / slug / "index.html").is_file(), ""))
        write_files(staging, {"index.html": offices_index(results, staging)}, {})
    return results


def offices_index(results: list[OfficeResult], site: Path) -> str:
    """A plain, accessible page listing every office's handbook."""
    import html

    items = []
    for result in results:
        name = html.escape(result.name)
        if (site / result.slug / "index.html").is_file():
            items.append(f'<li><a href="{result.slug}/">{name}</a></li>')
        else:
            items.append(f"<li>{name} (not built yet)</li>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<title>Career office handbooks</title>\n"
            "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;"
            "line-height:1.5;color:#1a1a1a}a{color:#1a4f8b}</style>\n</head>\n<body>\n<main>\n"
            "<h1>Career office handbooks</h1>\n<ul>\n" + "\n".join(items) + "\n</ul>\n</main>\n</body>\n</html>\n")
