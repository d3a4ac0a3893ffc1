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
    """The phases of the job search, in reading order. Pages are grouped under them."""
    office: Office
    """The career office publishing the handbook: its name and contact details, printed on every handout."""
    packet: list[PageId] = []
    """Ids of printable pages to bind, in this order, into the workshop packet (`handouts/packet.pdf`)
    behind a cover page. Leave it out for no packet."""
    editorial: Editorial = Editorial()
    """Limits for the editorial warnings (review age, reading grade, sentence length)."""

    @model_validator(mode="after")
    def _languages(self) -> HandbookSettings:
        if len(set(self.languages)) != len(self.languages):
            raise PydanticCustomError("handbook_languages", "`languages` lists a language twice")
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
    """`content/sources.yml`: every source the handbook cites, each under its id."""


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


class GuideSection(Model):
    """A part of a guide: why it matters, how to do it, and what to watch out for."""

    title: Text
    """The section's heading."""
    why: Markdown
    """Why this matters, in a few sentences."""
    how: list[Text] = []
    """Steps to take, in order."""
    pitfalls: list[Text] = []
    """Common mistakes to avoid."""


class Guide(PageBase):
    """An interview objective or phase, explained in sections."""

    kind: Literal["guide"]
    intro: Markdown | None = None
    """Opening paragraphs, before the sections."""
    key_points: list[Text] = []
    """The page's main ideas in a few words each, shown in an "In short" box at the top."""
    sections: Annotated[list[GuideSection], Field(min_length=1)]
    """The guide's sections, in reading order."""
    printable: StrictBool = False
    """If true, the guide also becomes a PDF handout (`handouts/<id>.pdf`). Checklists always do."""


class ChecklistItem(Model):
    """One thing to tick off."""

    text: Text
    """What to check, as a short question or instruction."""
    note: Text | None = None
    """An optional line of explanation under the item."""


class WriteIn(Model):
    """A question to answer in writing, with lines to write on when printed."""

    prompt: Text
    """The question to answer."""
    lines: Annotated[StrictInt, Field(ge=1, le=12)] = 3
    """How many lines to leave for the answer on paper (1 to 12)."""


class ChecklistGroup(Model):
    """A group of items under one heading."""

    title: Text
    """The group's heading."""
    items: list[ChecklistItem] = []
    """Things to tick off."""
    write_in: list[WriteIn] = []
    """Questions to answer in writing."""

    @model_validator(mode="after")
    def _not_empty(self) -> ChecklistGroup:
        if not (self.items or self.write_in):
            raise PydanticCustomError("handbook_group", "a group needs at least one entry under items or write_in")
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


class Placeholder(Model):
    """A part of the message the reader fills in."""

    name: Text
    """The placeholder as written in the message, without the square brackets."""
    hint: Text
    """What to put there."""


class Script(PageBase):
    """A message to send or say, with parts to fill in written as [Placeholder]."""

    kind: Literal["script"]
    when: Markdown
    """When to send or say it."""
    channel: Literal["email", "letter", "phone", "in person", "text message"]
    """How it is delivered: email, letter, phone, in person or text message."""
    subject: Text | None = None
    """The email's subject line."""
    message: Markdown
    """The message itself; every line break is kept, as in a letter. Write the parts to fill in as [Placeholder]."""
    placeholders: list[Placeholder] = []
    """Explains each [Placeholder] that the message uses."""
    tips: list[Text] = []
    """Advice on adapting and sending the message."""
    printable: StrictBool = False
    """If true, the script also becomes a PDF handout (`handouts/<id>.pdf`)."""


class Page(PageBase):
    """Free Markdown: the home page, about the office, local resources."""

    kind: Literal["page"]
    phase: PhaseId | None = None
    """Optional for plain pages: without a phase, the page is listed after the phases."""
    body: Markdown
    """The page's text, in Markdown."""
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
