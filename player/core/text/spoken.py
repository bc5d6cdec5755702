"""What the voice says for what is displayed.

Stories are displayed verbatim, but a speech engine reading tweets verbatim
spells out links, says "at" before every handle and skips emoji. This module
rewrites a displayed span into what should be spoken and keeps, for every
displayed word, where its spoken form sits, so a view can highlight the
displayed word while the voice says it.

Rules, applied word by word (words as :func:`~player.core.text.splitter.split_words`
finds them) and to the punctuation between words:

* URLs (``http://``, ``https://``, ``www.``, ``t.co/`` links) are dropped.
* ``@handle`` loses its ``@``; underscores and letter/digit boundaries become
  spaces (``@gdub520`` → ``gdub 520``, ``@benjamin4peace`` → ``benjamin 4
  peace``). Capitals are left alone, as engines read ``HuffPost`` well.
* ``#Tag`` → ``hashtag`` plus the tag split at capitals, digits and
  underscores (``#MeToo`` → ``hashtag Me Too``); ``#1`` → ``number 1``; a lone
  ``#`` is not a word and says nothing.
* ``(N/M)`` with 1 ≤ N ≤ M ≤ 50 is a photo number: ``(1/6)`` → ``photo 1 of 6``.
* Emoji are said by their Unicode names in lowercase (😢 → ``crying face``);
  skin tones, variation selectors and keycap marks are dropped; a ZWJ sequence
  says each part (👨‍👩‍👧 → ``man woman girl``); a flag says ``flag`` and its
  country code letters (🇲🇽 → ``flag M X``); a run of the same emoji within a
  word is said once with a count (😢😢😢 → ``crying face times 3``).
* Emoji names are set off by pauses (``years 📚 🌙`` → ``years, books, crescent
  moon``).
* A Bluesky handle is said ``name on Bluesky``, a Mastodon one ``name on server
  dot social`` (``en``/``punto`` in Spanish); in a handle a capital and the digits
  after it stay one code (``@BibliotecaN7`` → ``Biblioteca N7``).
* In the story's language (English, Spanish): money, ranges, abbreviations,
  ``Nº``/``No.``/``#`` before a number, fractions and English years, as
  :mod:`~player.core.text.normalize` describes; an abbreviation's period is not a pause.
* ``&`` → ``and``.
* Curly apostrophes become ``'`` so contractions are pronounced; quotation
  marks are dropped.
* Between words, dashes used as breaks (``–``, ``—``, ``--``, a spaced
  ``-``), brackets and commas become a pause ``", "``; ``;`` and ``:`` are
  kept; final punctuation (``. ! ? ...``) is kept; anything else is a space.
  Nothing is said before the first spoken word, and only final punctuation
  after the last one. Hyphens inside words (``2-month-old``) stay.
* The lexicon, pairs of (written, spoken), replaces whole-word, case-sensitive
  matches in the spoken text, longest written form first, after all the above.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import re
import unicodedata
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from player.core.text import normalize
from player.core.text.lexicon import apply_lexicon
from player.core.text.phrases import phrases_for
from player.core.text.splitter import looks_like_url, word_spans

__all__ = [
    "SpokenText",
    "SpokenWord",
    "format_long_date",
    "spoken_attribution",
    "spoken_spans",
    "to_spoken",
]


@dataclass(frozen=True)
class SpokenWord:
    """Where a displayed word is and where its spoken form is (end-exclusive).

    ``spoken_start`` and ``spoken_end`` are -1 when the word is not spoken.
    """

    display_start: int
    display_end: int
    spoken_start: int
    spoken_end: int


@dataclass(frozen=True)
class SpokenText:
    """The spoken form of a displayed span and its words in displayed order."""

    text: str
    words: tuple[SpokenWord, ...]


_HANDLE = re.compile(r"@(\w+)(.*)", re.DOTALL)
_BLUESKY = re.compile(r"@([\w-]+)\.bsky\.social")
_FEDIVERSE = re.compile(r"@(\w+)@([\w-]+(?:\.[\w-]+)+)")
_DOMAIN_HANDLE = re.compile(r"@([\w-]+(?:\.[a-z][\w-]*)+)")
_ON = {"en": "on", "es": "en"}
_DOT = {"en": "dot", "es": "punto"}
_PAUSE = "\x00"  # marks a pause around an emoji's name until commas are placed
_PAUSES = re.compile(r"(?:\s*\x00\s*)+")
# Every currency symbol normalize knows holds one of these: a word without them is no amount.
_MONEY_SIGNS = frozenset("$€£¥")
# Letters and digits, with hyphens, colons or commas between them ("2-month-old", "10:30",
# "José"): no rule of _speak_word changes such a word (no address, handle, tag, emoji or
# quote mark is made of them), except the modifier letter apostrophe.
_AS_WRITTEN = re.compile(r"[^\W_]+(?:[-:,][^\W_]+)*")
_HASHTAG = re.compile(r"#(\w+)(.*)", re.DOTALL)
_PHOTO_NUMBER = re.compile(r"(\d{1,2})/(\d{1,2})")
_MAX_PHOTOS = 50
_EMBEDDED_URL = re.compile(r"(?:https?://|www\.)\S*", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# Words of letters and digits with single marks inside that do not split them, each
# followed by a space or by one of ",;:.!?" and a space.
_RUN_WORD = r"[^\W_]+(?:['’:,/-][^\W_]+)*"
_PLAIN_RUN = re.compile(rf"{_RUN_WORD}(?:[,;:.!?]? {_RUN_WORD})*")
_GapPlace = Literal["start", "middle", "end"]

_QUOTES = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "‛": "'",
        "`": "'",
        "´": "'",
        "“": None,
        "”": None,
        "„": None,
        "‟": None,
        '"': None,
        "«": None,
        "»": None,
        "‹": None,
        "›": None,
    }
)

_ZWJ = "\u200d"
_EMOJI_RANGES = (
    (0x2300, 0x23FF),
    (0x2600, 0x27BF),
    (0x2B00, 0x2BFF),
    (0x1F000, 0x1FAFF),
)
_REGIONAL_A = 0x1F1E6
_REGIONAL_Z = 0x1F1FF


def _is_silent_mark(char: str) -> bool:
    """Variation selectors, skin tones, keycap marks and tag characters: they
    change how an emoji looks, not what it is."""
    code = ord(char)
    return (
        code in (0xFE0E, 0xFE0F, 0x20E3) or 0x1F3FB <= code <= 0x1F3FF or 0xE0000 <= code <= 0xE007F
    )


def _is_regional(char: str) -> bool:
    return _REGIONAL_A <= ord(char) <= _REGIONAL_Z


def _is_emoji(char: str) -> bool:
    code = ord(char)
    if not any(low <= code <= high for low, high in _EMOJI_RANGES):
        return False
    # Unassigned code points in these blocks are emoji newer than Python's
    # Unicode database.
    return unicodedata.category(char) in ("So", "Cn") and not _is_silent_mark(char)


def _emoji_name(char: str, lang: str = "en") -> str:
    """The emoji's name in the story's language where the emoji package has one (its
    CLDR names: "cañón de confeti"), else its Unicode name ("party popper")."""
    if lang == "en":
        return unicodedata.name(char, "emoji").lower()
    import emoji  # here: 17 ms of tables that opening an English story need not load

    if lang in emoji.LANGUAGES:
        named = emoji.demojize(char, language=lang, delimiters=("", ""))
        if named != char:
            return named.replace("_", " ")
    return unicodedata.name(char, "emoji").lower()


def _regional_letter(char: str) -> str:
    return chr(ord("A") + ord(char) - _REGIONAL_A)


def _speak_symbols(word: str, lang: str = "en") -> str:
    """``word`` with its emoji replaced by their names and invisible emoji
    modifiers removed."""
    if word.isascii():  # no emoji, flag or modifier is ASCII; most words take this path
        return word
    # Items are (plain text, 0) or (emoji name, count).
    items: list[tuple[str, int]] = []
    i = 0
    while i < len(word):
        char = word[i]
        if _is_regional(char):
            if i + 1 < len(word) and _is_regional(word[i + 1]):
                name = f"flag {_regional_letter(char)} {_regional_letter(word[i + 1])}"
                i += 2
            else:
                name = _regional_letter(char)
                i += 1
        elif _is_emoji(char):
            parts = [_emoji_name(char, lang)]
            i += 1
            while True:
                while i < len(word) and _is_silent_mark(word[i]):
                    i += 1
                if i + 1 < len(word) and word[i] == _ZWJ and _is_emoji(word[i + 1]):
                    parts.append(_emoji_name(word[i + 1], lang))
                    i += 2
                    continue
                break
            name = " ".join(parts)
        else:
            i += 1
            if _is_silent_mark(char) or (char == _ZWJ and items and items[-1][1] > 0):
                continue
            if items and items[-1][1] == 0:
                items[-1] = (items[-1][0] + char, 0)
            else:
                items.append((char, 0))
            continue
        if items and items[-1][1] > 0 and items[-1][0] == name:
            items[-1] = (name, items[-1][1] + 1)
        else:
            items.append((name, 1))
    pieces: list[str] = []
    for text, count in items:
        if count == 0:
            pieces.append(text)
        elif count == 1:
            pieces.append(f"{_PAUSE}{text}{_PAUSE}")
        else:
            pieces.append(f"{_PAUSE}{text} times {count}{_PAUSE}")
    return "".join(pieces)


def _emoji_edges(word: str) -> tuple[bool, bool]:
    """Whether ``word`` starts and ends with an emoji, whose name is set off by pauses."""
    if word.isascii():
        return False, False
    shown = [c for c in word if not _is_silent_mark(c) and c != _ZWJ]
    if not shown:
        return False, False

    def emoji(char: str) -> bool:
        return _is_emoji(char) or _is_regional(char)

    return emoji(shown[0]), emoji(shown[-1])


def _starts_part(before: str, char: str, after: str, at_capitals: bool) -> bool:
    if before.isdigit() != char.isdigit() and before.isalnum() and char.isalnum():
        return True
    if not char.isupper():
        return False
    if not at_capitals:
        # A handle keeps its words whole (``HuffPost``) but a capital that starts
        # a letter-and-number code is its own part (``BibliotecaN7``).
        return before.islower() and not after.isalpha()
    return before.islower() or (before.isupper() and after.islower())


def _split_compound(name: str, *, at_capitals: bool) -> str:
    """Spaces between the parts of a handle or hashtag name: at underscores,
    between letters and digits and, if ``at_capitals``, where a capital starts
    a new part (``MeToo``, ``NYCMarathon``). In a handle a single capital and
    the digits after it stay together (``BibliotecaN7`` → ``Biblioteca N7``)."""
    out: list[str] = []
    for i, char in enumerate(name):
        if char == "_":
            out.append(" ")
            continue
        # In a handle a capital and the digits after it are one code (``N7``).
        code = (
            not at_capitals
            and char.isdigit()
            and name[i - 1 : i].isupper()
            and not name[i - 2 : i - 1].isupper()
        )
        if i > 0 and not code and _starts_part(name[i - 1], char, name[i + 1 : i + 2], at_capitals):
            out.append(" ")
        out.append(char)
    return "".join(out)


def _speak_handle(word: str, lang: str) -> str | None:
    """A Bluesky handle is said "name on Bluesky", a Mastodon one "name on server dot
    social", any other handle with a domain "name dot com"; None when not one of these."""
    if lang not in _ON:
        return None
    bluesky = _BLUESKY.fullmatch(word)
    if bluesky is not None:
        return f"{_split_compound(bluesky.group(1), at_capitals=False)} {_ON[lang]} Bluesky"
    dot = f" {_DOT[lang]} "
    fediverse = _FEDIVERSE.fullmatch(word)
    if fediverse is not None:
        name = _split_compound(fediverse.group(1), at_capitals=False)
        return f"{name} {_ON[lang]} {fediverse.group(2).replace('.', dot)}"
    domain = _DOMAIN_HANDLE.fullmatch(word)
    if domain is not None:
        return domain.group(1).replace(".", dot)
    return None


def _speak_word(word: str, lang: str = "en") -> str:
    """The spoken form of one displayed word, or "" when it is not spoken."""
    if _AS_WRITTEN.fullmatch(word) is not None and "ʼ" not in word:
        return word
    return _speak_by_rules(word, lang)


def _speak_by_rules(word: str, lang: str) -> str:
    """:func:`_speak_word` without its shortcut for words said as written."""
    if looks_like_url(word):
        return ""
    word = _EMBEDDED_URL.sub(" ", word).translate(_QUOTES)
    handle = _HANDLE.fullmatch(word)
    hashtag = _HASHTAG.fullmatch(word)
    if handle is not None:
        said = _speak_handle(word, lang)
        if said is not None:
            word = said
        else:
            word = _split_compound(handle.group(1), at_capitals=False) + handle.group(2)
    elif hashtag is not None:
        tag = hashtag.group(1)
        if tag.isdigit():
            number = normalize.number_sign("No", lang) or "number"
            word = f"{number} {tag}{hashtag.group(2)}"
        else:
            word = f"hashtag {_split_compound(tag, at_capitals=True)}{hashtag.group(2)}"
    word = _speak_symbols(word.replace("&", f" {phrases_for(lang).and_word} "), lang)
    if _PAUSE in word:
        word = _PAUSES.sub(", ", word).strip(", ")
    return _SPACES.sub(" ", word).strip()


def _speak_gap(gap: str, where: _GapPlace) -> str:
    """What is said for the characters between two spoken words: a pause,
    final punctuation or a space. ``where`` is "start", "middle" or "end"."""
    if where == "start":
        return ""
    final: list[str] = []
    clause = ""
    pause = False
    for i, char in enumerate(gap):
        if char in ".!?‽":
            final.append(char)
        elif char == "…":
            final.append("...")
        elif char in ";:":
            clause = clause or char
        elif char in ",()[]{}—–―":
            pause = True
        elif char == "-":
            double = gap[i - 1 : i] == "-" or gap[i + 1 : i + 2] == "-"
            spaced = gap[i - 1 : i].isspace() and gap[i + 1 : i + 2].isspace()
            pause = pause or double or spaced
    if where == "end":
        return "".join(final)
    if final:
        return "".join(final) + " "
    if clause:
        return clause + " "
    if pause:
        return ", "
    return " "


# What _speak_gap gives for the commonest gaps between words, looked up rather than walked.
_GAPS = (
    ". ",
    ", ",
    "; ",
    ": ",
    "! ",
    "? ",
    " (",
    ") ",
    "), ",
    ". (",
    " “",
    "” ",
    ", “",
    ",” ",
    ".” ",
)
_MIDDLE_GAPS = {gap: _speak_gap(gap, "middle") for gap in _GAPS}
_END_GAPS = {gap: _speak_gap(gap, "end") for gap in (".", "!", "?", ".”", ")", ".)", "")}


def _photo_number(
    text: str, start: int, end: int, begin: int, stop: int, language: str
) -> str | None:
    """ "photo N of M" when ``text[start:end]`` is ``N/M`` in brackets inside
    ``text[begin:stop]``. The brackets stay in the gaps, where they read as a
    pause before the number."""
    if start <= begin or end >= stop or text[start - 1] != "(" or text[end] != ")":
        return None
    number = _PHOTO_NUMBER.fullmatch(text, start, end)
    if number is None:
        return None
    first, total = int(number.group(1)), int(number.group(2))
    if not 1 <= first <= total <= _MAX_PHOTOS:
        return None
    return phrases_for(language).photo(first, total)


class WordSpans(Protocol):
    """What :func:`_rewrite_in_context` needs of the words' displayed spans (a list has it)."""

    def __len__(self) -> int: ...
    def __getitem__(self, index: int, /) -> tuple[int, int]: ...


class WordForms(Protocol):
    """What :func:`_rewrite_in_context` needs of the words' spoken forms (a list has it)."""

    def __getitem__(self, index: int, /) -> str: ...
    def __setitem__(self, index: int, form: str, /) -> None: ...


def _rewrite_in_context(
    text: str,
    displayed: WordSpans,
    forms: WordForms,
    lang: str,
    indexes: Sequence[int],
) -> set[int]:
    """Rewrite ``forms`` of amounts, ranges, fractions, years, number signs and
    abbreviations (see :mod:`~player.core.text.normalize`), which may depend on the next
    word, looking at the words at ``indexes`` (in order); the indices of words whose
    following period is not said."""
    quiet: set[int] = set()
    count = len(displayed)
    for n in indexes:
        s, e = displayed[n]
        word = text[s:e]
        if forms[n] != word or not word:
            continue  # already rewritten (handles, emoji, photo numbers) or silent
        last = n + 1 == count
        if (
            word.isalpha()
            and text[e : e + 1] != "."
            and (last or not text[displayed[n + 1][0]].isdigit())
        ):
            continue  # most words: no rule applies, and checking them all is slow
        following = "" if last else text[displayed[n + 1][0] : displayed[n + 1][1]]
        said = None
        if word.isalpha():
            # Letters only: no amount, percentage, fraction, range or year, so only a
            # number sign or an abbreviation, as below.
            if following[:1].isdigit():
                said = normalize.number_sign(word, lang)
                if said is not None and text[e : e + 1] == ".":
                    quiet.add(n)
            if said is None and text[e : e + 1] == ".":
                abbreviation = normalize.abbreviation(word, lang, last=last)
                if abbreviation is not None:
                    said = abbreviation[0]
                    quiet.add(n)
            if said is not None:
                forms[n] = said
            continue
        scaled = False
        if not _MONEY_SIGNS.isdisjoint(word):
            scaled = normalize.scale_word(following, lang)
            said = normalize.currency_words(word, lang, scaled=scaled)
        if said is not None and scaled:
            forms[n + 1] = normalize.currency_after_scale(following, word, lang)
        elif said is None and normalize.currency_symbol(following) is not None:
            said = normalize.amount_with_symbol(word, following, lang)
            if said is not None:
                forms[n + 1] = ""  # said with the amount
        if said is None and word[0].isdigit() and text[e : e + 2] in (" %", "\u00a0%"):
            said = word + "%"  # "45 %": a lone "%" is not a word and would be lost
        if said is None and following[:1].isdigit():
            said = normalize.number_sign(word, lang)
            if said is not None and text[e : e + 1] == ".":
                quiet.add(n)
        if said is None and text[e : e + 1] == "." and word[0].isalpha():
            abbreviation = normalize.abbreviation(word, lang, last=last)
            if abbreviation is not None:
                said = abbreviation[0]
                quiet.add(n)
        said = said or normalize.fraction_words(word, lang)
        if said is None:
            said = normalize.range_words(word, lang)
            if said is not None and word[-1].isalpha() and text[e : e + 1] == ".":
                quiet.add(n)  # "Fri.–Sun.": the period ends an abbreviation
        said = said or normalize.year_words(word, lang)
        if said is not None:
            forms[n] = said
    return quiet


def spoken_spans(
    text: str,
    start: int = 0,
    end: int | None = None,
    lexicon: Sequence[tuple[str, str]] = (),
    *,
    language: str = "en",
) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """What :func:`to_spoken` computes, as plain data: the spoken text, the displayed
    spans of the words and their spoken spans ((-1, -1) when not spoken). The story
    loader builds its own word objects from these, once."""
    lang = normalize.language_of(language)
    stop = len(text) if end is None else max(0, min(end, len(text)))
    begin = max(0, min(start, stop))
    displayed, irregular = word_spans(text, begin, stop)
    # A plain word is said as written, a curly apostrophe as a straight one.
    forms = [text[s:e] for s, e in displayed]
    if text.find("’", begin, stop) >= 0:
        forms = [form.replace("’", "'") for form in forms]
    for n in irregular:
        s, e = displayed[n]
        forms[n] = _photo_number(text, s, e, begin, stop, language) or _speak_word(text[s:e], lang)
    # A plain word (see word_spans) is rewritten only before a period (an abbreviation)
    # or before a number (a number sign), which is not plain.
    marked = set(irregular)
    marked.update(n - 1 for n in irregular if n)
    dot = text.find(".", begin, stop)
    while dot >= 0:
        n = bisect.bisect_left(displayed, (dot,)) - 1
        if n >= 0 and displayed[n][1] == dot:
            marked.add(n)
        dot = text.find(".", dot + 1, stop)
    before = forms[:] if marked else forms
    quiet = _rewrite_in_context(text, displayed, forms, lang, sorted(marked))

    if (
        displayed
        and not quiet
        and before == forms
        and all(forms[n] == text[slice(*displayed[n])].replace("’", "'") for n in irregular)
    ):
        # Words said as displayed with nothing but a space and one mark between them: the
        # spoken text is the display's, less what is before the first word. (Marks inside
        # such words never split them, so the words are the pattern's.)
        first, last = displayed[0][0], displayed[-1][1]
        if _PLAIN_RUN.fullmatch(text, first, last):
            rest = text[last:stop]
            said = text[first:last].replace("’", "'") + (
                _END_GAPS.get(rest) or _speak_gap(rest, "end")
            )
            moved = [(s - first, e - first) for s, e in displayed]
            return apply_lexicon(said, moved, lexicon), displayed, moved

    if not any(forms):
        return "", displayed, [(-1, -1)] * len(displayed)
    pieces = [(n, n + 1, s, e, forms[n]) for n, (s, e) in enumerate(displayed)]
    said, flat = say_pieces(text, pieces, begin, stop, quiet)
    spans = list(zip(flat[0::2], flat[1::2], strict=True))
    return apply_lexicon(said, spans, lexicon), displayed, spans


#: a piece a sentence is said in: its first word's index, the index after its last word,
#: its displayed start and end, and its spoken form, "" for a word not spoken or None for
#: a run of words said as displayed
Piece = tuple[int, int, int, int, "str | None"]


def say_pieces(
    text: str,
    pieces: Iterable[Piece],
    begin: int,
    stop: int,
    quiet: Container[int],
    run: Callable[[int, int, int], tuple[str, list[int]]] | None = None,
) -> tuple[str, list[int]]:
    """The spoken text of the sentence ``text[begin:stop]`` said piece by piece, ``pieces``
    in order, and its words' spoken bounds one after the other (-1, -1 for a word not
    spoken). Between two spoken pieces is said what the gap between them says, the gaps
    around a word not spoken being said with the next one; nothing before the first,
    final punctuation only after the last; an emoji's name is set off by pauses; the
    period after a word in ``quiet`` (an abbreviation's) is not said. A run of words
    (form None, only ASCII letters at its ends) is said by ``run(first, after, at)``,
    which gives its text and its words' spoken bounds from offset ``at``."""
    out: list[str] = []
    length = 0
    spans: list[int] = []
    pending = ""  # the gaps around words not spoken, said with the next gap
    cursor = begin
    started = False
    pause_after = False
    for low, high, s, e, form in pieces:
        between = text[cursor:s]
        if quiet and low - 1 in quiet and between.startswith("."):
            between = between[1:]  # an abbreviation's period: no pause, no "dot"
        cursor = e
        if form == "":
            pending += between + " "
            spans += (-1, -1)
            continue
        if pending:
            between = pending + between
            pending = ""
        if not started:
            said = ""
            started = True
        elif between == " ":
            said = " "  # most gaps: what _speak_gap gives, without looking
        else:
            said = _MIDDLE_GAPS.get(between) or _speak_gap(between, "middle")
        if form is None:
            # Plain ASCII letters at both ends: no emoji, but one may come just before.
            if pause_after and said == " ":
                said = ", "
            pause_after = False
        elif pause_after or ord(text[s]) > 0x7F or ord(text[e - 1]) > 0x7F:
            pause_before, after = _emoji_edges(text[s:e])
            if said == " " and (pause_after or pause_before):
                said = ", "  # an emoji's name is set off from the words around it
            pause_after = after
        out.append(said)
        length += len(said)
        if form is None:
            if run is None:
                raise TypeError("say_pieces: a run of words needs run= to say it")
            form, moved = run(low, high, length)
            spans += moved
        else:
            spans.append(length)
            spans.append(length + len(form))
        out.append(form)
        length += len(form)
    rest = pending + text[cursor:stop]
    out.append(_END_GAPS.get(rest) or _speak_gap(rest, "end"))
    return "".join(out), spans


def to_spoken(
    text: str,
    start: int = 0,
    end: int | None = None,
    lexicon: Sequence[tuple[str, str]] = (),
    *,
    language: str = "en",
) -> SpokenText:
    """The spoken form of ``text[start:end]`` (typically one sentence).

    ``words`` holds one entry per word of :func:`split_words` over the same
    span, with display offsets into ``text`` and spoken offsets into the
    returned text (-1 for a word that is not spoken). ``language`` is the
    story's language tag; amounts, ranges and abbreviations are said in it.
    """
    spoken, displayed, spans = spoken_spans(text, start, end, lexicon, language=language)
    words = tuple(
        SpokenWord(s, e, spoken_start, spoken_end)
        for (s, e), (spoken_start, spoken_end) in zip(displayed, spans, strict=True)
    )
    return SpokenText(spoken, words)


def spoken_attribution(author: str, date_text: str, language: str = "en") -> str:
    """What is said for a post's attribution line: who posted it and when."""
    return phrases_for(language).attribution(author, date_text)


def format_long_date(d: _dt.date, language: str = "en") -> str:
    """``April 26, 2018`` (``26 de abril de 2018`` in Spanish), whatever the locale."""
    return phrases_for(language).date(d)
