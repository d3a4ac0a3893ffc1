"""The ``handbook`` command: check, build, preview and export a handbook.

Exit codes: 0 success; 1 the content has problems or the build failed (``site/`` is left as it was);
2 the command or the project is set up wrongly (unknown option, no mkdocs.yml, plugin missing); 3 the machine
failed (a full or read-only disk, a folder that cannot be written, a missing system library); 70 a bug in the
generator. No traceback is printed unless ``--debug`` (or ``HANDBOOK_DEBUG=1``) asks for one.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import click

from .failures import EXIT_BUG, EXIT_MACHINE, MachineError, from_os_error
from .pipeline import (
    BuildFailed,
    OfficeResult,
    Project,
    SetupError,
    build_all,
    build_site,
    export_project,
    make_handouts,
    what_was_built,
)
from .problems import ContentError, display_path, format_github, format_plain, summarize
from .render import RenderedSite
from .write import Busy, locked, write_files

config_option = click.option(
    "-f", "--config-file", type=click.Path(dir_okay=False, path_type=Path), default=Path("mkdocs.yml"),
    show_default=True, help="The handbook's MkDocs configuration.",
)


def _fail_setup(error: SetupError) -> NoReturn:
    click.secho(f"Error: {error}", fg="red", err=True)
    sys.exit(2)


def _project(config_file: Path, office: str | None = None) -> Project:
    """The project, for one office if ``office`` is given (its problems printed, exit 1)."""
    try:
        project = Project.from_config(config_file)
    except SetupError as error:
        _fail_setup(error)
    return _with_office(project, office)


def _with_office(project: Project, office: str | None) -> Project:
    """``project`` building ``office``'s handbook, if one is given (its problems printed, exit 1)."""
    try:
        return project.with_office(office)
    except ContentError as error:
        _report(error.problems)
        sys.exit(1)


office_option = click.option(
    "--office", metavar="SLUG", default=None,
    help="Work on this career office's handbook (the folder offices/SLUG/) instead of the base one.",
)


def _report(problems: list, output_format: str = "plain", summary: str | None = None, failed: bool = False) -> None:
    """Print every problem, then a line that counts them (red when ``failed``, or when no summary is given)."""
    if output_format == "github":
        click.echo(format_github(problems))
    else:
        for line in format_plain(problems, excerpts=True).splitlines():
            if line.startswith("  hint:"):
                click.secho(line, fg="cyan")
            elif line.startswith("  "):
                click.echo(line)
            else:
                where, _, rest = line.partition(": ")
                click.echo(click.style(where + ":", bold=True) + " " + rest)
    click.secho(summary or f"Found {summarize(problems)}.", fg="red" if summary is None or failed else "yellow",
                bold=True)


no_pdf_option = click.option(
    "--no-pdf", is_flag=True,
    help="Skip the PDF handouts: faster, and the pages do not link to them.",
)


def _generate(project: Project, output_format: str = "plain", strict: bool = False,
              handouts: bool = True, jobs: int | None = None) -> RenderedSite:
    """Run the pipeline (with the PDF handouts, unless switched off); print problems and exit 1 on errors (or,
    with ``strict``, on warnings too)."""
    site = None
    try:
        site = project.generate(handouts=handouts)
        if site.handouts:
            site = _print_handouts(project, site, jobs)
    except ContentError as error:
        # Errors and editorial warnings together, in one run: a warning never waits for the errors' fix.
        warnings = error.warnings or (list(site.warnings) if site is not None else [])
        summary = f"Found {summarize(error.problems)}"
        summary += f", and {summarize(warnings, 'warning')}." if warnings else "."
        _report(sorted([*error.problems, *warnings]), output_format, summary, failed=True)
        sys.exit(1)
    warnings = list(site.warnings)
    if warnings and strict:
        _report(warnings, output_format, f"Found {summarize(warnings, 'warning')}, which --strict counts as errors.")
        sys.exit(1)
    if warnings:
        _report(warnings, output_format, f"No errors; {summarize(warnings, 'warning')} (see above).")
    for note in site.notes:
        click.secho(f"Note: {note}", fg="cyan")
    return site


def _print_handouts(project: Project, site: RenderedSite, jobs: int | None = None) -> RenderedSite:
    """Make the PDF handouts, with a progress bar on a terminal and a summary line."""

    def progress(jobs: list) -> Iterator:
        if not jobs:
            return
        with click.progressbar(jobs, label="Making PDF handouts", show_pos=True, show_eta=False,
                               item_show_func=lambda job: job.path if job else None, file=sys.stderr) as bar:
            yield from bar

    press = project.press(jobs)
    try:
        site, report = make_handouts(site, press, progress)
    finally:
        press.close()
    click.echo(f"Handouts: {report.summary()}.", err=True)
    return site


def _debugging() -> bool:
    return os.environ.get("HANDBOOK_DEBUG", "").strip() not in ("", "0")


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        os.environ["HANDBOOK_DEBUG"] = "1"  # worker processes inherit it too


debug_option = click.option(
    "--debug", is_flag=True, expose_value=False, is_eager=True, callback=_set_debug,
    help="Print the full traceback when the machine or the generator fails (for a bug report); "
         "HANDBOOK_DEBUG=1 does the same.")


class _Handbook(click.Group):
    """The command group: a failure of the machine or of the generator itself is one message, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort, SystemExit,
                KeyboardInterrupt):
            raise
        except Exception as error:  # the last line of defence: plain words, an exit code
            if _debugging():
                raise
            _fail_machine(error)


def _fail_machine(error: Exception) -> NoReturn:
    """Say what failed and what to do; the site folder was left as it was (every write is staged)."""
    if isinstance(error, OSError):
        error = from_os_error(error)
    if isinstance(error, MachineError):
        click.secho(f"Error: {error.what}.", fg="red", bold=True, err=True)
        click.echo(f"  what to do: {error.fix}", err=True)
        click.echo("  Nothing was changed: the last site built is still in place.", err=True)
        sys.exit(EXIT_MACHINE)
    click.secho(f"Error: the handbook generator failed unexpectedly ({type(error).__name__}: {error}).",
                fg="red", bold=True, err=True)
    click.echo("  This is a bug in the generator, not in your content. The last site built is still in place.\n"
               "  Please report it with the output of the same command run with --debug.", err=True)
    sys.exit(EXIT_BUG)


@click.group(cls=_Handbook, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="career-handbook", prog_name="handbook")
@debug_option
def main() -> None:
    """Turn the handbook's YAML content into a website.

    Run the commands in the handbook's folder (the one with mkdocs.yml), or point to it with -f.
    """


@main.command()
@debug_option
@config_option
@click.option("--format", "output_format", type=click.Choice(["plain", "github"]), default="plain",
              show_default=True, help="plain for people; github for annotations in GitHub Actions.")
@click.option("--strict", is_flag=True, help="Treat editorial warnings as errors.")
@no_pdf_option
@office_option
def check(config_file: Path, output_format: str, strict: bool, no_pdf: bool, office: str | None) -> None:
    """Check every content file and list every problem found.

    Errors (content the handbook cannot be built from, a checklist too long for one printed page) exit
    with 1. Editorial warnings (a page with no sources, an old review date, hard-to-read text, a checklist
    item too long to print on one line) are listed but exit with 0, unless --strict is given.

    The PDF handouts are made too (kept for the next build), to check that each checklist fits on one
    page; --no-pdf skips them. With --office SLUG, the office's handbook is checked: its office.yml, pages,
    patches and templates, laid over the base.
    """
    project = _project(config_file, office)
    site = _generate(project, output_format, strict, handouts=not no_pdf)
    if not site.warnings:
        languages = [one.language for one in site.every_language]
        each = f", in each of {len(languages)} languages ({', '.join(languages)})" if len(languages) > 1 else ""
        click.secho(f"No problems found in {len(site.pages)} pages{each}.", fg="green")


@main.command()
@debug_option
@config_option
@click.option("--strict", is_flag=True,
              help="Treat editorial warnings and MkDocs warnings (such as a broken link) as errors.")
@click.option("-v", "--verbose", is_flag=True, help="Show everything MkDocs says while building.")
@no_pdf_option
@office_option
@click.option("--all", "all_offices", is_flag=True,
              help="Build every office in offices/, each into site/SLUG/, with an index at site/index.html.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="How many processes to use at once (default: one per processor core): with --all, "
                   "offices built at once; otherwise PDF handouts made at once.")
@click.option("--offline", is_flag=True,
              help="Build a site that works opened from disk (a USB stick, a shared folder), search included.")
@click.option("--shard", metavar="K/N", callback=lambda ctx, param, value: _shard(value),
              help="With --all: build only share K of N of the offices (every Nth office in alphabetical order, "
                   "from the Kth), for N build machines side by side; then put the shares together with "
                   "handbook assemble.")
def build(config_file: Path, strict: bool, verbose: bool, no_pdf: bool, office: str | None, all_offices: bool,
          jobs: int | None, offline: bool, shard: tuple[int, int] | None) -> None:
    """Check the content, then build the website and its PDF handouts into the site folder.

    Each checklist (and each guide or script marked printable) becomes site/handouts/<id>.pdf, and the
    packet chosen in handbook.yml site/handouts/packet.pdf. Handouts whose content did not change are
    reused from the last build (kept in .cache/ beside mkdocs.yml).

    The new site replaces the old one only when the whole build succeeded: if anything fails, the previous
    site folder is left exactly as it was.

    --office SLUG builds one career office's handbook into site/SLUG/. --all builds every office, several
    at once, and lists them in site/index.html; an office that fails keeps its last good version, the others
    are built anyway, and the command exits with 1.
    """
    if all_offices and office:
        raise click.UsageError("give --office SLUG or --all, not both")
    if shard and not all_offices:
        raise click.UsageError("--shard K/N shares out the offices: give it with --all")
    base = _project(config_file)
    try:
        with locked(base.site_dir):
            if all_offices:
                _build_all(base, strict=strict, handouts=not no_pdf, jobs=jobs, share=shard)
            else:
                _build(base, strict, verbose, no_pdf, office, jobs, offline)
    except Busy as error:
        click.secho(f"Error: {error}.", fg="red", err=True)
        sys.exit(1)


def _shard(value: str | None) -> tuple[int, int] | None:
    """``--shard 2/4`` → (2, 4)."""
    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", value)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise click.BadParameter(f"expected K/N, the share K of N (from 1/N to N/N), such as 2/4; got {value!r}",
                                 param_hint="'--shard'")
    return int(match[1]), int(match[2])


def _build(base: Project, strict: bool, verbose: bool, no_pdf: bool, office: str | None, jobs: int | None,
           offline: bool) -> None:
    start = time.monotonic()
    project = _with_office(base, office)
    try:
        site = _generate(project, strict=strict, handouts=not no_pdf, jobs=jobs)
        out = build_site(project, site, strict=strict, verbose=verbose, offline=offline)
    except KeyboardInterrupt:
        click.secho(f"Interrupted; {display_path(project.site_dir)}/ was left as it was.", fg="red", err=True)
        sys.exit(130)
    except BuildFailed as error:
        click.secho(f"The site could not be built; {display_path(project.site_dir)}/ was left as it was.",
                    fg="red", bold=True, err=True)
        click.echo(str(error), err=True)
        sys.exit(1)
    except SetupError as error:
        _fail_setup(error)
    click.secho(f"Built {what_was_built(site)} into {display_path(out)}/ in {time.monotonic() - start:.1f} s.",
                fg="green")


def _build_all(project: Project, *, strict: bool, handouts: bool, jobs: int | None,
               share: tuple[int, int] | None = None) -> None:
    from .offices import office_slugs
    from .pipeline import shard

    start = time.monotonic()
    slugs = office_slugs(project.offices_dir)
    if not slugs:
        _fail_setup(SetupError(f"there are no offices in {display_path(project.offices_dir)}/: "
                               "create one with: handbook new-office SLUG"))
    if share:
        every = len(slugs)
        slugs = shard(slugs, *share)
        click.echo(f"Share {share[0]} of {share[1]}: {len(slugs)} of the {every} offices.", err=True)
        if not slugs:
            click.secho("Nothing to build in this share: there are more shares than offices.", fg="green")
            return
    workers = min(jobs or os.cpu_count() or 1, len(slugs))
    click.echo(f"Building {len(slugs)} offices, {workers} at a time...", err=True)

    def done(result: OfficeResult) -> None:
        mark = click.style("ok", fg="green") if result.ok else click.style("FAILED", fg="red", bold=True)
        click.echo(f"  {result.slug:<24} {mark}  {result.summary} ({result.seconds:.1f} s)")
        if not result.ok:
            click.echo("\n".join("      " + line for line in result.details.splitlines()))

    try:
        results = build_all(project, slugs, jobs=workers, strict=strict, handouts=handouts, done=done,
                            index=share is None)
    except KeyboardInterrupt:
        click.secho(f"Interrupted; {display_path(project.site_dir)}/ was left as it was.", fg="red", err=True)
        sys.exit(130)
    failed = [r for r in results if not r.ok]
    message = (f"Built {len(results) - len(failed)} of {len(results)} offices into {display_path(project.site_dir)}/ "
               f"in {time.monotonic() - start:.1f} s.")
    if failed:
        click.secho(f"{message} Failed: {', '.join(r.slug for r in failed)} (each keeps its last good version).",
                    fg="red", bold=True)
        sys.exit(1)
    click.secho(message, fg="green")


@main.command()
@debug_option
@config_option
@click.argument("shards", nargs=-1, required=True, type=click.Path(path_type=Path))
def assemble(config_file: Path, shards: tuple[Path, ...]) -> None:
    """Put together the sites of `handbook build --all --shard K/N` into the site folder, with the index of
    every office: the same site, byte for byte, as one `handbook build --all`.

    Give the folder each shard built (its site/ folder, as the build machine handed it on). An office missing
    from every shard (its build failed) is listed as not built yet.
    """
    from .pipeline import assemble as put_together

    project = _project(config_file)
    start = time.monotonic()
    try:
        with locked(project.site_dir):
            results = put_together(project, list(shards))
    except Busy as error:
        click.secho(f"Error: {error}.", fg="red", err=True)
        sys.exit(1)
    except SetupError as error:
        _fail_setup(error)
    missing = [result.slug for result in results if not result.ok]
    message = (f"Assembled {len(results) - len(missing)} of {len(results)} offices from {len(shards)} shares into "
               f"{display_path(project.site_dir)}/ in {time.monotonic() - start:.1f} s.")
    if missing:
        click.secho(f"{message} Not built by any share: {', '.join(missing)}.", fg="red", bold=True)
        sys.exit(1)
    click.secho(message, fg="green")


@main.command(name="new-office")
@debug_option
@config_option
@click.argument("slug")
def new_office(config_file: Path, slug: str) -> None:
    """Start a career office's handbook: write offices/SLUG/office.yml, ready to edit and to build.

    SLUG names the office's folder and its site's folder: lowercase letters, digits and hyphens.
    """
    import re

    from .models import ID_PATTERN
    from .offices import OFFICE_FILE, office_template

    project = _project(config_file)
    if not re.match(ID_PATTERN, slug):
        raise click.BadParameter("use lowercase letters, digits and hyphens, like northfield-careers",
                                 param_hint="SLUG")
    folder = project.offices_dir / slug
    if folder.exists():
        _fail_setup(SetupError(f"{display_path(folder)}/ already exists"))
    folder.mkdir(parents=True)
    (folder / OFFICE_FILE).write_text(office_template(slug), encoding="utf-8", newline="\n")
    _accept(project, slug, ())  # the base it starts from: so check can say when the base moves on
    click.secho(f"Created {display_path(folder / OFFICE_FILE)}. Edit it, then run: handbook build --office {slug}",
                fg="green")


@main.group()
def offices() -> None:
    """Keep career offices' handbooks up to date with the shared base.

    Each office records the parts of the base its own pages, patches, hidden pages and templates were made
    from (offices/SLUG/base-stamps.yml). `handbook check --office SLUG` warns when one of them changed in the
    base since; `offices status` shows every office at once; `offices accept` records the base as it is now.
    """


@offices.command()
@debug_option
@config_option
@click.option("--format", "output_format", type=click.Choice(["plain", "json"]), default="plain",
              show_default=True, help="plain for people; json for tools.")
@click.option("--strict", is_flag=True, help="Exit with 1 when any office is behind the base or in conflict (for CI).")
def status(config_file: Path, output_format: str, strict: bool) -> None:
    """One line per office: up to date, behind the base, or in conflict with it."""
    import json

    from .load import load_tree
    from .offices import office_slugs
    from .overlays import StampsError, drift

    project = _project(config_file)
    base = load_tree(project.content_dir)
    reports = []
    for slug in office_slugs(project.offices_dir):
        office = _with_office(project, slug).office
        assert office is not None
        try:
            reports.append(drift(office, base, project.templates_dir))
        except StampsError as error:
            click.secho(f"Error: {error}", fg="red", err=True)
            sys.exit(1)
    if output_format == "json":
        click.echo(json.dumps([_report_json(report, project) for report in reports], indent=2, ensure_ascii=False))
    else:
        width = max([len(r.slug) for r in reports] + [6])
        click.echo(f"{'office':<{width}}  {'state':<10}  changed in the base since accepted")
        for report in reports:
            colour = {"up to date": "green", "behind": "yellow", "conflict": "red"}[report.state]
            what = ("no record of the base yet: run handbook offices accept " + report.slug if not report.stamped
                    else ", ".join(d.overlay.id + (" (not recorded)" if d.unrecorded else " (gone from the base)"
                                                   if d.vanished else "")
                                   for d in report.drifts) or "nothing")
            if report.new_pages:
                what += f"; {len(report.new_pages)} new base page{'s' if len(report.new_pages) != 1 else ''}"
            click.echo(f"{report.slug:<{width}}  " + click.style(f"{report.state:<10}", fg=colour) + f"  {what}")
        if not reports:
            click.echo("(no offices: create one with handbook new-office SLUG)")
    if strict and any(report.state != "up to date" for report in reports):
        sys.exit(1)


def _report_json(report: object, project: Project) -> dict:
    from .overlays import DriftReport

    assert isinstance(report, DriftReport)
    root = project.config_file.parent

    def rel(path: Path) -> str:
        return display_path(path, root)

    return {
        "office": report.slug, "state": report.state, "recorded": report.stamped,
        "new_base_pages": report.new_pages,
        "changes": [{"override": d.overlay.kind, "name": d.overlay.name, "file": rel(d.overlay.over),
                     "base": rel(d.overlay.base),
                     "state": "not recorded" if d.unrecorded else "gone from the base" if d.vanished else d.state,
                     "fields": {path: {"old": old, "new": new} for path, (old, new) in d.changes.items()}}
                    for d in report.drifts],
    }


@offices.command(name="accept")
@debug_option
@config_option
@click.argument("slug")
@click.argument("names", nargs=-1, metavar="[PAGE|TEMPLATE]...")
def accept_command(config_file: Path, slug: str, names: tuple[str, ...]) -> None:
    """Record the base as it is now for office SLUG, after reviewing what changed.

    With page ids or template names, only those are recorded (the rest stay as they were); without, every
    replaced page, patch, hidden page and template, and the list of base pages the office has seen.
    """
    project = _project(config_file)
    recorded = _accept(project, slug, names)
    listed = ", ".join(recorded) if recorded else "no changes of its own yet"
    click.secho(f"Recorded the base for {slug}: {listed}.", fg="green")


def _accept(project: Project, slug: str, names: tuple[str, ...]) -> list[str]:
    from .load import load_tree
    from .overlays import StampsError, accept, unknown_names

    office = _with_office(project, slug).office
    assert office is not None
    base = load_tree(project.content_dir)
    unknown = unknown_names(office, base, project.templates_dir, names)
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)}: the office replaces, patches, hides or overrides no such "
                                 "page or template", param_hint="PAGE|TEMPLATE")
    try:
        _, recorded = accept(office, base, project.templates_dir, project.config_file.parent, names)
    except StampsError as error:
        click.secho(f"Error: {error}", fg="red", err=True)
        sys.exit(1)
    return recorded


@main.group(invoke_without_command=True)
@debug_option
@config_option
@click.option("--lang", "languages", metavar="LANG", multiple=True,
              help="Report on this language only (repeat for several). Default: every language published or "
                   "with a folder in content/i18n/.")
@office_option
@click.option("--format", "output_format", type=click.Choice(["plain", "json"]), default="plain",
              show_default=True, help="plain for people; json for tools.")
@click.option("--strict", is_flag=True, help="Exit with 1 when any translation is behind or missing (for CI).")
@click.pass_context
def translations(ctx: click.Context, config_file: Path, languages: tuple[str, ...], office: str | None,
                 output_format: str, strict: bool) -> None:
    """What needs translating: per language, the pages up to date, behind their original, and missing.

    A translation is behind when its original's words changed since it was stamped (`handbook translations
    stamp`); the plain report shows what changed, field by field. With --office SLUG, the languages that office
    publishes, without the pages it hides or replaces.
    """
    if ctx.invoked_subcommand is not None:
        return
    import json

    from .translations import StampsError

    project = _project(config_file, office)
    try:
        reports = _translation_reports(project, list(languages))
    except StampsError as error:
        click.secho(f"Error: {error}", fg="red", err=True)
        sys.exit(1)
    root = project.config_file.parent
    if output_format == "json":
        click.echo(json.dumps([_translation_json(found, root) for found in reports], indent=2, ensure_ascii=False))
    else:
        _print_translation_reports(reports, root)
    if strict and not all(found.complete for found in reports):
        sys.exit(1)


def _translation_reports(project: Project, languages: list[str]) -> list:
    from .load import load_tree
    from .pipeline import published_languages
    from .translations import LanguageReport, Translated, original_language, report, translated_languages

    base = load_tree(project.content_dir)
    original = original_language(base)
    office = project.office
    wanted = languages or [language for language in dict.fromkeys(
        [*published_languages(base, office), *([] if office else translated_languages(project.content_dir))])
        if language != original]
    if office is not None and not languages:  # the office's languages, and those its own pages need
        wanted = [language for language in office.settings.published
                  if language != original or language != office.settings.language]
    reports = []
    for language in wanted:
        found = report(base, language) if language != original else LanguageReport(language, [])
        if office is not None:  # the base's pages the office publishes, then its own in its other languages
            skip = set(office.settings.hide) | office.own_ids(patches=False)
            pages = [page for page in found.pages if page.page_id not in skip]
            if language != office.settings.language:
                own = report(base, language, pages=Translated.of_office(office, language, project.config_file.parent))
                pages += own.pages
            found = LanguageReport(language, pages)
        reports.append(found)
    return reports


def _print_translation_reports(reports: list, root: Path) -> None:
    from .translations import BEHIND, MISSING, UP_TO_DATE, iter_changes

    if not reports:
        click.echo("No translations: the handbook is published in its original language only. See \"Translating "
                   "the handbook\" in the README to add one.")
    for found in reports:
        counts = {state: len(found.ids(state)) for state in (UP_TO_DATE, BEHIND, MISSING)}
        click.secho(f"{found.language}: {counts[UP_TO_DATE]} up to date, {counts[BEHIND]} behind, "
                    f"{counts[MISSING]} missing", bold=True)
        for page in found.pages:
            if page.state == BEHIND:
                why = "never stamped" if page.unstamped else "its original changed"
                click.echo("  " + click.style("behind ", fg="yellow") + f" {page.page_id} ({why}): "
                           f"{display_path(page.translation, root)}")
                for change in list(iter_changes(page))[:8]:
                    click.echo(f"      {change}")
            elif page.state == MISSING:
                click.echo("  " + click.style("missing", fg="red") + f"  {page.page_id}: translate "
                           f"{display_path(page.original, root)}")
        if counts[BEHIND]:
            click.echo(f"  Once a translation is up to date: handbook translations stamp {found.language} PAGE")


def _translation_json(found: object, root: Path) -> dict:
    from .translations import BEHIND, MISSING, UP_TO_DATE, LanguageReport

    assert isinstance(found, LanguageReport)
    return {
        "language": found.language,
        "up_to_date": found.ids(UP_TO_DATE),
        "behind": [{"page": page.page_id, "translation": display_path(page.translation, root),
                    "original": display_path(page.original, root), "stamped": not page.unstamped,
                    "original_changed_on": page.changed_on.isoformat() if page.changed_on else None,
                    "changes": {path: {"old": old, "new": new} for path, (old, new) in page.changes.items()}}
                   for page in found.pages if page.state == BEHIND and page.translation is not None],
        "missing": found.ids(MISSING),
    }


@translations.command(name="stamp")
@debug_option
@config_option
@office_option
@click.argument("language", metavar="LANG")
@click.argument("pages", nargs=-1, metavar="[PAGE]...")
def stamp_command(config_file: Path, office: str | None, language: str, pages: tuple[str, ...]) -> None:
    """Record that the LANG translations of PAGE... (every translated page when none is given) are up to date
    with their originals as they are now (content/i18n/LANG/translation-stamps.yml). With --office SLUG, the
    office's own pages and patches (offices/SLUG/i18n/LANG/translation-stamps.yml)."""
    from .load import load_tree
    from .translations import STAMPS_FILE, StampsError, Translated, stamp, translation_root

    project = _project(config_file, office)
    own = (Translated.of_office(project.office, language, project.config_file.parent)
           if project.office is not None else None)
    folder = own.folder if own is not None else translation_root(project.content_dir, language)
    if not folder.is_dir():
        raise click.BadParameter(f"there are no translations into {language}: {display_path(folder)}/ does not exist",
                                 param_hint="LANG")
    try:
        stamped = stamp(load_tree(project.content_dir), language, pages, own)
    except ValueError as error:
        raise click.BadParameter(f"{error}: no translation into {language} of such a page",
                                 param_hint="PAGE") from None
    except StampsError as error:
        click.secho(f"Error: {error}", fg="red", err=True)
        sys.exit(1)
    listed = ", ".join(stamped) if len(stamped) <= 8 else f"{len(stamped)} pages"
    click.secho(f"Stamped {listed} in {display_path(folder / STAMPS_FILE)}.", fg="green")


def _quicker_live_reload() -> type:
    """MkDocs's live-reload server, looking for saved files every tenth of a second instead of every half: a
    save's rebuild now takes a few tenths of a second, which the half-second wait would double. (Polling,
    as MkDocs does, works with every editor's way of saving and on every file system.)"""
    from mkdocs.livereload import LiveReloadServer

    class QuickerLiveReload(LiveReloadServer):
        def __init__(self, *args: object, **kwargs: object) -> None:
            kwargs.setdefault("polling_interval", 0.1)
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    return QuickerLiveReload


@main.command()
@debug_option
@config_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="IP:PORT",
              help="Where to serve the preview.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the default browser.")
@office_option
def serve(config_file: Path, dev_addr: str, open_browser: bool, office: str | None) -> None:
    """Preview the handbook, rebuilding it whenever content or templates change.

    Leave it running while you edit: each save rebuilds the pages and reloads the browser. If a change has
    a problem, the problem is shown here and the preview keeps the last good version. With --office SLUG,
    it previews that office's handbook, and watches offices/SLUG/ too.
    """
    import mkdocs.commands.serve
    from mkdocs.commands.serve import serve as mkdocs_serve

    from .plugin import HandbookPlugin

    mkdocs.commands.serve.LiveReloadServer = _quicker_live_reload()  # type: ignore[misc]

    project = _project(config_file, office)
    _generate(project, handouts=False)  # report problems plainly before starting the server
    HandbookPlugin.serve_office = office
    logger = logging.getLogger("mkdocs")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        # Dirty builds: after a save, only the pages it changed are built again (see generator/preview.py).
        mkdocs_serve(config_file=str(project.config_file), dev_addr=dev_addr, livereload=True, build_type="dirty",
                     open_in_browser=open_browser)
    except KeyboardInterrupt:
        pass
    except SystemExit as error:  # MkDocs's Abort after it has logged the reason
        sys.exit(error.code)


@main.command()
@debug_option
@config_option
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@no_pdf_option
@office_option
def export(config_file: Path, out_dir: Path, no_pdf: bool, office: str | None) -> None:
    """Write a standalone MkDocs project to OUT_DIR.

    It holds the generated Markdown, the assets and an mkdocs.yml with the navigation and settings written
    out, so `mkdocs build` in OUT_DIR builds the handbook without this plugin (MkDocs 1.x, ProperDocs or
    Zensical). OUT_DIR must be new or empty.
    """
    project = _project(config_file, office)
    try:
        site = _generate(project, handouts=not no_pdf)
        export_project(project, site, out_dir)
    except KeyboardInterrupt:
        click.secho("Interrupted; nothing was exported.", fg="red", err=True)
        sys.exit(130)
    except SetupError as error:
        _fail_setup(error)
    others = "".join(f" && (cd {other.path_prefix} && mkdocs build)" for other in site.others)
    each = f", in each of {len(site.every_language)} languages," if site.others else ""
    click.secho(f"Exported {len(site.pages)} pages{each} to {display_path(out_dir.resolve())}/. "
                f"Build it with: cd {out_dir} && mkdocs build{others}", fg="green")


def _differing(folder: Path, texts: dict[str, str]) -> list[str]:
    """The files of ``texts`` that ``folder`` lacks or holds with other text (``schema``'s and ``cms``'s check)."""
    return sorted(name for name, text in texts.items()
                  if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text)


@main.command()
@debug_option
@config_option
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit with 1 if the files in schema/ differ from the models.")
def schema(config_file: Path, check_only: bool) -> None:
    """Write the JSON Schemas of every kind of content file into schema/, for editors' completion.

    A content file that starts with "# yaml-language-server: $schema=<path>" gets completion, field
    descriptions and errors as you type in editors that speak YAML (VS Code with the YAML extension, and
    others). The schemas come from the same models as the checks.
    """
    from .schema import SCHEMA_DIR, schema_texts

    folder = config_file.resolve().parent / SCHEMA_DIR
    texts = schema_texts()
    stale = _differing(folder, texts)
    if check_only:
        if stale:
            click.secho(f"Out of date in {display_path(folder)}/: {', '.join(stale)}. Run: handbook schema",
                        fg="red", err=True)
            sys.exit(1)
        click.secho(f"The {len(texts)} schemas in {display_path(folder)}/ match the models.", fg="green")
        return
    write_files(folder, texts, {})
    click.secho(f"Wrote {len(texts)} schemas into {display_path(folder)}/ ({len(stale)} changed).", fg="green")


@main.command()
@debug_option
def fields() -> None:
    """Print the reference of every field a content file can hold (Markdown)."""
    from .reference import field_reference

    click.echo(field_reference(), nl=False)


@main.command()
@debug_option
@config_option
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit with 1 if the files in admin/ differ from the models and the content "
                   "(with --normalise: if a content file is not yet written the editor's way).")
@click.option("--normalise", "--normalize", "normalise_files", is_flag=True,
              help="Also rewrite every file the editor can save the way it saves them, so that a save in the "
                   "editor then changes only what was edited (needs Node.js). Do it once, then commit.")
def cms(config_file: Path, check_only: bool, normalise_files: bool) -> None:
    """Write the browser editor's configuration (admin/config.yml) from the models and the content.

    Each kind of page gets a form: every field with its label, its help, whether it is required, and choices
    from the content as it is (phases, pages, sources, audiences). Run it again after adding pages, sources,
    phases or audiences, and commit admin/. An office's patches stay text files: see EDITING.md.
    """
    from .cms import CONFIG_FILE, FORMATS_FILE, editor_files, files_to_normalise
    from .editing import EditorError, editor_dir, normalise

    project = _project(config_file)
    root = project.config_file.parent
    folder = editor_dir(root)
    texts = editor_files(root, project.content_dir)
    stale = _differing(folder, texts)
    changed: list[Path] = []
    if normalise_files:
        try:
            changed = normalise(root, files_to_normalise(root, texts[CONFIG_FILE]), texts[FORMATS_FILE],
                                check=check_only)
        except EditorError as error:
            click.secho(f"Error: {error}", fg="red", err=True)
            sys.exit(2)
    shown = [display_path(path) for path in changed]
    if check_only:
        if stale:
            click.secho(f"Out of date in {display_path(folder)}/: {', '.join(stale)}. Run: handbook cms, then "
                        "commit admin/.", fg="red", err=True)
        if shown:
            click.secho("Not yet written the way the editor saves files:\n  " + "\n  ".join(shown)
                        + "\nRun: handbook cms --normalise, then commit.", fg="red", err=True)
        if stale or shown:
            sys.exit(1)
        click.secho(f"The editor's configuration in {display_path(folder)}/ is up to date"
                    + (", and every file is written the editor's way." if normalise_files else "."), fg="green")
        return
    write_files(folder, texts, {})
    click.secho(f"Wrote the editor's configuration into {display_path(folder)}/ ({len(stale)} of {len(texts)} "
                "files changed).", fg="green")
    if normalise_files:
        click.secho(f"Rewrote {len(shown)} files the way the editor saves them"
                    + (":\n  " + "\n  ".join(shown) if shown else "."), fg="green")


@main.command()
@debug_option
@config_option
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="The editor's port on this computer (127.0.0.1); the git server takes the next free one. "
                   "0: any free port.")
@click.option("--preview-port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The live preview's port (127.0.0.1). 0: any free port.")
@click.option("--no-preview", is_flag=True, help="Do not start the live preview beside the forms.")
@click.option("--no-browser", is_flag=True, help="Do not open the editor in the default browser.")
@click.option("--office", metavar="SLUG", default=None,
              help="Preview this career office's handbook beside the forms (its own pages, and the base pages "
                   "as it publishes them).")
def edit(config_file: Path, port: int, preview_port: int, no_preview: bool, no_browser: bool,
         office: str | None) -> None:
    """Edit the handbook in the browser: a form for each page, and each Publish saved as a git commit.

    Starts the editor on this computer only (127.0.0.1), with the live preview beside each form, and opens
    it in the browser. Publish saves the page as one commit on the current branch, named after the page.
    The first time, it installs the editor's packages (it needs Node.js 20 or later). Stop it with Ctrl+C.
    """
    import webbrowser

    from .editing import EditorError, running

    project = _project(config_file, office)  # an office that does not build is reported before anything starts
    root = project.config_file.parent
    try:
        with running(root, project.content_dir, project.config_file, port=port,
                     preview_port=None if no_preview else preview_port, say=click.echo, office=office) as address:
            click.secho(f"The editor is open at {address}", fg="green", bold=True)
            click.echo("Each Publish saves the page as a commit on the current branch. Stop the editor with "
                       "Ctrl+C.")
            if not no_browser:
                webbrowser.open(address)
            while True:
                time.sleep(3600)
    except EditorError as error:
        click.secho(f"Error: {error}", fg="red", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("The editor has stopped; everything you published is committed.")
