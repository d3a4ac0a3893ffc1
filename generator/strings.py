"""The words the site and the handouts write around the content, in any language that has a catalog.

Templates write English through gettext: ``{{ _("Last reviewed:") }}``, or with values,
``{{ _("Workshop packet: %(title)s", title=handbook.title) }}`` (Jinja's i18n extension, with autoescaping).
Python marks its own words with :func:`N_`. Each language's translations are an ordinary gettext catalog,
``templates/locale/<language>/LC_MESSAGES/messages.po``, which translators edit with Poedit, Weblate or any
text editor; ``pybabel extract`` and ``pybabel update`` keep them in step (see "Translating the handbook").
Adding a language is adding its catalog: no code names the languages. Dates are written by Babel, from the
Unicode CLDR, the same on every machine whatever its locale.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SOURCE_LANGUAGE = "en"
"""The language the templates' words are written in: it needs no catalog."""
LOCALE_DIR = "locale"
"""The catalogs' folder, inside the templates folder."""
DOMAIN = "messages"


def N_(text: str) -> str:
    """Mark English words for translation where they are defined; they are translated where they are used."""
    return text


def catalog_path(templates_dir: Path, language: str) -> Path:
    """Where ``language``'s catalog lives: ``templates/locale/fr/LC_MESSAGES/messages.po``."""
    return templates_dir / LOCALE_DIR / language.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_languages(templates_dir: Path) -> list[str]:
    """The languages the site's own words can be written in: English, and each language with a catalog."""
    folder = templates_dir / LOCALE_DIR
    found = sorted(path.parent.parent.name.replace("_", "-") for path in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return [SOURCE_LANGUAGE, *(language for language in found if language != SOURCE_LANGUAGE)]


class CatalogError(Exception):
    """A catalog cannot be read: ``file``, ``line`` and what is wrong."""

    def __init__(self, file: Path, line: int, said: str) -> None:
        super().__init__(f"{file}:{line}: {said}")
        self.file, self.line, self.said = file, line, said


@functools.lru_cache(maxsize=32)
def _compiled(path: str, stamp: tuple[int, int]) -> Any:
    """The catalog at ``path`` as gettext translations (read again when the file changes: ``stamp``)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po
    from babel.support import Translations

    try:
        with Path(path).open("rb") as file:
            catalog = read_po(file, abort_invalid=True)
    except PoFileError as error:
        raise CatalogError(Path(path), getattr(error, "lineno", 0) or 0, str(error)) from None
    except UnicodeDecodeError:
        raise CatalogError(Path(path), 0, "it is not saved as UTF-8") from None
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # a fuzzy entry is a guess to check, not a translation
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def translations(templates_dir: Path, language: str) -> Any:
    """gettext translations for ``language`` (none for English or a language without a catalog: English)."""
    from babel.support import NullTranslations

    path = catalog_path(templates_dir, language)
    if language == SOURCE_LANGUAGE or not path.is_file():
        return NullTranslations()
    status = path.stat()
    return _compiled(str(path), (status.st_mtime_ns, status.st_size))


@dataclass(frozen=True)
class Words:
    """The site's own words and dates in one language."""

    language: str
    catalog: Any

    @classmethod
    def of(cls, templates_dir: Path, language: str) -> Words:
        return cls(language, translations(templates_dir, language))

    def __call__(self, text: str, **values: Any) -> str:
        """``text`` translated, with ``%(name)s`` values filled in."""
        said = self.catalog.gettext(text) if self.catalog is not None else text
        return said % values if values else said

    def date(self, day: dt.date) -> str:
        """``day`` written out as this language writes it (Babel's long form: "1 novembre 2026")."""
        from babel.dates import format_date

        return format_date(day, "long", locale=babel_locale(self.language))

    def name_of(self, language: str) -> str:
        """A language's name in this language: "anglais" in French."""
        from babel import Locale

        try:
            return Locale.parse(babel_locale(language)).get_display_name(babel_locale(self.language)) or language
        except (ValueError, LookupError):
            return language



def own_name(language: str) -> str:
    """A language's own name for itself, as a language menu shows it: "Français", "Español"."""
    name = Words(language, None).name_of(language)
    return name[:1].upper() + name[1:]


def babel_locale(language: str) -> str:
    """A language tag (``pt-BR``) in the form Babel reads (``pt_BR``)."""
    return language.replace("-", "_")


def language_problem(language: str, templates_dir: Path) -> str | None:
    """Why ``language`` cannot be published, or None: Babel must know it (for dates), and the site's words
    need a catalog."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(babel_locale(language))
    except (UnknownLocaleError, ValueError):
        return f'"{language}" is not a language code that Babel knows (use a code such as fr, es, de or pt-BR)'
    if language != SOURCE_LANGUAGE and not catalog_path(templates_dir, language).is_file():
        from .problems import display_path

        return (f"there is no catalog of the site's words in {language}: "
                f"{display_path(catalog_path(templates_dir, language))} is missing")
    return None
