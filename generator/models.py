"""The content model: one typed model per page kind, and one for each site-wide file.

Each field's docstring is what an editor reads about it (it becomes the field's description in the JSON
Schema). Models check the shape of one file; checks across files (does that related page exist?) live in
:mod:`generator.validate`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    StrictBool,
    StrictInt,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Plain text on one line; inline Markdown (**bold**, *italics*, [links](https://…)) is allowed."""
Markdown = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1),
                     Field(json_schema_extra={"contentMediaType": "text/markdown"})]
"""Markdown that may run over several paragraphs."""
PageId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
SourceId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
PhaseId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
# A web address: http(s), then none of the characters a web address cannot hold as they are (spaces, quotes,
# angle brackets, backslashes…), which could otherwise end an HTML attribute early.
URL_PATTERN = r"^https?://[^\s\"'<>\\^`{|}]+$"
Url = Annotated[str, StringConstraints(strip_whitespace=True, pattern=URL_PATTERN)]


def _iso_date(value: Any) -> Any:
    """Accept a YAML date or its quoted form; refuse numbers and times, which pydantic would read as dates."""
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("handbook_date", "expected a date without a time, written as YYYY-MM-DD")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError("handbook_date", "expected a date written as YYYY-MM-DD, like 2025-06-30")


Date = Annotated[dt.date, BeforeValidator(_iso_date)]


class Model(BaseModel):
    """Shared settings: unknown keys are errors, and field docstrings document the schema."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


# --- site-wide files -------------------------------------------------------------------------------------


class Phase(Model):
    """One stage of the job search; the handbook is read in the order of its phases."""

    id: PhaseId
    """Short name that pages use in their `phase` field, such as `before`."""
    title: Text
    """Heading for this phase in the navigation and on the home page."""
    summary: Text | None = None
    """One sentence under the phase's heading on the home page."""


AudienceId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]


class Audience(Model):
    """A group of readers some guidance is for, such as students graduating this year."""

    id: AudienceId
    """Short name that pages, sections and items use in their `audiences` field, such as `graduates`."""
    title: Text
    """Who they are, as a reader would say it, such as `Students graduating this year`. Shown beside guidance
    that is for them only."""


Audiences = Annotated[list[AudienceId], Field(json_schema_extra={"uniqueItems": True})]


class Editorial(Model):
    """Limits for the editorial warnings of `handbook check` (errors with `--strict`)."""

    review_every_months: Annotated[StrictInt, Field(ge=1, le=120)] = 12
    """Warn when a page's `reviewed` date is older than this many months."""
    max_reading_grade: Annotated[float, Field(ge=1, le=20)] = 9
    """Warn when a page reads above this school grade (Flesch-Kincaid)."""
    max_sentence_words: Annotated[StrictInt, Field(ge=5, le=100)] = 30
    """Warn about any sentence longer than this many words."""
    min_reading_ease: dict[Language, Annotated[float, Field(ge=0, le=100)]] = {"fr": 60, "es": 60}
    """For pages in languages other than English: warn when a page's reading ease (0 to 100, higher is easier)
    is below this, per language. French is graded with Kandel and Moles's Flesch formula, Spanish with
    Fernández Huerta's, German with Amstad's, Italian with Flesch-Vacca's. 60 is plain language."""


LANGUAGE_PATTERN = r"^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-[A-Z]{2})?$"
Language = Annotated[str, StringConstraints(strip_whitespace=True, pattern=LANGUAGE_PATTERN)]
"""A language code: two or three lowercase letters, such as `en`, `fr` or `es`, with a region if it matters
(`pt-BR`). The site's words need a catalog in that language (templates/locale/); see "Translating the
handbook"."""


def _languages_agree(main: str, languages: list[str], where: str) -> None:
    if languages and main not in languages:
        raise PydanticCustomError("handbook_languages", f"`language` ({{main}}) must be one of `languages` "
                                  f"({{listed}}): {where}", {"main": main, "listed": ", ".join(languages)})
    if len(set(languages)) != len(languages):
        raise PydanticCustomError("handbook_languages", "`languages` lists a language twice")

EMAIL_PATTERN = r"^[^@\s<>()\[\]\\,;:\"]+@[^@\s<>()\[\]\\,;:\"]+\.[A-Za-z]{2,}$"
PHONE_PATTERN = r"^\+?[0-9(][0-9 ().\-]{3,30}(?: ?(?:ext\.?|x) ?[0-9]{1,6})?$"
Email = Annotated[str, StringConstraints(strip_whitespace=True, pattern=EMAIL_PATTERN)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=PHONE_PATTERN)]


class Contact(Model):
    """How job seekers reach the office, printed on every handout. Fill in the ways you want to be reached."""

    email: Email | None = None
    """Email address, such as `careers@example.edu`."""
    phone: Phone | None = None
    """Phone number as people dial it, such as `+1 555 0100` or `(555) 010-0199`."""
    address: Text | None = None
    """Where the office is, on one line."""
    hours: Text | None = None
    """When the office is open, such as `Monday to Friday, 9 am to 5 pm`."""


class Resource(Model):
    """A local service that helps job seekers, listed on the "Local resources" page."""

    name: Text
    """The service's name."""
    offers: Text
    """What it offers, in a sentence."""
    address: Text | None = None
    """Where it is, on one line."""
    phone: Phone | None = None
    """Its phone number."""
    url: Url | None = None
    """Its website, starting with https://."""


class Office(Model):
    """The career office that publishes the handbook, as it appears on every page and handout."""

    name: Text
    """The office's full name, such as `Northfield University Career Centre`."""
    short_name: Text | None = None
    """A shorter name, for the line printed at the top of each page printed from the site."""
    contact: Contact = Contact()
    """How to reach the office."""
    booking_url: Url | None = None
    """Web address where people book an appointment, starting with https://."""
    resources: list[Resource] = []
    """Local services to list on a "Local resources" page (no page when empty)."""


HEX_COLOR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
HexColor = Annotated[str, StringConstraints(strip_whitespace=True, pattern=HEX_COLOR_PATTERN)]


class Colors(Model):
    """The office's colours, as six-digit hex codes like `#1f5f8b`. White text must be readable on each."""

    primary: HexColor = "#283593"
    """The header and headings."""
    accent: HexColor = "#283593"
    """Links under the pointer, and buttons."""


class OfficeFile(Model):
    """`offices/<slug>/office.yml`: one career office's version of the handbook."""

    name: Text
    """The office's full name: the site's name, and on every page and handout."""
    short_name: Text | None = None
    """A shorter name, for the line printed at the top of each page printed from the site (defaults to `name`)."""
    logo: Text | None = None
    """The office's logo: an SVG or PNG file in the office's folder, such as `logo.svg`. Also the favicon."""
    colors: Colors = Colors()
    """The office's colours."""
    contact: Contact = Contact()
    """How to reach the office."""
    booking_url: Url | None = None
    """Web address where people book an appointment, starting with https://."""
    site_url: Url | None = None
    """The address where this office's handbook is published (printed on handouts)."""
    language: Language = "en"
    """The office's language: its handbook is published in it (the base pages in their translation), and its own
    pages and patches are written in it. `en`, `fr`, `es`, or any language with a catalog."""
    languages: list[Language] = []
    """To publish in several languages: the list, `language` first, such as `[fr, en]`. The first is at the
    handbook's address, each other one under its code (`en/`), with a language menu on every page."""
    translation_notices: StrictBool = True
    """Show a short notice on a translated page whose original changed since it was translated. (The notice on
    a page not translated at all is always shown.)"""
    paper: Literal["letter", "a4"] = "letter"
    """Paper size of the PDF handouts: `letter` (US) or `a4`."""
    hide: list[PageId] = []
    """Ids of base pages this office does not publish. Links to them are removed."""
    audiences: Audiences = []
    """The audiences this office serves (ids from `audiences` in `handbook.yml`). Pages, sections and items meant
    only for other audiences are left out of its site and handouts. Leave it out to serve every audience."""
    resources: list[Resource] = []
    """Local services, listed on a "Local resources" page."""

    @model_validator(mode="after")
    def _languages(self) -> OfficeFile:
        if self.languages and "language" not in self.model_fields_set:
            object.__setattr__(self, "language", self.languages[0])
        _languages_agree(self.language, self.languages, "list it there, or leave `language` out")
        if self.languages and self.languages[0] != self.language:
            raise PydanticCustomError("handbook_languages", "`languages` starts with the office's main language, "
                                      "`language` ({main}): move it first", {"main": self.language})
        return self

    @property
    def published(self) -> list[str]:
        """The languages this office publishes, its main one first."""
        return list(self.languages) or [self.language]


REPO_PATTERN = r"^[\w.-]+(?:/[\w.-]+)+$"
GIT_HOSTS = {"gitlab": "https://gitlab.com", "forgejo": None, "gitea": None, "github": "https://github.com"}


class Editor(Model):
    """Editing in the browser through the office's git host (`handbook edit`, on this computer, needs none of
    this). See EDITING.md, "Setting up editing through your git host"."""

    host: Literal["gitlab", "forgejo", "gitea", "github"]
    """Where the handbook's repository is kept: `gitlab` (GitLab.com or your own GitLab), `forgejo` (a Forgejo
    server, such as Codeberg), `gitea` (a Gitea server) or `github`."""
    repo: Annotated[str, StringConstraints(strip_whitespace=True, pattern=REPO_PATTERN)]
    """The repository, as `owner/name` (on GitLab, `group/subgroup/name` too)."""
    branch: Text = "main"
    """The branch the handbook is published from. Each save is a commit on it, or, with `review: true`, a
    change request against it."""
    address: Url | None = None
    """The host's address when it is not GitLab.com or GitHub: your own GitLab (`https://gitlab.example.org`),
    or a Forgejo or Gitea server (`https://codeberg.org`). Required for `forgejo` and `gitea`."""
    app_id: Text | None = None
    """GitLab, Forgejo and Gitea: the Application ID (Client ID) of the OAuth application registered for the
    editor (no server of your own is needed). Required for `gitlab`, `forgejo` and `gitea`."""
    auth_url: Url | None = None
    """GitHub only: the address of the OAuth helper that signs editors in to GitHub. Required for `github`."""
    review: StrictBool = False
    """`true`: each save becomes a change request (a pull or merge request) for someone to review and merge,
    instead of a commit on `branch`. Not with `gitea`, whose editor saves commits only."""
    publish: StrictBool = False
    """`true`: the editor is published with the site, at `admin/`. Leave it `false` to keep it off the site;
    `handbook edit` works either way."""

    @model_validator(mode="after")
    def _sign_in(self) -> Editor:
        needs = {"gitlab": ["app_id"], "forgejo": ["address", "app_id"], "gitea": ["address", "app_id"],
                 "github": ["auth_url"]}[self.host]
        missing = [name for name in needs if getattr(self, name) is None]
        if missing:
            raise PydanticCustomError("handbook_editor", "`host: {host}` needs {missing}: see EDITING.md, "
                                      "\"Setting up editing through your git host\"",
                                      {"host": self.host, "missing": " and ".join(f"`{m}`" for m in missing)})
        if self.auth_url is not None and self.host != "github":
            raise PydanticCustomError("handbook_editor", "`auth_url` is only for `host: github`: remove it")
        if self.review and self.host == "gitea":
            raise PydanticCustomError("handbook_editor", "the editor cannot send changes for review through Gitea "
                                      "(each save is a commit): remove `review: true`, or, if your server runs "
                                      "Forgejo, write `host: forgejo`")
        return self

    @property
    def address_or_default(self) -> str:
        return (self.address or GIT_HOSTS[self.host] or "").rstrip("/")


class HandbookSettings(Model):
    """`content/handbook.yml`: the handbook as a whole."""

    title: Text
    """The handbook's name, shown in the header and in the browser tab."""
    description: Text
    """One or two sentences that describe the handbook (used by search engines and link previews)."""
    language: Language = "en"
    """The language the content is written in: `en` (English), `fr`, `es`, or any language with a catalog.
    Translations of the pages live in `content/i18n/<language>/`."""
    languages: list[Language] = []
    """The languages to publish, the first at the handbook's address and each other under its code (`fr/`),
    with a language menu on every page, such as `[en, fr, es]`. Leave it out to publish `language` only."""
    paper: Literal["letter", "a4"] = "letter"
    """Paper size for printed handouts: `letter` (US) or `a4`."""
    phases: Annotated[list[Phase], Field(min_length=1)]
    """The phases of the job search, in reading order: the navigation and the home page follow it. Every page's
    `phase` is one of their ids."""
    office: Office
    """The career office publishing the handbook: its name and contact details, printed on every handout and
    every page printed from the site. The handbook comes with an example office: replace it with your own."""
    packet: list[PageId] = []
    """Ids of printable pages to bind, in this order, into the workshop packet (`handouts/packet.pdf`)
    behind a cover page. Leave it out for no packet."""
    audiences: list[Audience] = []
    """The groups of readers some guidance is for only (students graduating this year, people new to the
    country). Pages, sections and items name them in their own `audiences`; an office lists the ones it serves."""
    editorial: Editorial = Editorial()
    """Limits for the editorial warnings (review age, reading grade, sentence length)."""
    editor: Editor | None = None
    """How the editor in the browser reaches the office's git host, when it is used from the published site
    rather than with `handbook edit` on this computer."""

    @model_validator(mode="after")
    def _languages(self) -> HandbookSettings:
        if len(set(self.languages)) != len(self.languages):
            raise PydanticCustomError("handbook_languages", "`languages` lists a language twice")
        ids = [audience.id for audience in self.audiences]
        if len(set(ids)) != len(ids):
            raise PydanticCustomError("handbook_audiences", "`audiences` lists an audience id twice")
        return self

    @property
    def published(self) -> list[str]:
        """The languages this handbook publishes, the one at its address first."""
        return list(self.languages) or [self.language]


class Source(Model):
    """One article or book that the guidance draws on."""

    title: Text
    """The source's title as published."""
    author: Text | None = None
    """Who wrote it, where known."""
    publisher: Text | None = None
    """Who published it (organisation, website or blog), where known."""
    published: Date | None = None
    """Date of publication, YYYY-MM-DD, where known."""
    url: Url | None = None
    """Web address of the source, starting with https:// or http://."""
    note: Text | None = None
    """Anything a reader should know about the source (for example, that it is an excerpt)."""


class Sources(RootModel[dict[SourceId, Source]]):
    """`content/sources.yml`: every article or book the handbook draws on, each under a short id that pages
    cite in their `sources` list. Give the author or the publisher (or both) where known."""


# --- pages -----------------------------------------------------------------------------------------------


class PageBase(Model):
    """The fields every page starts with, in this order."""

    kind: str
    """What sort of page this is: guide, checklist, recovery, script or page."""
    title: Text
    """The page's heading, as a job seeker would search for it."""
    summary: Text
    """One sentence saying what the page helps with."""
    phase: PhaseId
    """Which phase of the job search the page belongs to (an `id` from `handbook.yml`)."""
    related: list[PageId] = []
    """Ids of pages to read next (a page's id is its file name without `.yml`)."""
    sources: list[SourceId] = []
    """Ids of the sources (from `sources.yml`) that this page draws on."""
    reviewed: Date
    """When the page was last checked for accuracy, YYYY-MM-DD."""
    order: StrictInt | None = None
    """Position within its phase: lower numbers come first. Pages without one follow, by title."""
    audiences: Audiences = []
    """Only for these audiences (ids from `handbook.yml`): an office that serves none of them leaves the page out.
    Leave it out for a page meant for everyone."""


class Quote(Model):
    """Words someone said or wrote, shown as a quotation with who said them."""

    text: Text
    """The quotation itself, without quotation marks."""
    by: Text | None = None
    """Who said or wrote it, such as `Maria Lopez, recruiter`."""
    source: SourceId | None = None
    """Where it comes from: an id from `sources.yml`. It is cited with the quotation and in the page's sources."""

    @model_validator(mode="after")
    def _attributed(self) -> Quote:
        if self.by is None and self.source is None:
            raise PydanticCustomError("handbook_quote", "a quotation needs `by` (who said it), `source` (where it "
                                      "comes from), or both")
        return self


class GuideSection(Model):
    """A part of a guide: why it matters, how to do it, and what to watch out for."""

    title: Text
    """The section's heading."""
    why: Markdown
    """Why this matters, in a few sentences."""
    quotes: list[Quote] = []
    """Quotations that bear on this section, shown after `why`."""
    how: list[Text] = []
    """Steps to take, in order."""
    how_in_order: StrictBool = True
    """If false, the `how` list is shown with bullets rather than numbers: ways to go about it, in no order."""
    pitfalls: list[Text] = []
    """Common mistakes to avoid."""
    audiences: Audiences = []
    """Only for these audiences (ids from `handbook.yml`); leave it out when it is for everyone."""


class Guide(PageBase):
    """An interview objective or phase, explained in sections."""

    kind: Literal["guide"]
    intro: Markdown | None = None
    """Opening paragraphs, before the sections."""
    quotes: list[Quote] = []
    """Quotations shown after the opening paragraphs."""
    key_points: list[Text] = []
    """The page's main ideas in a few words each, shown in an "In short" box at the top."""
    sections: Annotated[list[GuideSection], Field(min_length=1)]
    """The guide's sections, in reading order."""
    printable: StrictBool = False
    """If true, the guide also becomes a PDF handout (`handouts/<id>.pdf`). Checklists always do."""


class ChecklistItem(Model):
    """One thing to tick off, or a reminder."""

    text: Text
    """What to check, as a short question or instruction."""
    note: Text | None = None
    """An optional line of explanation under the item."""
    reminder: StrictBool = False
    """If true, the item is a reminder to keep in mind, shown without a tick box."""
    audiences: Audiences = []
    """Only for these audiences (ids from `handbook.yml`); leave it out when it is for everyone."""


NOT_WORDS_INSIDE = ("answer", "lines", "scale", "weight", "audiences", "reminder", "how_in_order", "channel",
                    "source")
"""Fields inside a page's entries (an item, a question, a worksheet row, a variant, a quotation) that hold no
words: not translated (a translation takes them from its original) and not graded for reading ease."""

ANSWERS = ("lines", "line", "number", "date", "yes-no", "rating")
"""The kinds of answer a reader can give, on screen and in the PDF."""
AnswerKind = Literal["lines", "line", "number", "date", "yes-no", "rating"]
ONLY_FOR = {"lines": "lines", "scale": "rating", "low": "rating", "high": "rating"}
"""Answer settings that only one kind of answer has."""


def _answer_settings_fit(model: Any) -> Any:
    for name, kind in ONLY_FOR.items():
        if name in model.model_fields_set and model.answer != kind:
            raise PydanticCustomError("handbook_answer", "`{name}` is only for `answer: {kind}`, and this answer "
                                      "is `{answer}`: remove `{name}`, or set `answer: {kind}`",
                                      {"name": name, "kind": kind, "answer": model.answer})
    return model


Scale = Annotated[StrictInt, Field(ge=2, le=10)]


class WriteIn(Model):
    """A question to answer: in writing, or with a number, a date, yes or no, or a rating."""

    prompt: Text
    """The question to answer."""
    answer: AnswerKind = "lines"
    """The kind of answer: `lines` (a few lines of writing), `line` (one line), `number`, `date`, `yes-no`, or
    `rating` (a scale from 1 to `scale`)."""
    lines: Annotated[StrictInt, Field(ge=1, le=12)] = 3
    """For `answer: lines`: how many lines to leave for the answer on paper (1 to 12)."""
    scale: Scale = 5
    """For `answer: rating`: the highest rating (2 to 10); ratings go from 1 to this."""
    low: Text | None = None
    """For `answer: rating`: what the lowest rating means, such as `Not at all`."""
    high: Text | None = None
    """For `answer: rating`: what the highest rating means, such as `Very much`."""
    audiences: Audiences = []
    """Only for these audiences (ids from `handbook.yml`); leave it out when it is for everyone."""

    _fits = model_validator(mode="after")(_answer_settings_fit)


class WorksheetColumn(Model):
    """One answer every row of a worksheet asks for."""

    heading: Text
    """The column's heading, such as `How well this offer does`."""
    answer: Literal["rating", "number", "yes-no", "line", "date"] = "rating"
    """The kind of answer: `rating` (1 to `scale`), `number`, `yes-no`, `line` (a few words) or `date`."""
    scale: Scale = 5
    """For `answer: rating`: the highest rating (2 to 10); ratings go from 1 to this."""
    low: Text | None = None
    """For `answer: rating`: what the lowest rating means, such as `Poorly`."""
    high: Text | None = None
    """For `answer: rating`: what the highest rating means, such as `Very well`."""

    _fits = model_validator(mode="after")(_answer_settings_fit)

    @property
    def counts(self) -> bool:
        """Whether the column holds numbers that the total adds up."""
        return self.answer in ("rating", "number")


class WorksheetRow(Model):
    """One thing a worksheet asks about."""

    text: Text
    """What to weigh up, such as `Pay`."""
    note: Text | None = None
    """An optional line of explanation under it."""
    weight: Annotated[StrictInt, Field(ge=1, le=10)] | None = None
    """How much this row counts toward the total (1 to 10), when the handbook sets the weights."""
    audiences: Audiences = []
    """Only for these audiences (ids from `handbook.yml`); leave it out when it is for everyone."""


class WeightColumn(Model):
    """A column in which the reader says how much each row matters to them."""

    heading: Text
    """The column's heading, such as `How much it matters to me`."""
    scale: Annotated[StrictInt, Field(ge=2, le=10)] = 3
    """The highest weight (2 to 10); weights go from 1 to this."""


class Worksheet(Model):
    """Rows that each ask for the same answers, like a scorecard, with a total if it adds up."""

    rows: Annotated[list[WorksheetRow], Field(min_length=1)]
    """The things to weigh up, one per row."""
    columns: Annotated[list[WorksheetColumn], Field(min_length=1, max_length=4)]
    """The answers each row asks for (1 to 4 columns)."""
    weigh: WeightColumn | None = None
    """A first column where the reader weighs each row. Each answer then counts its weight times."""
    total: Text | None = None
    """The label of a last row adding up each `rating` or `number` column, such as `Total score`."""

    @model_validator(mode="after")
    def _adds_up(self) -> Worksheet:
        fixed = any(row.weight is not None for row in self.rows)
        if fixed and self.weigh is not None:
            raise PydanticCustomError("handbook_worksheet", "a worksheet has either `weight` on its rows (set by "
                                      "the handbook) or `weigh` (set by the reader), not both")
        if (fixed or self.weigh is not None) and self.total is None:
            raise PydanticCustomError("handbook_worksheet", "weights only count toward a total: add `total` (the "
                                      "total row's label), or remove the weights")
        if self.total is not None and not any(column.counts for column in self.columns):
            raise PydanticCustomError("handbook_worksheet", "`total` adds up `rating` and `number` columns, and "
                                      "this worksheet has none")
        return self

    @property
    def weighted(self) -> bool:
        return self.weigh is not None or any(row.weight is not None for row in self.rows)


class ChecklistGroup(Model):
    """A group of items under one heading."""

    title: Text
    """The group's heading."""
    items: list[ChecklistItem] = []
    """Things to tick off, and reminders."""
    write_in: list[WriteIn] = []
    """Questions to answer."""
    worksheet: Worksheet | None = None
    """A table of rows to answer, such as a scorecard, after the questions."""
    audiences: Audiences = []
    """Only for these audiences (ids from `handbook.yml`); leave it out when it is for everyone."""

    @model_validator(mode="after")
    def _not_empty(self) -> ChecklistGroup:
        if not (self.items or self.write_in or self.worksheet):
            raise PydanticCustomError("handbook_group", "a group needs at least one entry under items or "
                                      "write_in, or a worksheet")
        return self


class Checklist(PageBase):
    """A printable list to tick and fill in."""

    kind: Literal["checklist"]
    when: Markdown
    """When to use this checklist."""
    intro: Markdown | None = None
    """More about how to use it."""
    groups: Annotated[list[ChecklistGroup], Field(min_length=1)]
    """The checklist's groups of items, in order."""
    pages: Annotated[StrictInt, Field(ge=1, le=4)] = 1
    """How many printed pages its PDF handout may take (1 to 4). One is best for a list people fill in by hand;
    a long checklist may say 2. The check fails when the handout runs longer."""


class Thought(Model):
    """A thought people often have, and what is really going on."""

    thought: Text
    """The thought, in the reader's own voice."""
    reality: Markdown
    """What is more likely true."""


class RecoveryStep(Model):
    """What to do at one point in time."""

    when: Text
    """When to do it, such as "Today" or "Next week"."""
    actions: Annotated[list[Text], Field(min_length=1)]
    """What to do then."""
    write_in: list[WriteIn] = []
    """Questions for the reader's own plan at this point, such as `What I will do this week`."""
    audiences: Audiences = []
    """Only for these audiences (ids from `handbook.yml`); leave it out when it is for everyone."""


class Recovery(PageBase):
    """Getting back on track after a setback, such as an interview that led to no offer."""

    kind: Literal["recovery"]
    intro: Markdown | None = None
    """Opening paragraphs."""
    feelings: Markdown
    """What the reader may feel, and that it is normal."""
    thoughts: Annotated[list[Thought], Field(min_length=1)]
    """Thoughts the reader may have, each with the reality behind it."""
    steps: Annotated[list[RecoveryStep], Field(min_length=1)]
    """Steps to take, over time."""
    support: Markdown | None = None
    """Where to find help, such as the career office."""
    printable: StrictBool = False
    """If true, the steps also become a printable plan (`handouts/<id>.pdf`), with room to write in."""


class Placeholder(Model):
    """A part of the message the reader fills in."""

    name: Text
    """The placeholder as written in the message, without the square brackets."""
    hint: Text
    """What to put there."""


Channel = Literal["email", "letter", "card", "phone", "in person", "text message"]


class ScriptVariant(Model):
    """Another version of the message: for another way of sending it, or another situation."""

    title: Text
    """The version's name, on its tab: `Card`, or `If you are still interested`."""
    channel: Channel | None = None
    """How this version is delivered, when not as the main message: email, letter, card, phone, in person or
    text message."""
    subject: Text | None = None
    """The email's subject line."""
    message: Markdown
    """The message; every line break is kept. Write the parts to fill in as [Placeholder]."""
    audiences: Audiences = []
    """Only for these audiences (ids from `handbook.yml`); leave it out when it is for everyone."""


class Script(PageBase):
    """A message to send or say, with parts to fill in written as [Placeholder]."""

    kind: Literal["script"]
    when: Markdown
    """When to send or say it."""
    channel: Channel
    """How it is delivered: email, letter, card, phone, in person or text message."""
    subject: Text | None = None
    """The email's subject line."""
    message: Markdown
    """The message itself; every line break is kept, as in a letter. Write the parts to fill in as [Placeholder]."""
    label: Text | None = None
    """The name of the message on its tab when there are `variants` (the channel's name if left out)."""
    variants: list[ScriptVariant] = []
    """Other versions of the message (a card, a phone call; or "still interested" and "withdrawing"), shown as
    tabs beside the main one and one after another in the handout."""
    placeholders: list[Placeholder] = []
    """Explains each [Placeholder] that the message and its variants use."""
    tips: list[Text] = []
    """Advice on adapting and sending the message."""
    printable: StrictBool = False
    """If true, the script also becomes a PDF handout (`handouts/<id>.pdf`)."""
    draft_lines: Annotated[StrictInt, Field(ge=0, le=20)] = 6
    """In the handout, how many lines to leave under each version for the reader's own draft (0 for none)."""

    @property
    def versions(self) -> list[ScriptVariant]:
        """The message and its variants, each with its channel (a title of None: the channel's name)."""
        main = ScriptVariant.model_construct(title=self.label, channel=self.channel, subject=self.subject,
                                             message=self.message, audiences=[])
        return [main, *(v.model_copy(update={"channel": v.channel or self.channel}) for v in self.variants)]


class Page(PageBase):
    """Free Markdown: the home page, about the office, local resources."""

    kind: Literal["page"]
    phase: PhaseId | None = None
    """Optional for plain pages: without a phase, the page is listed after the phases."""
    body: Markdown
    """The page's text, in Markdown."""
    quotes: list[Quote] = []
    """Quotations shown after the text."""
    contents: StrictBool = False
    """If true, the page ends with the whole handbook listed by phase (used on the home page)."""


PAGE_KINDS: dict[str, type[PageBase]] = {
    "guide": Guide,
    "checklist": Checklist,
    "recovery": Recovery,
    "script": Script,
    "page": Page,
}
AnyPage = Guide | Checklist | Recovery | Script | Page
