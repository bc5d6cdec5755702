"""What is spoken for amounts, ranges, abbreviations, handles and emoji, per language: one
table of cases, checked against the table in docs/story-format.md and against what
espeak-ng actually says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from player.core.speech import NoSpeechEngine
from player.core.storyfile import load_story
from player.core.text.spoken import to_spoken
from tests.core.text.test_spoken import check_invariants

REPO_ROOT = Path(__file__).resolve().parents[3]
DOC = REPO_ROOT / "docs" / "story-format.md"

#: (language, displayed, spoken): every row is a test and a row of the documentation's table
ROWS = [
    ("en", "It cost $12,500.", "It cost twelve thousand five hundred dollars."),
    ("en", "$12,500.50", "twelve thousand five hundred dollars and fifty cents"),
    ("en", "€5 or £3.50", "five euro or three pounds sterling and fifty pence"),
    ("en", "a $1.2 million grant", "a 1.2 million dollars grant"),
    ("en", "Open Fri.–Sun. only", "Open Friday to Sunday only"),
    ("en", "ages 10–12", "ages 10 to 12"),
    ("en", "in 1990–95", "in nineteen ninety to 95"),
    ("en", "in 1999", "in nineteen ninety nine"),
    ("en", "vol. 2, approx. 40 pages", "volume 2, approximately 40 pages"),
    ("en", "on Mon., Jan. 5", "on Monday, January 5"),
    ("en", "in the Sun.", "in the Sun."),
    ("en", "Nº 7", "number 7"),
    ("en", "No. 7 and #7", "number 7 and number 7"),
    ("en", "@BibliotecaN7", "Biblioteca N7"),
    ("en", "@ana.bsky.social", "ana on Bluesky"),
    ("en", "@ana@mastodon.social", "ana on mastodon dot social"),
    ("en", "@nytimes.com", "nytimes dot com"),
    (
        "en",
        "years 📚 🌙 #BibliotecaNocturna",
        "years, books, crescent moon, hashtag Biblioteca Nocturna",
    ),
    ("en", "at 3 a.m. today", "at 3 a.m today"),
    ("en", "at 10:30 p.m. today", "at 10:30 p.m today"),
    ("en", "45%", "45%"),
    ("en", "1/2 cup", "one half cup"),
    ("en", "¾ cup", "three quarters cup"),
    ("en", "the 21st time", "the 21st time"),
    ("es", "Cuesta $12.500.", "Cuesta doce mil quinientos dólares."),
    ("es", "12.500 €", "doce mil quinientos euros"),
    ("es", "US$1,2 millones", "1,2 millones de dólares"),
    ("es", "vie.–dom.", "viernes a domingo."),
    ("es", "de 10–12 años", "de 10 a 12 años"),
    ("es", "en 1999", "en 1999"),
    ("es", "pág. 3, aprox. 40", "página 3, aproximadamente 40"),
    ("es", "Nº 7 y #7", "número 7 y número 7"),
    ("es", "@ana@mastodon.social", "ana en mastodon punto social"),
    ("es", "@ana.bsky.social", "ana en Bluesky"),
    ("es", "45 %", "45%"),
    ("es", "¾ de taza", "tres cuartos de taza"),
    ("es", "el 21º", "el 21º"),
    ("es", "a las 10:30", "a las 10:30"),
]


@pytest.mark.parametrize(("language", "displayed", "spoken"), ROWS)
def test_what_is_spoken(language: str, displayed: str, spoken: str) -> None:
    result = to_spoken(displayed, language=language)
    assert result.text == spoken
    check_invariants(displayed, result)


def doc_rows() -> list[tuple[str, str, str]]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## What is spoken", 1)[1].split("\n## ", 1)[0]
    row = re.compile(r"\| (\w+) \| `([^`]*)` \| `([^`]*)` \|")
    return [(m[1], m[2], m[3]) for m in row.finditer(section)]


def test_documented_table_is_the_tested_table() -> None:
    assert doc_rows() == ROWS


@pytest.mark.parametrize(
    ("tag", "displayed", "spoken"),
    [
        ("es-MX", "vol. 2", "volumen 2"),
        ("EN-gb", "vol. 2", "volume 2"),
        ("", "vol. 2", "volume 2"),
        # Languages without rules keep digits and symbols for espeak.
        ("fr", "$12,500 vol. 2", "$12,500 vol. 2"),
        ("fr", "Fri.–Sun.", "Fri.–Sun."),
    ],
)
def test_language_tags(tag: str, displayed: str, spoken: str) -> None:
    assert to_spoken(displayed, language=tag).text == spoken


def test_default_language_is_english() -> None:
    assert to_spoken("$5 vol. 2").text == to_spoken("$5 vol. 2", language="en").text


def test_words_map_to_their_rewritten_forms() -> None:
    text = "It cost $1,2 millones, 12.500 € and vol. 2 😢 now."
    result = to_spoken(text, language="es")
    said = {
        text[w.display_start : w.display_end]: (
            None if w.spoken_start < 0 else result.text[w.spoken_start : w.spoken_end]
        )
        for w in result.words
    }
    assert said["$1,2"] == "1,2"
    assert said["millones"] == "millones de dólares"
    assert said["12.500"] == "doce mil quinientos euros"
    assert said["€"] is None
    assert said["vol"] == "volumen"
    assert said["😢"] == "cara llorando"  # the emoji's CLDR name in Spanish
    check_invariants(text, result)


def test_abbreviation_period_is_not_a_pause() -> None:
    # A period after a word is said as a full stop (a pause) unless it ends a known
    # abbreviation.
    assert to_spoken("see vol. 2").text == "see volume 2"
    assert to_spoken("see bol. 2").text == "see bol. 2"


def test_story_language_reaches_the_spoken_text(tmp_path: Path) -> None:
    story = """\
title: Una historia
language: es

== introduction: Inicio

Cuesta $12.500 el vol. 2 del libro.

== end
"""
    path = tmp_path / "story.txt"
    path.write_text(story, encoding="utf-8")
    sentence = load_story(path).segments[0].blocks[0].sentences[0]
    assert sentence.spoken == "Cuesta doce mil quinientos dólares el volumen 2 del libro."


_PIECES = st.sampled_from(
    [
        *"aZ9 .,–-%/",
        "$12,500",
        "12.500",
        "€",
        "$1.2",
        "million",
        "millones",
        "Fri.",
        "–Sun.",
        "vol.",
        "Nº",
        "No.",
        "#7",
        "¾",
        "1/2",
        "10–12",
        "1990–95",
        "1999",
        "a.m.",
        "@BibliotecaN7",
        "@ana.bsky.social",
        "@ana@mastodon.social",
        "📚",
        "👍🏽",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join), st.sampled_from(["en", "es", "fr"]))
def test_mapping_holds_with_language_rules(text: str, language: str) -> None:
    check_invariants(text, to_spoken(text, language=language))


# --- What espeak-ng says ---------------------------------------------------------------

try:
    from player.core.speech.espeak import phonemes

    phonemes("a", "gmw/en-us")
    ESPEAK = True
except NoSpeechEngine:  # pragma: no cover - the CI image has it
    ESPEAK = False

needs_espeak = pytest.mark.skipif(not ESPEAK, reason="espeak-ng is not available")


@needs_espeak
@pytest.mark.parametrize(
    ("voice", "displayed", "language", "wrong", "right"),
    [
        ("gmw/en-us", "$12,500", "en", "dollar twelve", "twelve thousand five hundred dollars"),
        ("roa/es", "$12.500", "es", "dólar doce", "doce mil quinientos dólares"),
        ("gmw/en-us", "Fri.–Sun.", "en", "fry dot sun", "Friday to Sunday"),
        ("gmw/en-us", "ages 10–12", "en", "ages ten twelve", "ages ten to twelve"),
        ("gmw/en-us", "Nº 7", "en", "N O seven", "number seven"),
    ],
)
def test_espeak_says_the_spoken_form(
    voice: str, displayed: str, language: str, wrong: str, right: str
) -> None:
    """The exact string the player sends is said as the plain words would be, and the
    reading a listener reported for the displayed text is gone."""
    spoken = to_spoken(displayed, language=language).text
    assert phonemes(spoken, voice) == phonemes(right, voice)
    assert sounds(wrong, voice) in sounds(displayed, voice)
    assert sounds(wrong, voice) not in sounds(spoken, voice)


def sounds(text: str, voice: str) -> str:
    """The phonemes without stress marks, pauses and word breaks."""
    return re.sub(r"[',_!: ]", "", phonemes(text, voice))


@needs_espeak
def test_vol_has_no_pause() -> None:
    # espeak puts a clause break (a pause) at a sentence-like period.
    assert phonemes("vol. 2", "gmw/en-us") == "v'0l t'u:"
    assert phonemes(to_spoken("vol. 2").text, "gmw/en-us") == phonemes("volume 2", "gmw/en-us")
    assert " " in phonemes("volume 2", "gmw/en-us")
