"""The MkDocs plugin: a thin adapter that hands the generated handbook to MkDocs.

``docs_dir`` is the content folder. The plugin runs the pipeline in ``on_config`` (before MkDocs empties
``site_dir``, so bad content leaves the last site alone), swaps the YAML sources for generated Markdown in
``on_files``, and watches the templates during ``mkdocs serve``. Everything else is plain MkDocs.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import shutil
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from .convert import CONVERSIONS, parts_of
from .editorial import warm_up
from .failures import MachineError, from_os_error
from .handouts import Handout, Press, PressRun, start_handouts
from .load import YAML_SUFFIXES
from .pipeline import Project, make_handouts
from .preview import Incremental, theme_fingerprint, unchanged
from .problems import ContentError, Problem, format_plain, summarize
from .render import PACKAGE_ASSETS, RenderedSite, bytecode_cache, themed
from .strings import N_, Words
from .text import MARKDOWN_EXTENSIONS, clean_html, safe_meta
from .write import write_cache_file

log = logging.getLogger("mkdocs.plugins.handbook")
LANGUAGE_LINK = "handbook-language:"
"""What the language menu's links hold until each page is written: the language; see :func:`language_links`."""
PERMALINK_TITLE = N_("Permanent link")
OFFLINE_SHIM = "assets/javascripts/iframe-worker-shim.js"
PRUNE = "navigation.prune"
_THEME_FILES: dict[tuple[Any, ...], list[str]] = {}
"""The theme's static files, listed once per process (see :func:`_theme_listed_once`)."""
THEME_FILES_CACHE = "theme-files.json"


def _theme_listed_once(theme: Any, cache_dir: Path | None) -> None:
    """Make ``theme``'s Jinja environments list the theme's files once, not once per build.

    Each build, MkDocs lists every file of the theme to copy its static files: for Material, a walk over
    fifteen thousand files (its icons among them) and a pattern match of each, a fifth of a second: a third
    of the build of a small office's handbook, half of a preview's rebuild after a save. The list depends only
    on the theme's folders and MkDocs's filter (its version and the theme's static templates): it is kept for
    the process (``build --all`` builds many offices with the same theme; the preview rebuilds after each save)
    and in ``cache_dir`` for the next process, under a fingerprint of the folders
    (:func:`generator.preview.theme_fingerprint`).
    """
    make_env = theme.get_env

    def get_env() -> jinja2.Environment:
        env = make_env()
        if env.bytecode_cache is None:  # every environment of the theme (the search plugin makes its own three)
            env.bytecode_cache = bytecode_cache(cache_dir, "theme")
        list_templates = env.list_templates

        def listed(extensions: Any = None, filter_func: Any = None) -> list[str]:
            if extensions is not None or filter_func is None or \
                    getattr(filter_func, "__qualname__", "") != "Files.add_files_from_theme.<locals>.filter":
                return list_templates(extensions, filter_func)
            from mkdocs import __version__

            key = (__version__, tuple(theme.dirs), tuple(sorted(theme.static_templates)), theme_fingerprint(theme))
            if key not in _THEME_FILES:
                _THEME_FILES[key] = _stored_listing(cache_dir, key, lambda: list_templates(filter_func=filter_func))
            return list(_THEME_FILES[key])

        env.list_templates = listed  # type: ignore[method-assign]
        return env

    theme.get_env = get_env


def _stored_listing(cache_dir: Path | None, key: tuple[Any, ...], list_files: Any) -> list[str]:
    """The listing stored in ``cache_dir`` under ``key``, or ``list_files()``'s, stored there."""
    import hashlib
    import json

    digest = hashlib.sha256(repr(key).encode("utf-8", "surrogatepass")).hexdigest()
    stored = cache_dir / THEME_FILES_CACHE if cache_dir is not None else None
    if stored is not None:
        try:
            kept = json.loads(stored.read_text(encoding="utf-8"))
            if kept.get("key") == digest and isinstance(kept.get("files"), list):
                return [str(name) for name in kept["files"]]
        except (OSError, ValueError, AttributeError):
            pass  # none yet, or unreadable: listed again below
    files = list_files()
    if stored is not None:
        write_cache_file(stored, json.dumps({"key": digest, "files": files}))
    return files


def with_problems_shown(site: RenderedSite, problems: list[Problem]) -> RenderedSite:
    """``site`` with a box listing ``problems`` at the top of every page (after its front matter)."""
    listing = textwrap.indent(format_plain(problems), "        ")
    notice = (f'!!! failure "This preview is out of date: {summarize(problems)}"\n\n'
              f"    Fix these, save, and the preview updates by itself:\n\n{listing}\n\n")
    pages = {}
    for path, text in site.pages.items():
        front, body = ("", text)
        if text.startswith("---\n") and "\n---\n" in text[4:]:
            end = text.index("\n---\n", 4) + 5
            front, body = text[:end], text[end:]
        pages[path] = f"{front}\n{notice}{body.lstrip()}"
    return dataclasses.replace(site, pages=pages)


def language_links(html: str, page_url: str, site: RenderedSite) -> str:
    """The language menu's links pointed at this same page in each language.

    Every language's site has the same pages at the same paths under its own folder (an untranslated page is
    published in its original language), so the page's path under the other language's folder is the page
    in that language: from ``fr/get-ready/``, Español is ``../../es/get-ready/``. Material's own
    ``<link rel="alternate">`` lines are left out: its script fetches a ``sitemap.xml`` beside each, from the
    handbook's published address, which a preview or a copy on a USB stick must not ask for. Search engines
    find the languages of each page in the sitemap instead (:func:`sitemap_alternates`)."""
    import re

    depth = len([part for part in f"{site.path_prefix}{page_url}".split("/")[:-1] if part])
    prefixes = {language: prefix for language, _, prefix in site.alternates}

    def link(match: re.Match[str]) -> str:
        target = "../" * depth + prefixes.get(match.group(2), "") + page_url
        return f'{match.group(1)}{target or "./"}"'

    html = re.sub(r'[ \t]*<link rel="alternate" href="' + re.escape(LANGUAGE_LINK) + r'[A-Za-z-]+"[^>]*>\n?', "", html)
    return re.sub(r'(<a\b[^>]*?href=")' + re.escape(LANGUAGE_LINK) + r'([A-Za-z-]+)"', link, html)


def sitemap_alternates(sitemap: str, site: RenderedSite, site_url: str) -> str:
    """The sitemap with each page's address in every language (``xhtml:link rel="alternate" hreflang``), the
    form search engines read for a site in several languages."""
    import html as markup
    import re

    here = site_url.rstrip("/") + "/"
    root = here[: -len(site.path_prefix)] if site.path_prefix and here.endswith(site.path_prefix) else here

    def alternates(match: re.Match[str]) -> str:  # after <loc> and <lastmod>, as the sitemap schema orders them
        address = markup.unescape(match.group(2))
        if not address.startswith(here):
            return match.group(0)
        path = address[len(here):]
        links = "".join(f'     <xhtml:link rel="alternate" hreflang="{language}" '
                        f'href="{markup.escape(root + prefix + path)}"/>\n    '
                        for language, _, prefix in site.alternates)
        return f"{match.group(1)}{links}</url>"

    sitemap = sitemap.replace('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
                              '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                              'xmlns:xhtml="http://www.w3.org/1999/xhtml">', 1)
    return re.sub(r"(<url>\s*<loc>([^<]*)</loc>.*?)</url>", alternates, sitemap, flags=re.S)


def _logged(jobs: list[Handout]) -> Iterator[Handout]:
    for number, job in enumerate(jobs, 1):
        log.info("Making PDF handout %d of %d: %s", number, len(jobs), job.path)
        yield job


class HandbookConfig(Config):
    templates = c.Type(str, default="templates")
    """The folder of Jinja templates, relative to mkdocs.yml."""
    handouts = c.Type(bool, default=True)
    """Make the PDF handouts (site/handouts/); false skips them, and pages do not link to them."""
    offline = c.Type(bool, default=False)
    """Build a site that works opened from disk (file://), with search: page links end in .html, and the
    search index and a small script for it ship with the site (nothing is fetched)."""
    office = c.Optional(c.Type(str))
    """Build this career office's handbook (a folder in offices/ beside mkdocs.yml) instead of the base one."""


class HandbookPlugin(BasePlugin[HandbookConfig]):
    """Generates the handbook's pages from the YAML in ``docs_dir``."""

    serve_office: str | None = None
    """Set by ``handbook serve --office SLUG`` before MkDocs loads the plugin: the office to preview, as the
    ``office`` option would."""

    def __init__(self) -> None:
        self.serving = False
        self.site: RenderedSite | None = None
        self.last_good: RenderedSite | None = None
        """During ``mkdocs serve``, the last site generated without problems (the plugin lives across rebuilds)."""
        self.preloaded: RenderedSite | None = None
        """Set by the ``handbook`` command, which has already generated the site and need not do it twice."""
        self.offline = False
        """Set by ``handbook build --offline``: the same as the ``offline`` option."""
        self.warmed = False
        self.pending: PressRun | None = None
        """While previewing: the handouts being made in the background during this build."""
        self.finishing: threading.Thread | None = None
        """While previewing: the thread putting the last build's handouts in the site as they are made."""
        self.press: Press | None = None
        """Kept across ``mkdocs serve`` rebuilds, so WeasyPrint starts once and unchanged handouts are reused."""
        self.incremental: Incremental | None = None
        """While previewing with dirty builds (``handbook serve``, ``mkdocs serve --dirty``): what the last
        build wrote, so a save rebuilds only the pages it changed (see :mod:`generator.preview`)."""
        self.files: Files | None = None
        self.nested = False
        """Set on the build of one of the handbook's other languages, which this plugin runs into a folder of
        the site (``site/fr/``) once the first language is built."""

    def templates_dir(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path).parent / self.config.templates

    def office(self, config: MkDocsConfig) -> str | None:
        """The office whose handbook this builds, if any: the ``office`` option, or ``serve --office``."""
        return self.config.office or self.serve_office

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        self.incremental = Incremental() if self.serving and dirty else None
        if self.serving:  # every rebuild meets the same parts of pages again
            CONVERSIONS.keep = True

    @event_priority(100)  # before the search plugin, which reads the theme's language to choose its stemmer
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.pending = None
        if not self.nested:
            self._wait_for_handouts()
        _theme_listed_once(config.theme, Project.cache_dir_of(Path(config.config_file_path)))
        if self.config.offline or self.offline:
            # What Material's offline plugin does, with its search shim shipped here instead of fetched from a
            # CDN: links to files, not folders, and Web Workers (refused on file://) run in an iframe.
            config.use_directory_urls = False
            polyfills = config.extra.setdefault("polyfills", [])
            if OFFLINE_SHIM not in polyfills:
                polyfills.append(OFFLINE_SHIM)
        site, self.preloaded = self.preloaded, None  # one build's: MkDocs may hand this plugin to the next
        if site is None:
            try:
                site = self._generate(config)
                self.last_good = site
                if site.warnings:  # as MkDocs warnings, so `mkdocs build --strict` fails on them too
                    log.warning("The handbook's content has editorial warnings.\n%s\n%s",
                                format_plain(list(site.warnings), excerpts=True),
                                summarize(site.warnings, "warning"))
            except (OSError, MachineError) as error:  # the machine failed: plain words, as the handbook command says
                failure = from_os_error(error) if isinstance(error, OSError) else error
                raise PluginError(f"The handbook could not be built: {failure.what}.\n"
                                  f"  what to do: {failure.fix}") from None
            except ContentError as error:
                shown = sorted([*error.problems, *error.warnings])  # errors and warnings, in one run
                report = f"{format_plain(shown, excerpts=True)}\n{summarize(error.problems)}" + (
                    f", and {summarize(error.warnings, 'warning')}" if error.warnings else "")
                if not (self.serving and self.last_good):
                    raise PluginError(f"The handbook's content has problems; nothing was built.\n{report}") from None
                # While previewing, keep the last good pages up, each with the problems on top, so the editor
                # sees them in the browser; a failed rebuild would leave the browser waiting with no word why.
                log.error("The handbook's content has problems; the preview shows the last good version.\n%s",
                          report)
                site = self._with_handouts(with_problems_shown(self.last_good, error.problems))
        self.site = site
        config.site_name = site.site_name
        if not config.site_description:
            config.site_description = site.site_description
        for key, value in themed(dict(config.theme.items()), site).items():
            if key != "name":
                config.theme[key] = value
        features = list(config.theme.get("features") or [])
        if PRUNE not in features and "navigation.expand" not in features:
            # Each page's sidebar then holds its own sub-section's pages, not every page in the handbook:
            # the same navigation for a reader (see render.navigation), and no build time and page weight
            # that grow with the square of the page count. (Material: prune does not go with expand.)
            config.theme["features"] = [*features, PRUNE]
        if site.site_url:
            config.site_url = site.site_url
        if site.path_prefix and config.site_url:
            config.site_url = config.site_url.rstrip("/") + "/" + site.path_prefix
        if site.alternates:  # Material's language menu, and hreflang links in <head>
            config.extra["alternate"] = [{"name": name, "lang": language, "link": LANGUAGE_LINK + language}
                                         for language, name, _ in site.alternates]
        if config.nav is None:
            config.nav = site.nav
        for stylesheet in site.extra_css:
            if stylesheet not in config.extra_css:
                config.extra_css.append(stylesheet)
        for script in site.extra_javascript:
            if script not in [str(s) for s in config.extra_javascript]:
                config.extra_javascript.append(script)
        for name, options in MARKDOWN_EXTENSIONS.items():
            if name not in config.markdown_extensions:
                log.debug("Enabling the Markdown extension %s, which the handbook's pages need", name)
                config.markdown_extensions.append(name)
                config.mdx_configs.setdefault(name, options)
        toc = config.mdx_configs.setdefault("toc", {})
        if toc.get("permalink") and ("permalink_title" not in toc or site.alternates):
            # The title of each heading's link, in the page's language (read aloud by screen readers).
            toc["permalink_title"] = Words.of(self.templates_dir(config), site.language)(PERMALINK_TITLE)
        return config

    def _with_handouts(self, site: RenderedSite) -> RenderedSite:
        """The last good site with its handouts, as that build published them: made in the background then,
        they are in the press's cache now, and the pages' links to them resolve as in a good build (no false
        warnings to bury the real problem)."""
        if self.press is None or not site.handouts:
            return site
        ready = {handout.path: path for handout in site.handouts if (path := self.press.cached(handout))}
        return dataclasses.replace(site, static=dict(sorted({**site.static, **ready}.items())))

    def _generate(self, config: MkDocsConfig) -> RenderedSite:
        """The pages, and the PDF handouts unless the plugin's ``handouts`` option is false."""
        project = Project.of(config, self).with_office(self.office(config))
        site = project.generate(handouts=self.config.handouts)
        if any(one.handouts for one in site.every_language):
            if self.press is None:
                self.press = project.press()
            if self.serving and self.press.jobs > 1:
                if site.others:  # the other languages' handouts now; the first language's beside its pages
                    others, _ = make_handouts(dataclasses.replace(site.others[0], others=site.others[1:]),
                                              self.press, _logged)
                    site = dataclasses.replace(site, others=others.every_language)
                # While previewing, the changed handouts are made in the press's worker processes while MkDocs
                # builds the pages here, and put in the site by a thread once made (the browser shows the
                # pages at once; the last version of each PDF stays until its new one is there).
                self.pending = start_handouts(list(site.handouts), self.press)
                ready = {h.path: self.press.path(h) for h in site.handouts if h not in self.pending.pending}
                return dataclasses.replace(site, static=dict(sorted({**site.static, **ready}.items())))
            site, report = make_handouts(site, self.press, _logged)
            log.info("Handouts: %s", report.summary())
        return site

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        # The theme's templates, compiled once and kept (Jinja checks each against its source every build):
        # compiling Material's few dozen templates is a good part of a small site's build.
        if env.bytecode_cache is None:
            env.bytecode_cache = bytecode_cache(Project.cache_dir_of(Path(config.config_file_path)), "theme")
        return env

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        assert self.site is not None
        for file in list(files):
            if file.src_uri.endswith(YAML_SUFFIXES):
                files.remove(file)  # the sources of the pages we generate, not part of the site
        for src_uri, markdown in self.site.pages.items():
            files.append(File.generated(config, src_uri, content=markdown))
        for src_uri, text in self.site.generated.items():
            files.append(File.generated(config, src_uri, content=text))
        static = dict(self.site.static)
        if config.use_directory_urls is False and OFFLINE_SHIM in config.extra.get("polyfills", []):
            static[OFFLINE_SHIM] = PACKAGE_ASSETS / "javascripts" / "iframe-worker-shim.js"
        for src_uri, path in static.items():
            if files.get_file_from_path(src_uri) is None:
                files.append(File.generated(config, src_uri, abs_src_path=str(path)))
        for handout in self.pending.pending if self.pending else ():
            if files.get_file_from_path(handout.path) is None:  # written by _finish_handouts, once made
                placeholder = File.generated(config, handout.path, content=b"")
                if self.incremental is not None and Path(placeholder.abs_dest_path).is_file():
                    placeholder.is_modified = unchanged  # the last version stays until the new one is made
                files.append(placeholder)
        for plugin in config.plugins.values() if CONVERSIONS.keep else ():  # Material's search index takes a
            index = getattr(plugin, "search_index", None)  # page's entries from another office's same page
            if type(index).__module__.startswith("material.") and isinstance(getattr(index, "entries", None), list):
                index.add_entry_from_context = functools.partial(
                    CONVERSIONS.search_entries, index, index.add_entry_from_context, clean_html)
        if self.incremental is not None:
            for plugin in config.plugins.values():  # its own merging of dirty builds' entries: ours replaces it
                if hasattr(plugin, "search_index_prev"):
                    plugin.search_index_prev = None
            self.incremental.plan(self.site.path_prefix, config, files, self.site.pages,
                                  [self.site.alternates, self.site.path_prefix])
        self.files = files
        return files

    def on_nav(self, nav: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        if self.incremental is not None and self.site is not None:
            # The pages not rebuilt are not read by MkDocs; their front matter is what other pages' navigation
            # shows of them, read here as MkDocs would.
            for page in self.incremental.unchanged_pages(self.site.path_prefix, files):
                page.read_source(config)
                page.meta = safe_meta(page.meta or {})
        return nav

    def on_page_markdown(self, markdown: str, /, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        # The metadata MkDocs read from the page, in any of the forms it reads (---, ..., "key: value" lines),
        # held to what a page may set: Material writes title and description into <head> as they are.
        page.meta = safe_meta(page.meta or {})
        starts = self.site.parts.get(page.file.src_uri) if self.site is not None else None
        if starts and CONVERSIONS.keep:  # MkDocs calls page.render(config, files) next: part by part, each kept
            page.render = functools.partial(CONVERSIONS.render, page,
                                             parts_of(self.site.pages[page.file.src_uri], starts))
        return markdown

    def on_post_page(self, output: str, /, *, page: Any, config: MkDocsConfig) -> str:
        if self.site is None or not self.site.alternates:
            return output
        return language_links(output, page.url, self.site)

    def on_post_template(self, output_content: str, /, *, template_name: str, config: MkDocsConfig) -> str:
        if template_name == "sitemap.xml" and self.site is not None and self.site.alternates and config.site_url:
            return sitemap_alternates(output_content, self.site, config.site_url)
        return output_content

    def on_page_content(self, html: str, /, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        # The last guard: whatever a template (an office's) or text slipped past validation and escaping, only
        # the elements, attributes and links the handbook's own templates make reach the page.
        cleaned = clean_html(html)
        CONVERSIONS.cleaned(page, html, cleaned)
        return cleaned

    @event_priority(-50)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.pending is not None:
            run, self.pending = self.pending, None
            self.finishing = threading.Thread(target=self._finish_handouts, args=(run, Path(config.site_dir)),
                                              name="handbook-handouts", daemon=True)
            self.finishing.start()
        if self.incremental is not None and self.site is not None and self.files is not None:
            self.incremental.finish(self.site.path_prefix, config, self.files, self.site.pages)
        if self.site is not None and not self.nested:
            for other in self.site.others:  # the handbook's other languages, each into its folder of the site
                self._build_language(other, config)
        if self.serving and not self.warmed:
            # While the editor reads the first preview: what grading a changed page will need.
            self.warmed = True
            threading.Thread(target=warm_up, name="handbook-warm-up", daemon=True).start()
        if not (self.config.offline or self.offline):
            return
        index = Path(config.site_dir) / "search" / "search_index.json"
        if index.is_file():  # inlined into a script, which a page opened from disk may load
            script = index.with_name("search_index.js")
            script.write_text(f"var __index = {index.read_text(encoding='utf-8')}", encoding="utf-8")

    def _build_language(self, site: RenderedSite, config: MkDocsConfig) -> None:
        """Build ``site`` (one of the handbook's other languages) with MkDocs into ``site_dir/<language>/``: a
        build of its own, with its own search index (and stemmer), sitemap and 404 page."""
        from mkdocs.commands.build import build

        from .pipeline import load_mkdocs_config

        log.info("Building the handbook in %s into %s", site.language, site.path_prefix)
        folder = Path(config.site_dir) / site.path_prefix
        state = dict(vars(self))
        offline = self.offline or self.config.offline
        try:
            nested = load_mkdocs_config(Path(config.config_file_path), site_dir=str(folder), strict=config.strict)
            # MkDocs keeps one instance of each plugin for the whole process (this one, during `mkdocs serve`):
            # it serves the nested build, then gets its own state back.
            plugin = nested.plugins["handbook"]
            plugin.preloaded, plugin.nested, plugin.offline = site, True, offline
            nested.use_directory_urls = config.use_directory_urls
            build(nested, dirty=self.incremental is not None)
        finally:
            vars(self).clear()
            vars(self).update(state)

    def _wait_for_handouts(self) -> None:
        """The last build's handouts, if they are still being made, finished first (previewing only): a build
        must not start while an older PDF may still be written into the site."""
        if self.finishing is not None:
            self.finishing.join()
            self.finishing = None

    def _finish_handouts(self, run: PressRun, site_dir: Path) -> None:
        """Wait for the handouts started in on_config and put them in the built site, each in one step
        (previewing only; in a thread of its own)."""
        try:
            made, report = run.finish(_logged)
        except ContentError as error:
            for handout in run.pending:
                (site_dir / handout.path).unlink(missing_ok=True)
            log.error("Some PDF handouts could not be made; the pages are up to date, those handouts are not.\n"
                      "%s\n%s", format_plain(error.problems, excerpts=True), summarize(error.problems))
            return
        for handout in run.pending:
            target = site_dir / handout.path
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.part")
            shutil.copyfile(made[handout.path], partial)
            partial.replace(target)
        log.info("Handouts: %s", report.summary())

    def on_build_error(self, *, error: Exception) -> None:
        if self.incremental is not None:
            self.incremental.forget()

    def on_shutdown(self) -> None:
        self._wait_for_handouts()
        if self.press is not None:  # its worker processes, kept across the rebuilds of `mkdocs serve`
            self.press.close()
            self.press = None

    def on_serve(self, server, /, *, config: MkDocsConfig, builder):  # type: ignore[no-untyped-def]
        # docs_dir (the content) and mkdocs.yml are watched by MkDocs itself.
        server.watch(str(self.templates_dir(config)))
        if office := self.office(config):  # the office's own files, which sit beside the content
            server.watch(str(Path(config.config_file_path).parent / "offices" / office))
        return server
