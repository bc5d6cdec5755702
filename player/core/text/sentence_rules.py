"""Per-language word lists that tell the sentence splitter where a period ends a sentence.

A period after an abbreviation is the hard case of sentence splitting, and which words
are abbreviations, and which words tend to start a sentence, depends on the language:
German writes ``z. B.`` and ``3. Oktober``, French ``M. Dupont`` and ``p. ex.``, Spanish
``Sra.`` and ``pág. 3``. The story's ``language`` header picks one of these rule sets
(see :func:`rules_for`); a language without its own set gets the base set, which only
knows abbreviations shared by most languages written in the Latin alphabet and, having
no list of sentence starters, does not split where the answer would be a guess.

Every word is lowercase and without its final period. An abbreviation written with
inner periods is listed without spaces (``z.b`` stands for both ``z.B.`` and ``z. B.``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

__all__ = ["BASE", "SUPPORTED_LANGUAGES", "SentenceRules", "rules_for"]


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


@dataclass(frozen=True)
class SentenceRules:
    """What a language's abbreviations and sentence starts look like."""

    #: Abbreviations after which a sentence never ends (titles, ``e.g``, ``z.b``).
    never_end: frozenset[str]
    #: Abbreviations that do not end a sentence when a number follows (``No. 5``).
    before_number: frozenset[str]
    #: Month abbreviations: never end before a number, else only before a starter.
    months: frozenset[str]
    #: Abbreviations that often end a sentence: split only before a starter.
    may_end: frozenset[str]
    #: Words (case kept) that very often start a sentence and rarely continue a name.
    starters: frozenset[str]
    #: Titles that start a new sentence after a time such as ``6 p.m.``.
    titles: frozenset[str]
    #: Whether ``3.`` is usually an ordinal (German ``am 3. Oktober``), so a period after
    #: a number ends a sentence only before a starter.
    ordinal_numbers: bool = False

    @cached_property
    def continuations(self) -> frozenset[str]:
        """Every dotted abbreviation and its dotted beginnings (``i.d`` of ``i.d.r``)."""
        return _continuations(self)


def _continuations(rules: SentenceRules) -> frozenset[str]:
    found: set[str] = set()
    for word in rules.never_end | rules.may_end:
        parts = word.split(".")
        for end in range(2, len(parts) + 1):
            found.add(".".join(parts[:end]))
    return frozenset(found)


# Shared by every language written in the Latin alphabet: academic titles, Latin
# abbreviations, numbering marks.
_COMMON_NEVER_END = _words("dr prof e.g i.e cf vs viz ca approx")
_COMMON_BEFORE_NUMBER = _words("no nos nr n° nº n.º p pp art fig figs vol")
_COMMON_MAY_END = _words("etc")

BASE = SentenceRules(
    never_end=_COMMON_NEVER_END,
    before_number=_COMMON_BEFORE_NUMBER,
    months=frozenset(),
    may_end=_COMMON_MAY_END,
    starters=frozenset(),
    titles=_words("dr prof"),
)

ENGLISH = SentenceRules(
    never_end=_COMMON_NEVER_END
    | _words(
        """
        mr mrs ms mx messrs mme mlle st sr jr rev hon fr
        gen gov sen rep pres supt capt col lt maj sgt cpl cmdr adm det insp
        mt vol vols pp fig figs eq eqs incl esp
        """
    ),
    before_number=_COMMON_BEFORE_NUMBER | _words("sec ch para op pt"),
    months=_words("jan feb mar apr jun jul aug sep sept oct nov dec"),
    may_end=_COMMON_MAY_END
    | _words("u.s u.k u.n e.u u.s.a d.c a.m p.m inc ltd co corp llc plc bros al ph.d"),
    starters=_words(
        """
        A An The This That These Those There Then Thus Here He She It I We You They
        His Her Its Our Their My Your But And Or So Yet Nor For In On At By From
        With Without As After Before When While Where Why How What Who Whom Whose
        Which If Although Though Because Since Unless Until However Meanwhile
        Moreover Nevertheless Instead Indeed Also Still Now Today Yesterday Tomorrow
        Later Finally First Second Last Next Some Many Most Much More All Both Each
        Every Few No Not None One Other Such Only Even Just Is Are Was Were Do Does
        Did Can Could Will Would Should Shall Might Must Let Please Yes Oh Well
        Thanks Thank
        """
    ),
    titles=_words("mr mrs ms mx dr prof rev gen gov sen rep capt col lt maj sgt"),
)

SPANISH = SentenceRules(
    never_end=_COMMON_NEVER_END
    | _words(
        """
        sr sra srta sres sras srs dr dra dres lic lcdo lcda ing arq prof profa
        d dña ud uds vd vds excmo excma ilmo ilma sto sta fray
        av avda gral cnel tte sgto ej p.ej aprox
        """
    ),
    before_number=_COMMON_BEFORE_NUMBER | _words("pág págs núm cap tel"),
    months=_words("ene feb mar abr jun jul ago sep sept oct nov dic"),
    may_end=_COMMON_MAY_END | _words("ee.uu s.a s.l cía hnos a.c d.c a.m p.m"),
    starters=_words(
        """
        El La Los Las Lo Un Una Unos Unas Este Esta Estos Estas Esto Ese Esa Eso
        Aquel Aquella Hay Pero Y O Ni Sin Con En Por Para De Del Desde Hasta Cuando
        Como Donde Si No Sí Ya También Además Luego Después Antes Ahora Hoy Ayer
        Mañana Yo Tú Él Ella Nosotros Nosotras Ellos Ellas Usted Ustedes Su Sus Mi
        Mis Nuestro Nuestra Le Les Se Es Era Fue Son Está Estaba Hace Todo Todos
        Toda Todas Cada Algunos Muchos Otro Otra Qué Quién Cómo Cuándo Dónde Así
        Entonces Aunque Mientras Embargo Gracias
        """
    ),
    titles=_words("sr sra srta dr dra prof profa lic ing d dña"),
)

FRENCH = SentenceRules(
    never_end=_COMMON_NEVER_END
    | _words(
        """
        m mm mme mmes mlle mlles me mgr pr st ste vve
        ex p.ex c.-à-d env av bd boul chap éd
        """
    ),
    before_number=_COMMON_BEFORE_NUMBER | _words("chap t"),
    months=_words("janv févr fév avr juil sept oct nov déc"),
    may_end=_COMMON_MAY_END | _words("cie s.a j.-c apr"),
    starters=_words(
        """
        Le La Les L Un Une Des Du De Ce Cet Cette Ces C Ça Cela Il Elle Ils Elles
        On Nous Vous Je J Tu Mais Et Ou Donc Or Ni Car En Dans Pour Par Avec Sans
        Sur Sous Depuis Quand Comme Si Lorsque Puis Ensuite Enfin Alors Aujourd
        Hier Demain Mon Ma Mes Son Sa Ses Leur Leurs Notre Nos Votre Tout Tous
        Toute Toutes Chaque Plusieurs Oui Non Pourtant Cependant Ainsi Aussi Déjà
        Après Avant Voici Voilà Qui Que Qu Quel Quelle Pourquoi Comment Où Merci
        """
    ),
    titles=_words("m mm mme mmes mlle me mgr dr pr"),
)

GERMAN = SentenceRules(
    never_end=_COMMON_NEVER_END
    | _words(
        """
        hr hrn fr frl dipl ing st bzw z.b d.h u.a v.a s.o s.u u.u o.ä i.d.r
        vgl ggf evtl inkl zzgl exkl geb gest tel sog ehem
        """
    ),
    before_number=_COMMON_BEFORE_NUMBER | _words("s abs str bd kap"),
    months=_words("jan feb febr apr jun jul aug sep sept okt nov dez"),
    may_end=_COMMON_MAY_END | _words("usw u.v.m jh jhs mio mrd gmbh ag e.v co std min"),
    starters=_words(
        """
        Der Die Das Den Dem Des Ein Eine Einen Einem Einer Er Sie Es Wir Ich Du
        Ihr Man Aber Und Oder Doch Denn Auch Dann Da Dort Hier Heute Gestern
        Morgen Jetzt Nun So Als Wenn Wie Was Wer Wo Warum Weil Dass Ob Im In Am An
        Auf Aus Bei Mit Nach Seit Von Vor Zu Zum Zur Für Durch Gegen Ohne Um Unter
        Über Nicht Kein Keine Mein Meine Sein Seine Ihre Unser Unsere Dies Diese
        Dieser Dieses Jeder Jede Alle Viele Einige Ja Nein Trotzdem Deshalb Daher
        Außerdem Danach Später Schließlich Zunächst Erst Danke
        """
    ),
    titles=_words("hr fr dr prof dipl"),
    ordinal_numbers=True,
)

_BY_LANGUAGE = {"en": ENGLISH, "es": SPANISH, "fr": FRENCH, "de": GERMAN}
#: Primary language subtags with their own rules.
SUPPORTED_LANGUAGES = tuple(_BY_LANGUAGE)


def rules_for(language: str) -> SentenceRules:
    """The rules for a language tag such as ``en``, ``en-GB`` or ``de_AT``; the base
    rules for a language without its own."""
    primary = language.strip().replace("_", "-").split("-", 1)[0].lower()
    return _BY_LANGUAGE.get(primary, BASE)
