"""Tests for sentence splitting by the rules of the story's language."""

from __future__ import annotations

import pytest

from player.core.text.sentence_rules import BASE, SUPPORTED_LANGUAGES, rules_for
from player.core.text.splitter import split_sentences


def sentences(text: str, language: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text, language=language)]


CASES = [
    # Spanish: titles, "etc.", page and number abbreviations, ordinals, ¿¡.
    ("es", "La Sra. García llegó. El Dr. Pérez no.", ["La Sra. García llegó.", "El Dr. Pérez no."]),
    ("es", "Habló con la Srta. Ruiz y D. Luis.", ["Habló con la Srta. Ruiz y D. Luis."]),
    (
        "es",
        "Compró pan, leche, etc. Luego volvió a casa.",
        ["Compró pan, leche, etc.", "Luego volvió a casa."],
    ),
    ("es", "Compró pan, leche, etc. y volvió.", ["Compró pan, leche, etc. y volvió."]),
    (
        "es",
        "Véase la pág. 12 del informe. Es clara.",
        ["Véase la pág. 12 del informe.", "Es clara."],
    ),
    (
        "es",
        "Quedó en 1.º lugar. Fue su 2.ª victoria.",
        ["Quedó en 1.º lugar.", "Fue su 2.ª victoria."],
    ),
    ("es", "¿Vienes? ¡Claro! Vamos.", ["¿Vienes?", "¡Claro!", "Vamos."]),
    ("es", "Vive en EE. UU. desde 2010. Le gusta.", ["Vive en EE. UU. desde 2010.", "Le gusta."]),
    ("es", "Frutas, p. ej. Manzanas. Bien.", ["Frutas, p. ej. Manzanas.", "Bien."]),
    # French: M., Mme, p. ex., etc., spaced punctuation and guillemets.
    (
        "fr",
        "M. Dupont est arrivé. Mme Durand aussi.",
        ["M. Dupont est arrivé.", "Mme Durand aussi."],
    ),
    ("fr", "M. Le Pen a parlé. Il est parti.", ["M. Le Pen a parlé.", "Il est parti."]),
    (
        "fr",
        "Des fruits, p. ex. des pommes. C'est bon.",
        ["Des fruits, p. ex. des pommes.", "C'est bon."],
    ),
    (
        "fr",
        "Du pain, du lait, etc. Il rentre chez lui.",
        ["Du pain, du lait, etc.", "Il rentre chez lui."],
    ),
    ("fr", "« Bonjour. » Il est parti.", ["« Bonjour. »", "Il est parti."]),
    ("fr", "Vraiment ? Oui ! D'accord.", ["Vraiment ?", "Oui !", "D'accord."]),
    ("fr", "Vraiment\u202f? Oui\u00a0! Bon.", ["Vraiment\u202f?", "Oui\u00a0!", "Bon."]),
    ("fr", "Voir chap. 3 et p. 12. Fin.", ["Voir chap. 3 et p. 12.", "Fin."]),
    # German: z. B., bzw., Nr., Dr., ordinals, i. d. R.
    (
        "de",
        "Er mag Obst, z. B. Die Äpfel. Sie nicht.",
        ["Er mag Obst, z. B. Die Äpfel.", "Sie nicht."],
    ),
    ("de", "Er mag Obst, z.B. Äpfel. Sie nicht.", ["Er mag Obst, z.B. Äpfel.", "Sie nicht."]),
    (
        "de",
        "Das gilt bzw. Das galt. Nun nicht mehr.",
        ["Das gilt bzw. Das galt.", "Nun nicht mehr."],
    ),
    ("de", "Er wohnt in Nr. 5. Sie wohnt in Nr. 7.", ["Er wohnt in Nr. 5.", "Sie wohnt in Nr. 7."]),
    ("de", "Dr. Müller kam. Er blieb.", ["Dr. Müller kam.", "Er blieb."]),
    (
        "de",
        "Am 3. Oktober 1990 kam die Einheit. Das war gut.",
        ["Am 3. Oktober 1990 kam die Einheit.", "Das war gut."],
    ),
    (
        "de",
        "Im 19. Jahrhundert war das so. Dann nicht.",
        ["Im 19. Jahrhundert war das so.", "Dann nicht."],
    ),
    ("de", "Er wurde am 3. Die Feier war schön.", ["Er wurde am 3.", "Die Feier war schön."]),
    ("de", "Das gilt i. d. R. Immer. Gut.", ["Das gilt i. d. R. Immer.", "Gut."]),
    ("de", "Siehe S. 12 im Buch. Danke.", ["Siehe S. 12 im Buch.", "Danke."]),
]


@pytest.mark.parametrize(("language", "text", "expected"), CASES)
def test_language_rules(language: str, text: str, expected: list[str]) -> None:
    assert sentences(text, language) == expected


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("es", "La Sra. García llegó."),
        ("es", "Compró pan, leche, etc. Luego volvió a casa."),
        ("fr", "Du pain, du lait, etc. Il rentre chez lui."),
        ("de", "Am 3. Oktober 1990 kam die Einheit."),
        ("de", "Er mag Obst, z. B. Die Äpfel."),
        ("de", "Das gilt bzw. Das galt."),
    ],
)
def test_the_language_decides(language: str, text: str) -> None:
    assert sentences(text, language) != sentences(text, "en")


@pytest.mark.parametrize(
    ("tag", "primary"),
    [
        ("en", "en"),
        ("en-GB", "en"),
        ("EN-us", "en"),
        ("es-419", "es"),
        ("fr_CA", "fr"),
        ("de-AT", "de"),
    ],
)
def test_language_tags_pick_their_rules(tag: str, primary: str) -> None:
    assert rules_for(tag) is rules_for(primary)
    assert rules_for(tag) is not BASE


@pytest.mark.parametrize("tag", ["it", "pt-BR", "", "x-klingon", "nl"])
def test_other_languages_get_the_base_rules(tag: str) -> None:
    assert rules_for(tag) is BASE


def test_supported_languages() -> None:
    assert set(SUPPORTED_LANGUAGES) == {"en", "es", "fr", "de"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Va bene. Grazie! Ciao?", ["Va bene.", "Grazie!", "Ciao?"]),
        ("Il Dr. Rossi è arrivato. Poi è partito.", ["Il Dr. Rossi è arrivato.", "Poi è partito."]),
        # Without a list of sentence starters, an abbreviation that may end a sentence
        # does not split: a missed break is better than a sentence cut in two.
        ("Pane, latte, etc. Poi a casa.", ["Pane, latte, etc. Poi a casa."]),
        ("Vedi fig. 3 e p. 12. Fine.", ["Vedi fig. 3 e p. 12.", "Fine."]),
    ],
)
def test_base_rules(text: str, expected: list[str]) -> None:
    assert sentences(text, "it") == expected


def test_english_is_the_default() -> None:
    text = "She moved to the U.S. The move was hard."
    assert split_sentences(text) == split_sentences(text, language="en")
    assert sentences(text, "en") == ["She moved to the U.S.", "The move was hard."]
