"""The words our templates write around the content, in each language a handbook can be published in.

Templates write English and pass it through ``t``: ``{{ t("Last reviewed:") }}``, or with values,
``{{ t("Workshop packet: {title}", title=handbook.title) }}``. English is the key; each other language maps
every key to its translation. A test fails when a template uses a key that a language lacks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from markupsafe import Markup

LANGUAGES = ("en", "fr", "es")

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
}

TRANSLATIONS: dict[str, dict[str, str]] = {
    "fr": {
        'How this handbook meets accessibility standards, and how to ask for another format.':
            'Comment ce guide respecte les normes d’accessibilité, et comment demander un autre format.',
        '{office} wants everyone to be able to use this handbook, on a phone, a computer or paper, with or without assistive technology.':
            '{office} veut que chacun puisse utiliser ce guide, sur téléphone, sur ordinateur ou sur papier, avec ou sans technologie d’assistance.',
        'The standard we meet':
            'La norme que nous respectons',
        'This website aims to meet the Web Content Accessibility Guidelines (WCAG) 2.1 at level AA.':
            'Ce site vise la conformité aux Règles pour l’accessibilité des contenus Web (WCAG) 2.1, niveau AA.',
        'How we checked':
            'Comment nous l’avons vérifié',
        'Every page is tested in a web browser with axe-core, an automated checker, against the WCAG 2.0 and 2.1 rules of levels A and AA, in the light and the dark colour scheme.':
            'Chaque page est testée dans un navigateur avec axe-core, un outil de vérification automatique, selon les règles WCAG 2.0 et 2.1 des niveaux A et AA, en thème clair et en thème sombre.',
        'Every page is checked on a phone-sized screen (375 pixels wide), by keyboard alone, and as printed.':
            'Chaque page est vérifiée sur un écran de téléphone (375 pixels de large), au clavier seul, et imprimée.',
        'The HTML of every page is checked with the Nu HTML Checker.':
            'Le code HTML de chaque page est vérifié avec le Nu HTML Checker.',
        "The PDF handouts are tagged PDFs in the document's language, with a label on every form field, so screen readers can read them and fill them in.":
            'Les fiches PDF sont des PDF balisés dans la langue du document, avec une étiquette sur chaque champ, pour que les lecteurs d’écran puissent les lire et les remplir.',
        'Automated checks find many problems but not all. We last checked this handbook on {date}.':
            'Les vérifications automatiques trouvent beaucoup de problèmes, mais pas tous. Dernière vérification de ce guide : {date}.',
        'Known limitations':
            'Limites connues',
        'Some pages may use a language other than the rest of the site.':
            'Certaines pages peuvent être dans une autre langue que le reste du site.',
        'The PDF handouts have not been tested with every screen reader.':
            'Les fiches PDF n’ont pas été testées avec tous les lecteurs d’écran.',
        'Ask for another format':
            'Demander un autre format',
        'If you need a page or a handout in another format, such as large print, plain text or audio, or if something does not work for you, tell us which page and what you need:':
            'Si vous avez besoin d’une page ou d’une fiche dans un autre format (gros caractères, texte simple, audio), ou si quelque chose ne fonctionne pas pour vous, dites-nous quelle page et ce dont vous avez besoin :',
        "Home": "Accueil",
        "Guides": "Guides",
        "Checklists": "Listes à cocher",
        "Bouncing back": "Rebondir",
        "Message scripts": "Modèles de messages",
        "More pages": "Autres pages",
        "Related pages": "Pages liées",
        "Sources": "Sources",
        "Last reviewed:": "Dernière révision :",
        "Last reviewed {date}": "Dernière révision le {date}",
        "Download printable PDF": "Télécharger le PDF à imprimer",
        "When to use this checklist": "Quand utiliser cette liste",
        "When to use it": "Quand l’utiliser",
        "In short": "En bref",
        "How to do it": "Comment faire",
        "Pitfalls to avoid": "Pièges à éviter",
        "The message": "Le message",
        "Subject:": "Objet :",
        "Fill in the blanks": "À compléter",
        "Tips": "Conseils",
        "Email": "Courriel",
        "Letter": "Lettre",
        "What to say on the phone": "Quoi dire au téléphone",
        "What to say in person": "Quoi dire en personne",
        "Text message": "Texto",
        "What you may feel": "Ce que vous ressentez peut-être",
        "Thoughts you may have, and what is really going on":
            "Les pensées que vous avez peut-être, et ce qui se passe vraiment",
        "What to do next": "Et maintenant",
        "Where to find support": "Où trouver de l’aide",
        "Printable handouts": "Fiches à imprimer",
        "Print these and fill them in by hand, or fill them in on screen and save them.":
            "Imprimez-les et remplissez-les à la main, ou remplissez-les à l’écran et enregistrez-les.",
        "Workshop packet": "Dossier d’atelier",
        "Workshop packet: {title}": "Dossier d’atelier : {title}",
        "{parts} in one file, behind a cover page": "{parts} en un seul fichier, avec une page de couverture",
        " and ": " et ",
        "More": "Plus",
        "Contact": "Contact",
        "Phone": "Téléphone",
        "Open": "Heures d’ouverture",
        "Address": "Adresse",
        "Book an appointment": "Prendre rendez-vous",
        "Online:": "En ligne :",
        "Based on:": "D’après :",
        "Page {page} of {pages}": "Page {page} sur {pages}",
        "In this packet": "Dans ce dossier",
        "Each page can be filled in on screen or printed and filled in by hand.":
            "Chaque page peut être remplie à l’écran, ou imprimée et remplie à la main.",
        "The whole handbook is online at {url}.": "Le guide complet est en ligne à l’adresse {url}.",
        "Made by {office}.": "Réalisé par {office}.",
        "Local resources": "Ressources locales",
        "Services near you that can help with your job search.":
            "Des services près de chez vous qui peuvent aider votre recherche d’emploi.",
        "Website": "Site web",
        "Accessibility statement": "Déclaration d’accessibilité",
    },
    "es": {
        'How this handbook meets accessibility standards, and how to ask for another format.':
            'Cómo esta guía cumple las normas de accesibilidad, y cómo pedir otro formato.',
        '{office} wants everyone to be able to use this handbook, on a phone, a computer or paper, with or without assistive technology.':
            '{office} quiere que todas las personas puedan usar esta guía, en el teléfono, en el ordenador o en papel, con o sin tecnología de apoyo.',
        'The standard we meet':
            'La norma que cumplimos',
        'This website aims to meet the Web Content Accessibility Guidelines (WCAG) 2.1 at level AA.':
            'Este sitio busca cumplir las Pautas de Accesibilidad para el Contenido Web (WCAG) 2.1, nivel AA.',
        'How we checked':
            'Cómo lo comprobamos',
        'Every page is tested in a web browser with axe-core, an automated checker, against the WCAG 2.0 and 2.1 rules of levels A and AA, in the light and the dark colour scheme.':
            'Cada página se prueba en un navegador con axe-core, un verificador automático, según las reglas WCAG 2.0 y 2.1 de los niveles A y AA, en el tema claro y en el oscuro.',
        'Every page is checked on a phone-sized screen (375 pixels wide), by keyboard alone, and as printed.':
            'Cada página se comprueba en una pantalla de teléfono (375 píxeles de ancho), solo con el teclado, e impresa.',
        'The HTML of every page is checked with the Nu HTML Checker.':
            'El HTML de cada página se comprueba con el Nu HTML Checker.',
        "The PDF handouts are tagged PDFs in the document's language, with a label on every form field, so screen readers can read them and fill them in.":
            'Las fichas PDF son PDF etiquetados en el idioma del documento, con una etiqueta en cada campo, para que los lectores de pantalla puedan leerlas y rellenarlas.',
        'Automated checks find many problems but not all. We last checked this handbook on {date}.':
            'Las comprobaciones automáticas encuentran muchos problemas, pero no todos. Última comprobación de esta guía: {date}.',
        'Known limitations':
            'Limitaciones conocidas',
        'Some pages may use a language other than the rest of the site.':
            'Algunas páginas pueden estar en un idioma distinto del resto del sitio.',
        'The PDF handouts have not been tested with every screen reader.':
            'Las fichas PDF no se han probado con todos los lectores de pantalla.',
        'Ask for another format':
            'Pedir otro formato',
        'If you need a page or a handout in another format, such as large print, plain text or audio, or if something does not work for you, tell us which page and what you need:':
            'Si necesita una página o una ficha en otro formato (letra grande, texto simple, audio), o si algo no le funciona, díganos qué página y qué necesita:',
        "Home": "Inicio",
        "Guides": "Guías",
        "Checklists": "Listas de comprobación",
        "Bouncing back": "Recuperarse",
        "Message scripts": "Modelos de mensajes",
        "More pages": "Más páginas",
        "Related pages": "Páginas relacionadas",
        "Sources": "Fuentes",
        "Last reviewed:": "Última revisión:",
        "Last reviewed {date}": "Última revisión: {date}",
        "Download printable PDF": "Descargar PDF para imprimir",
        "When to use this checklist": "Cuándo usar esta lista",
        "When to use it": "Cuándo usarlo",
        "In short": "En resumen",
        "How to do it": "Cómo hacerlo",
        "Pitfalls to avoid": "Errores que conviene evitar",
        "The message": "El mensaje",
        "Subject:": "Asunto:",
        "Fill in the blanks": "Complete los espacios",
        "Tips": "Consejos",
        "Email": "Correo electrónico",
        "Letter": "Carta",
        "What to say on the phone": "Qué decir por teléfono",
        "What to say in person": "Qué decir en persona",
        "Text message": "Mensaje de texto",
        "What you may feel": "Lo que quizá sienta",
        "Thoughts you may have, and what is really going on": "Lo que quizá piense, y lo que de verdad ocurre",
        "What to do next": "Qué hacer ahora",
        "Where to find support": "Dónde encontrar apoyo",
        "Printable handouts": "Fichas para imprimir",
        "Print these and fill them in by hand, or fill them in on screen and save them.":
            "Imprímalas y rellénelas a mano, o rellénelas en pantalla y guárdelas.",
        "Workshop packet": "Cuaderno del taller",
        "Workshop packet: {title}": "Cuaderno del taller: {title}",
        "{parts} in one file, behind a cover page": "{parts} en un solo archivo, con una portada",
        " and ": " y ",
        "More": "Más",
        "Contact": "Contacto",
        "Phone": "Teléfono",
        "Open": "Horario",
        "Address": "Dirección",
        "Book an appointment": "Pedir una cita",
        "Online:": "En línea:",
        "Based on:": "Basado en:",
        "Page {page} of {pages}": "Página {page} de {pages}",
        "In this packet": "En este cuaderno",
        "Each page can be filled in on screen or printed and filled in by hand.":
            "Cada página se puede rellenar en pantalla, o imprimir y rellenar a mano.",
        "The whole handbook is online at {url}.": "La guía completa está en línea en {url}.",
        "Made by {office}.": "Elaborado por {office}.",
        "Local resources": "Recursos locales",
        "Services near you that can help with your job search.":
            "Servicios cerca de usted que pueden ayudarle a buscar empleo.",
        "Website": "Sitio web",
        "Accessibility statement": "Declaración de accesibilidad",
    },
}


def translate(language: str, text: str) -> str:
    """The plain translation of one English string (English where there is none)."""
    return TRANSLATIONS.get(language, {}).get(text, text)


def translator(language: str) -> Callable[..., Markup]:
    """``t(english, **values)`` for templates: the translation, escaped, with ``values`` filled in (escaped
    unless they already are, like a filter's result)."""

    plain: dict[str, Markup] = {}  # a page asks for the same few words again and again

    def t(text: str, **values: object) -> Markup:
        if values:
            return Markup.escape(translate(language, text)).format(**values)
        if text not in plain:
            plain[text] = Markup.escape(translate(language, text)).format()
        return plain[text]

    return t


def date_in(language: str) -> Callable[[dt.date], str]:
    """A date written out the way ``language`` writes it, the same on every machine whatever its locale."""
    months = MONTHS.get(language, MONTHS["en"])

    def human_date(day: dt.date) -> str:
        if language == "es":
            return f"{day.day} de {months[day.month - 1]} de {day.year}"
        if language == "fr" and day.day == 1:
            return f"1er {months[day.month - 1]} {day.year}"
        return f"{day.day} {months[day.month - 1]} {day.year}"

    return human_date
