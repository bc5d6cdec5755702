"""Spoken forms of amounts, ranges, abbreviations and number signs, per language.

espeak-ng reads plain integers, decimals, percentages, ordinals and clock times
well in each language, so those are left as digits. It gets these wrong, and
they are rewritten here (English and Spanish; other languages keep the digits):

* money: ``$12,500`` is read "dollar twelve thousand five hundred"; it becomes
  the amount in words followed by the currency (``$``, ``US$``, ``€``, ``£``,
  ``¥``, symbol before or after the number, with cents, and with a following
  ``million``/``billion``/``millones`` as in ``$1.2 million``);
* ranges: ``10–12`` and ``1990–95`` are read without "to"; an en dash (or a
  hyphen between numbers of a range) becomes "to"/"a";
* abbreviations: ``Fri.`` and ``vol.`` are read "fry dot", or with a pause;
  known ones are expanded and their period is not said;
* number signs: ``Nº 7``, ``No. 7`` (before a number) become "number"/"número";
* fractions: ``½``, ``¾`` and ``1/2`` (denominator 2 to 10);
* English years from 1100 to 1999 are said as years ("nineteen ninety").

Number words come from num2words; only the few words it has no function for
(the names of fractions' denominators, "to", "number") are listed here.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation

from num2words import CONVERTER_CLASSES, num2words

__all__ = [
    "LANGUAGES",
    "abbreviation",
    "amount_with_symbol",
    "currency_after_scale",
    "currency_symbol",
    "currency_words",
    "fraction_words",
    "language_of",
    "number_sign",
    "range_words",
    "scale_word",
    "year_words",
]

#: the languages with spoken-form rules; any other language keeps digits and symbols
LANGUAGES = frozenset({"en", "es"})

_CURRENCIES = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
# Longest symbol first, so "US$" is not read as "US" and "$".
_SYMBOLS = "|".join(re.escape(s) for s in sorted(_CURRENCIES, key=len, reverse=True))
_AMOUNT = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?"
_MONEY_BEFORE = re.compile(rf"({_SYMBOLS})({_AMOUNT})")
_MONEY_AFTER = re.compile(rf"({_AMOUNT})({_SYMBOLS})")
_NUMBER = re.compile(_AMOUNT)
_RANGE = re.compile(r"(\d+(?:[.,]\d+)?)[–-](\d+(?:[.,]\d+)?)")
_WORD_RANGE = re.compile(r"([^\W\d_]+)\.?–([^\W\d_]+)\.?")
_FRACTION = re.compile(r"([1-9])/([2-9]|10)")
_YEAR = re.compile(r"1[1-9]\d\d")
_VULGAR = {
    "½": (1, 2),
    "⅓": (1, 3),
    "⅔": (2, 3),
    "¼": (1, 4),
    "¾": (3, 4),
    "⅕": (1, 5),
    "⅖": (2, 5),
    "⅗": (3, 5),
    "⅘": (4, 5),
    "⅙": (1, 6),
    "⅚": (5, 6),
    "⅛": (1, 8),
    "⅜": (3, 8),
    "⅝": (5, 8),
    "⅞": (7, 8),
}

_TO = {"en": "to", "es": "a"}
_NUMBER_WORD = {"en": "number", "es": "número"}
_SCALES = {
    "en": frozenset({"thousand", "million", "billion", "trillion"}),
    "es": frozenset({"mil", "millón", "millones", "billón", "billones"}),
}
# Denominators num2words' ordinals do not name as fractions do.
_DENOMINATORS = {
    "en": {2: ("half", "halves"), 4: ("quarter", "quarters")},
    "es": {2: ("medio", "medios"), 3: ("tercio", "tercios")},
}
_ONE = {"en": "one", "es": "un"}

# Abbreviations (lowercase, without the period) and what is said for them.
_DAYS = {
    "en": "mon Monday tue Tuesday tues Tuesday wed Wednesday thu Thursday thurs Thursday "
    "fri Friday sat Saturday sun Sunday",
    "es": "lun lunes mar martes mié miércoles mie miércoles jue jueves vie viernes "
    "sáb sábado sab sábado dom domingo",
}
_MONTHS = {
    "en": "jan January feb February mar March apr April jun June jul July aug August "
    "sep September sept September oct October nov November dec December",
    "es": "ene enero feb febrero abr abril may mayo jun junio jul julio ago agosto "
    "sept septiembre oct octubre nov noviembre dic diciembre",
}
_OTHERS = {
    "en": "vol volume vols volumes approx approximately etc et-cetera pp pages "
    "fig figure figs figures dept department est established",
    "es": "vol volumen vols volúmenes aprox aproximadamente etc etcétera pág página "
    "págs páginas núm número tel teléfono",
}


def _table(text: str) -> dict[str, str]:
    words = text.split()
    return {k: v.replace("-", " ") for k, v in zip(words[::2], words[1::2], strict=True)}


#: language -> abbreviation -> spoken; names (days, months) are only expanded mid-sentence
_NAMES = {lang: _table(_DAYS[lang]) | _table(_MONTHS[lang]) for lang in LANGUAGES}
_ABBREVIATIONS = {lang: _table(_OTHERS[lang]) for lang in LANGUAGES}
# Read well by espeak as written, but followed by a pause when their period is said.
_KEPT = frozenset({"a.m", "p.m", "dr", "mr", "mrs", "ms", "st", "sr", "sra", "srta", "jr"})


@functools.lru_cache(maxsize=64)
def language_of(tag: str) -> str:
    """The primary language of a BCP 47 tag ("es-MX" → "es"); "" means English."""
    return (tag.strip().split("-", 1)[0].split("_", 1)[0].lower()) or "en"


def _words(value: int | Decimal, lang: str) -> str:
    # Kept by the value as written: 1.5 and 1.50 are equal Decimals said differently.
    return _written_words(isinstance(value, int), str(value), lang)


@functools.lru_cache(maxsize=4096)
def _written_words(whole: bool, written: str, lang: str) -> str:
    # English num2words puts commas between groups ("twelve thousand, five hundred"),
    # which espeak reads as pauses in the middle of the number.
    value = int(written) if whole else Decimal(written)
    return str(num2words(value, lang=lang)).replace(",", "")


def _amount(digits: str) -> Decimal | None:
    """The value of ``12,500``, ``12.500``, ``3.50``, ``1,5``: a separator followed by
    groups of exactly three digits separates thousands; else the last one is decimal."""
    if re.fullmatch(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*", digits):
        digits = digits.replace(",", "").replace(".", "")
    else:
        head, sep, tail = digits.replace(",", ".").rpartition(".")
        digits = f"{head.replace('.', '')}{sep}{tail}" if sep else tail
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def _currency_name(value: Decimal, code: str, lang: str) -> str:
    forms = CONVERTER_CLASSES[lang].CURRENCY_FORMS.get(code)
    if forms is None:
        return code
    return str(forms[0][0] if value == 1 else forms[0][1])


def currency_words(word: str, lang: str, scaled: bool = False) -> str | None:
    """``$12,500`` → "twelve thousand five hundred dollars", or None when ``word`` is not
    an amount of money. With ``scaled`` (a "million" follows) only the digits are kept."""
    if lang not in LANGUAGES:
        return None
    match = _MONEY_BEFORE.fullmatch(word)
    symbol, digits = match.groups() if match else ("", "")
    if match is None:
        after = _MONEY_AFTER.fullmatch(word)
        if after is None:
            return None
        digits, symbol = after.groups()
    value = _amount(digits)
    if value is None:
        return None
    code = _CURRENCIES[symbol]
    if scaled:
        return digits  # espeak says "1.2" and "1,2" in the story's language
    whole = int(value)
    cents = int((value - whole) * 100)
    said = f"{_words(whole, lang)} {_currency_name(Decimal(whole), code, lang)}"
    if cents:
        forms = CONVERTER_CLASSES[lang].CURRENCY_FORMS.get(code)
        cent_name = forms[1][0 if cents == 1 else 1] if forms else ""
        joint = "and" if lang == "en" else "con"
        said = f"{said} {joint} {_words(cents, lang)} {cent_name}".rstrip()
    return said


def currency_symbol(word: str) -> str | None:
    """The ISO code of a currency symbol standing alone (``12.500 €``)."""
    return _CURRENCIES.get(word)


def amount_with_symbol(number: str, symbol: str, lang: str) -> str | None:
    """``12.500`` followed by the word ``€``: the amount and currency in words."""
    if lang not in LANGUAGES or _NUMBER.fullmatch(number) is None:
        return None
    return currency_words(symbol + number, lang)


def scale_word(word: str, lang: str) -> bool:
    """Whether ``word`` is "million", "millones" and the like."""
    return word.lower() in _SCALES.get(lang, frozenset())


def currency_after_scale(scale: str, money: str, lang: str) -> str:
    """ "million dollars" for ``million`` after ``$1.2``."""
    match = _MONEY_BEFORE.fullmatch(money) or _MONEY_AFTER.fullmatch(money)
    assert match is not None
    symbol = next(g for g in match.groups() if g in _CURRENCIES)
    code = _CURRENCIES[symbol]
    forms = CONVERTER_CLASSES[lang].CURRENCY_FORMS.get(code)
    name = str(forms[0][1]) if forms else code
    # Spanish: "1,2 millones de dólares".
    return f"{scale} de {name}" if lang == "es" else f"{scale} {name}"


def year_words(word: str, lang: str) -> str | None:
    """English years 1100–1999 as said ("nineteen ninety"); espeak says "nineteen
    hundred and ninety". Spanish years are cardinals, which espeak reads well."""
    if lang != "en" or _YEAR.fullmatch(word) is None:
        return None
    return str(num2words(int(word), lang="en", to="year")).replace("-", " ")


def range_words(word: str, lang: str) -> str | None:
    """``10–12`` → "10 to 12", ``1990–95`` → "nineteen ninety to 95", ``Fri.–Sun.`` →
    "Friday to Sunday"; None when ``word`` is not a range."""
    if lang not in LANGUAGES:
        return None
    match = _RANGE.fullmatch(word)
    if match is not None:
        low, high = match.groups()
        low = year_words(low, lang) or low
        high = year_words(high, lang) or high
        return f"{low} {_TO[lang]} {high}"
    if "–" not in word:
        return None
    words = _WORD_RANGE.fullmatch(word)
    if words is not None:
        names = _NAMES[lang]
        low, high = (names.get(w.lower(), w) for w in words.groups())
        return f"{low} {_TO[lang]} {high}"
    return None


def fraction_words(word: str, lang: str) -> str | None:
    """``¾`` → "three quarters", ``1/2`` → "one half"; None when not a fraction."""
    if lang not in LANGUAGES:
        return None
    if word in _VULGAR:
        numerator, denominator = _VULGAR[word]
    else:
        match = _FRACTION.fullmatch(word)
        if match is None:
            return None
        numerator, denominator = int(match.group(1)), int(match.group(2))
        if numerator >= denominator:
            return None  # "7/5" is more often a score or a date than a fraction
    named = _DENOMINATORS[lang].get(denominator)
    if named is None:
        ordinal = str(num2words(denominator, lang=lang, to="ordinal"))
        named = (ordinal, ordinal + "s")
    first = _ONE[lang] if numerator == 1 else _words(numerator, lang)
    return f"{first} {named[0] if numerator == 1 else named[1]}"


def number_sign(word: str, lang: str) -> str | None:
    """ "number" for ``Nº``, ``No``, ``N.º``, ``Núm`` (callers check a number follows)."""
    if lang not in LANGUAGES:
        return None
    if word in ("Nº", "N.º", "Nº.", "No", "no", "N°", "nº", "Núm", "núm", "Nro", "nro"):
        return _NUMBER_WORD[lang]
    return None


def abbreviation(word: str, lang: str, *, last: bool) -> tuple[str, bool] | None:
    """What is said for ``word`` written with a period after it, and whether it is a known
    abbreviation (whose period is then not said); None when it is not one. Day and month
    names are only expanded before the sentence's last word: ``in the Sun.`` stays."""
    key = word.lower()
    if key in _KEPT:
        return word, True
    if lang not in LANGUAGES:
        return None
    if key in _ABBREVIATIONS[lang]:
        return _ABBREVIATIONS[lang][key], True
    if key in _NAMES[lang] and not last and (lang == "es" or word[:1].isupper()):
        return _NAMES[lang][key], True
    return None
