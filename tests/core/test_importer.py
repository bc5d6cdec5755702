"""Importing saved news pages, Markdown and text: the corpus in tests/data/import.

Each page there has its expected story (``NAME.story.txt``), written before the importer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from player.core.importer import ImportFailure, import_file, write_story
from player.core.importer.draft import parse_date
from player.core.importer.language import guess_language
from player.core.importer.writer import escape, slug
from player.core.model import BlockType
from player.core.storyfile import load_story, problems_of

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"
PAGES = sorted(p for p in CORPUS.iterdir() if p.is_file() and not p.name.endswith(".story.txt"))
BOILERPLATE = (
    "cookie",
    "Cookies",
    "Share on",
    "Compartir",
    "Sign up",
    "newsletter",
    "Newsletter",
    "More on this story",
    "Más información",
    "Mehr zum Thema",
    "Les plus lus",
    "Most viewed",
    "Related",
    "Noticias relacionadas",
    "Privacy",
    "Impressum",
    "Subscribe",
    "Suscríbete",
)


def expected(page: Path) -> Path:
    return page.with_name(page.name.split(".")[0] + ".story.txt")


def imported(page: Path, tmp_path: Path) -> Path:
    return write_story(import_file(page), tmp_path) / "story.txt"


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_the_corpus_has_pages_of_four_languages() -> None:
    html = [p for p in PAGES if p.suffix in (".html", ".mhtml")]
    assert len(html) >= 8
    assert {p.name[:2] for p in html} >= {"en", "es", "fr", "de"}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_each_page_gives_its_expected_story(page: Path, tmp_path: Path) -> None:
    story = imported(page, tmp_path)
    assert problems_of(story) == []
    assert story.read_text(encoding="utf-8") == expected(page).read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_article_words_are_complete_in_order_and_nothing_else(page: Path, tmp_path: Path) -> None:
    got = load_story(imported(page, tmp_path))
    want = load_story(expected(page))
    assert [(s.kind.id, s.title) for s in got.segments] == [
        (s.kind.id, s.title) for s in want.segments
    ]
    got_words = [w for s in got.segments for b in s.blocks for w in words(b.text)]
    want_words = [w for s in want.segments for b in s.blocks for w in words(b.text)]
    assert got_words == want_words
    shown = " ".join(b.text for s in got.segments for b in s.blocks)
    assert not [b for b in BOILERPLATE if b in shown]


def test_photos_quotes_and_posts_keep_their_fields(tmp_path: Path) -> None:
    story = load_story(imported(CORPUS / "en-feature.html", tmp_path))
    blocks = [b for s in story.segments for b in s.blocks]
    (photo,) = [b for b in blocks if b.type is BlockType.PHOTO]
    assert photo.photo is not None and photo.photo.image is not None
    assert (
        photo.photo.image.read_bytes()
        == (CORPUS / "en-feature_files" / "river-flood.png").read_bytes()
    )
    assert photo.photo.credit == "Photograph: Tom Reeve/The Daily Ledger"
    assert photo.photo.alt.startswith("A flooded street")
    (quote,) = [b for b in blocks if b.type is BlockType.QUOTATION]
    assert quote.speaker == "Margaret Ellis, Mill Lane resident"
    posts = [b.post for b in blocks if b.type is BlockType.POST]
    assert [(p.author, p.handle, str(p.date)) for p in posts if p] == [
        ("Jo Baines", "@jobaines_news", "2024-01-02"),
        ("St Mary's Church", "@StMarysMill", "2024-01-02"),
    ]
    assert story.segments[-1].kind.id == "public-reaction"


def test_bluesky_and_mastodon_handles(tmp_path: Path) -> None:
    story = load_story(imported(CORPUS / "es-cronica.html", tmp_path))
    posts = [b.post for s in story.segments for b in s.blocks if b.post]
    assert [p.handle for p in posts] == ["@anagarcia@mastodon.social", "@javimoreno.bsky.social"]
    assert all(p.link.startswith("https://") and "ref_src" not in p.link for p in posts)


def test_a_remote_image_becomes_a_caption_card(tmp_path: Path) -> None:
    folder = imported(CORPUS / "fr-debat.html", tmp_path).parent
    assert not (folder / "images").exists()
    story = load_story(folder / "story.txt")
    (photo,) = [b.photo for s in story.segments for b in s.blocks if b.photo]
    assert photo.image is None and photo.caption == "La grande salle du Rex, le 9 mars."


def test_a_single_file_save_gives_its_image(tmp_path: Path) -> None:
    folder = imported(CORPUS / "en-single-file.mhtml", tmp_path).parent
    assert (folder / "images" / "ferry.png").read_bytes().startswith(b"\x89PNG")


def test_markup_lines_are_escaped_and_read_back_verbatim(tmp_path: Path) -> None:
    story = load_story(imported(CORPUS / "en-markup.html", tmp_path))
    texts = [b.text for b in story.segments[0].blocks]
    assert texts[1].startswith("== Ingredients ==")
    assert texts[2].startswith("::: Step one :::")
    assert texts[3].startswith("--- was used")
    assert texts[4].startswith("% of flour")
    assert [escape(t) for t in ("== a", "::: b", "--- c", "% d", "\\e", "plain")] == [
        "\\== a",
        "\\::: b",
        "\\--- c",
        "\\% d",
        "\\\\e",
        "plain",
    ]


def test_language_from_the_page_else_guessed(tmp_path: Path) -> None:
    assert load_story(imported(CORPUS / "fr-debat.html", tmp_path)).meta.language == "fr"
    assert guess_language("Der Hund ist nicht mit dem Auto gefahren und auch nicht") == "de"
    assert guess_language("La casa de los abuelos es para todos y con el jardín") == "es"
    assert guess_language("") == "en"


def test_dates_in_four_languages() -> None:
    assert parse_date("January 2, 2024") == "2024-01-02"
    assert parse_date("22 de abril de 2024, 0:15") == "2024-04-22"
    assert parse_date("18 mars 2024") == "2024-03-18"
    assert parse_date("7. Januar 2024") == "2024-01-07"
    assert parse_date("2024-03-18T09:12:00+01:00") == "2024-03-18"
    assert parse_date("yesterday") == ""


def test_never_overwrites_a_story(tmp_path: Path) -> None:
    first = write_story(import_file(CORPUS / "en-plain.txt"), tmp_path)
    second = write_story(import_file(CORPUS / "en-plain.txt"), tmp_path)
    assert (first.name, second.name) == (
        "allotment-waiting-list-closes",
        "allotment-waiting-list-closes-2",
    )
    assert slug("¿Qué pasó en Málaga?") == "que-paso-en-malaga"
    assert slug("!!!") == "story"


def test_bad_input_is_named(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><nav><a>Home</a></nav></body></html>", encoding="utf-8")
    with pytest.raises(ImportFailure, match="no article text"):
        import_file(empty)
    with pytest.raises(ImportFailure, match="does not exist"):
        import_file(tmp_path / "missing.html")
    with pytest.raises(ImportFailure, match=r"cannot import a '\.pdf' file"):
        import_file(tmp_path / "x.pdf")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Título\n\ncafé".encode("latin-1"))
    with pytest.raises(ImportFailure, match="not UTF-8"):
        import_file(latin)
