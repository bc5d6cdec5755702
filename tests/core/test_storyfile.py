"""The story file format: the bundled story, valid files and every error path."""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from player.core.model import Block, BlockType
from player.core.storyfile import (
    MAX_FILE_BYTES,
    Problem,
    StoryFileError,
    builtin_kinds,
    load_story,
    problems_of,
    read_story_text,
)
from player.paths import bundled_story_path
from tests.support import source_article

REPO = Path(__file__).resolve().parents[2]
ARTICLE = source_article()

MINIMAL = """\
title: A small story
language: en

== introduction: Start

First sentence. Second sentence.
"""


def write(tmp_path: Path, text: str, name: str = "story.txt", end: bool = True) -> Path:
    """Write a story file, closed with the '== end' line unless ``end`` is False."""
    path = tmp_path / name
    path.write_text(text + ("\n== end\n" if end else ""), encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[Problem]:
    return problems_of(write(tmp_path, text))


def only_problem_of(path: Path) -> Problem:
    found = problems_of(path)
    assert len(found) == 1, found
    return found[0]


def only_problem(tmp_path: Path, text: str) -> Problem:
    found = problems(tmp_path, text)
    assert len(found) == 1, found
    return found[0]


def tiny_png(path: Path) -> None:
    """A real 1x1 PNG, written without an image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"\x00\xff\x00\x00"
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    path.write_bytes(png)


# --- the bundled story -------------------------------------------------------


def test_bundled_story_segments() -> None:
    story = load_story(bundled_story_path())
    shape = [(s.kind.id, s.title) for s in story.segments]
    assert shape == [
        ("introduction", "Introduction"),
        ("personal-story", "Melissa and Barbara Sánchez"),
        ("personal-story", "Brenda Armenta and Justin"),
        ("life-inside", "Life inside for the children"),
        ("debate", "Leaving prison and the debate"),
        ("public-reaction", "Public reaction"),
    ]
    assert story.meta.language == "en"


def test_bundled_story_keeps_every_word_in_order() -> None:
    story = load_story(bundled_story_path())

    def article_text(block: Block) -> str:
        # A quotation's speaker line is the player's own, not the article's.
        if block.type is BlockType.QUOTATION:
            body, line = block.text.rsplit("\n", 1)
            assert line == f"— {block.speaker}"
            return body
        return block.text

    shown = "\n".join(article_text(b) for s in story.segments for b in s.blocks)
    assert shown.split() == ARTICLE.read_text(encoding="utf-8").split()


def test_bundled_story_blocks() -> None:
    story = load_story(bundled_story_path())
    melissa = story.segments[1].blocks
    assert [b.type for b in melissa] == [BlockType.POST]
    post = melissa[0]
    assert post.post is not None and post.post.author == "HuffPost"
    assert post.photo is not None
    assert (post.photo.number, post.photo.total, post.photo.image) == (1, 6, None)
    assert post.photo.label == "Photo 1 of 6"
    assert post.text.endswith("— HuffPost (@HuffPost) April 28, 2018")

    brenda = story.segments[2].blocks
    quotes = [b for b in brenda if b.type is BlockType.QUOTATION]
    assert len(quotes) == 2 and {q.speaker for q in quotes} == {"Brenda Armenta"}

    reaction = story.segments[5].blocks
    assert [b.type for b in reaction] == [
        BlockType.POST,
        BlockType.POST,
        BlockType.PARAGRAPH,
        BlockType.POST,
        BlockType.POST,
        BlockType.POST,
    ]
    authors = [b.post.author for b in reaction if b.post]
    assert authors == [
        "Ursula Koenig",
        "Ursula Koenig",
        "benjamin zac",
        "gk williams",
        "Stephanie Whinthrop",
    ]
    gk = reaction[4]
    assert gk.sentences[-1].spoken == "Posted by gk williams on April 26, 2018"
    assert gk.sentences[-1].display == "— gk williams (@gdub520) April 26, 2018"


def test_spoken_text_of_bundled_story() -> None:
    story = load_story(bundled_story_path())
    spoken = " ".join(story.sentence(r).spoken for r in story.refs)
    assert "t.co" not in spoken and "https" not in spoken
    assert "photo 1 of 6" in spoken.lower()
    assert "@" not in spoken
    assert "sair-dahn" in spoken  # the lexicon changed the spoken text...
    shown = " ".join(story.sentence(r).display for r in story.refs)
    assert "Serdán" in shown and "sair-dahn" not in shown  # ...and only that


def test_sentence_offsets_point_into_block_text() -> None:
    story = load_story(bundled_story_path())
    for ref in story.refs:
        block = story.block_of(ref)
        sentence = story.sentence(ref)
        assert block.text[sentence.start : sentence.end] == sentence.display
        for word in sentence.words:
            assert sentence.start <= word.start < word.end <= sentence.end
            if word.spoken_start >= 0:
                assert 0 <= word.spoken_start < word.spoken_end <= len(sentence.spoken)


def test_attribution_words_map_to_spoken_words() -> None:
    story = load_story(bundled_story_path())
    post = story.segments[5].blocks[3]
    attribution = post.sentences[-1]
    spoken_words = [
        attribution.spoken[w.spoken_start : w.spoken_end]
        for w in attribution.words
        if w.spoken_start >= 0
    ]
    assert spoken_words == ["benjamin", "zac", "April", "28", "2018"]


def test_builtin_kinds_are_data() -> None:
    kinds = builtin_kinds()
    assert kinds["personal-story"].plural == "Personal stories"
    assert "public-reaction" in kinds


# --- valid files -------------------------------------------------------------


def test_minimal_story(tmp_path: Path) -> None:
    story = load_story(write(tmp_path, MINIMAL))
    assert story.meta.title == "A small story"
    assert [s.display for s in story.segments[0].blocks[0].sentences] == [
        "First sentence.",
        "Second sentence.",
    ]
    assert story.sentence_count == 2


def test_paragraph_lines_join_and_comments_are_ignored(tmp_path: Path) -> None:
    story = load_story(
        write(
            tmp_path,
            "% a comment\ntitle: T\nlanguage: en\n\n== context: C\n% another\n"
            "One line\ncontinues here.\n\nNew paragraph.\n",
        )
    )
    blocks = story.segments[0].blocks
    assert [b.text for b in blocks] == ["One line continues here.", "New paragraph."]


def test_declared_kind_and_crlf_and_bom(tmp_path: Path) -> None:
    text = "\ufefftitle: T\r\nlanguage: es\r\n\r\n[kinds]\r\nrecipe = Recipe | Recipes\r\n\r\n"
    text += "== recipe: Tortilla\r\n\r\nHuevos.\r\n"
    story = load_story(write(tmp_path, text))
    assert story.segments[0].kind.plural == "Recipes"
    assert story.meta.language == "es"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de-DE", ["Am 3. Oktober kam er.", "Er blieb."]),
        ("en", ["Am 3.", "Oktober kam er.", "Er blieb."]),
    ],
)
def test_sentences_follow_the_story_language(
    tmp_path: Path, language: str, expected: list[str]
) -> None:
    text = f"title: T\nlanguage: {language}\n\n== context: C\n\nAm 3. Oktober kam er. Er blieb.\n"
    story = load_story(write(tmp_path, text))
    assert [s.display for s in story.segments[0].blocks[0].sentences] == expected


def test_real_image_file(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    tiny_png(tmp_path / "images" / "cell.png")
    story = load_story(
        write(
            tmp_path,
            MINIMAL + "\n::: photo\nimage: images/cell.png\nalt: A cell with a crib\n"
            "credit: Test Photographer\nnumber: 2 of 3\n---\nA crib in a cell.\n:::\n",
        )
    )
    photo = story.segments[0].photos[0]
    assert photo.image == (tmp_path / "images" / "cell.png").resolve()
    assert photo.image.read_bytes().startswith(b"\x89PNG")
    assert (photo.alt, photo.credit, photo.label) == (
        "A cell with a crib",
        "Test Photographer",
        "Photo 2 of 3",
    )
    block = story.segments[0].blocks[-1]
    assert block.sentences[0].spoken.startswith("Photo caption: ")
    word = block.sentences[0].words[0]
    assert block.sentences[0].spoken[word.spoken_start : word.spoken_end] == "A"


def test_photo_without_caption_is_silent(tmp_path: Path) -> None:
    story = load_story(write(tmp_path, MINIMAL + "\n::: photo\ncredit: Someone\n:::\n"))
    block = story.segments[0].blocks[-1]
    assert block.type is BlockType.PHOTO and block.sentences == ()


def test_post_without_handle_or_date(tmp_path: Path) -> None:
    story = load_story(write(tmp_path, MINIMAL + "\n::: post\nauthor: Ana\n---\nHola.\n:::\n"))
    post = story.segments[0].blocks[-1]
    assert post.text == "Hola.\n— Ana"
    assert post.sentences[-1].spoken == "Posted by Ana"


# --- error paths ---------------------------------------------------------------


def test_missing_title_and_language(tmp_path: Path) -> None:
    found = problems(tmp_path, "== introduction: I\n\nText.\n")
    messages = " | ".join(p.message for p in found)
    assert "no title" in messages and "no language" in messages


def test_unknown_kind_names_line_and_known_kinds(tmp_path: Path) -> None:
    p = only_problem(tmp_path, MINIMAL.replace("introduction", "intro"))
    assert p.line == 4
    assert "unknown segment kind 'intro'" in p.message and "personal-story" in p.message


def test_bad_date(tmp_path: Path) -> None:
    p = only_problem(
        tmp_path, "title: T\nlanguage: en\ndate: 28 April 2018\n\n== context: C\n\nX.\n"
    )
    assert p.line == 3 and "YYYY-MM-DD" in p.message


def test_bad_post_date_and_handle(tmp_path: Path) -> None:
    text = MINIMAL + "\n::: post\nauthor: A\nhandle: nobody\ndate: 2018-02-30\n---\nHi.\n:::\n"
    found = problems(tmp_path, text)
    assert [p.line for p in found] == [10, 11]


def test_missing_required_fields(tmp_path: Path) -> None:
    text = MINIMAL + "\n::: quote\n---\nWords.\n:::\n\n::: post\nhandle: @x\n---\nHi.\n:::\n"
    found = problems(tmp_path, text)
    assert [(p.line, "speaker" in p.message or "author" in p.message) for p in found] == [
        (8, True),
        (13, True),
    ]


def test_unknown_fields_and_block_types(tmp_path: Path) -> None:
    text = "title: T\nlanguage: en\nauthor: me\n\n== context: C\n\n::: video\n---\nX\n:::\n"
    text += "\n::: quote\nspeaker: S\nmood: happy\n---\nY.\n:::\n"
    found = problems(tmp_path, text)
    assert [p.line for p in found] == [3, 7, 14]
    assert "unknown block type 'video'" in found[1].message


def test_unclosed_block(tmp_path: Path) -> None:
    p = only_problem(tmp_path, MINIMAL + "\n::: quote\nspeaker: S\n---\nNever closed.\n")
    assert p.line == 8 and "never closed" in p.message


def test_image_outside_story_folder(tmp_path: Path) -> None:
    inner = tmp_path / "story"
    inner.mkdir()
    tiny_png(tmp_path / "outside.png")
    text = MINIMAL + "\n::: photo\nimage: ../outside.png\n---\nCaption.\n:::\n"
    found = problems_of(write(inner, text))
    assert len(found) == 1 and "outside the story's folder" in found[0].message
    assert found[0].line == 9


def test_image_absolute_or_not_an_image(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    text = MINIMAL
    for image in ("/etc/hostname", "notes.txt"):
        text += f"\n::: photo\nimage: {image}\n---\nCaption.\n:::\n"
    found = problems(tmp_path, text)
    assert len(found) == 2
    assert "relative" in found[0].message
    assert "not an image" in found[1].message


def test_a_missing_image_is_a_warning_and_the_caption_stays(tmp_path: Path) -> None:
    text = MINIMAL + "\n::: photo\nimage: images/missing.png\nalt: A yard\n---\nCaption.\n:::\n"
    story = load_story(write(tmp_path, text))
    photo = story.segments[0].photos[0]
    assert photo.image is None and photo.caption == "Caption." and photo.alt == "A yard"
    [(line, message)] = story.warnings
    assert line == 9 and "images/missing.png" in message and "not found" in message


def test_an_image_named_in_another_case_is_found_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "Images").mkdir()
    tiny_png(tmp_path / "Images" / "Yard.PNG")
    text = MINIMAL + "\n::: photo\nimage: images/yard.png\n---\nCaption.\n:::\n"
    story = load_story(write(tmp_path, text))
    assert story.segments[0].photos[0].image == (tmp_path / "Images" / "Yard.PNG").resolve()
    [(line, message)] = story.warnings
    assert line == 9 and "'Images/Yard.PNG'" in message


def test_a_block_left_open_before_another_block_is_reported_at_its_opening(
    tmp_path: Path,
) -> None:
    text = MINIMAL + (
        "\n::: quote\nspeaker: Ana\n---\nFirst words.\n"
        "\n::: quote\nspeaker: Luis\n---\nSecond words.\n:::\n"
    )
    p = only_problem(tmp_path, text)
    assert p.line == 8 and "never closed" in p.message


def test_a_quotation_shows_and_says_its_speaker(tmp_path: Path) -> None:
    text = MINIMAL + (
        "\n::: quote\nspeaker: José Ñúñez\n---\n“We read at night. Then we sleep.”\n:::\n"
    )
    block = load_story(write(tmp_path, text)).segments[0].blocks[-1]
    assert block.text == "“We read at night. Then we sleep.”\n— José Ñúñez"
    first, second = block.sentences
    assert first.spoken.startswith("José Ñúñez said: ")
    assert not second.spoken.startswith("José")
    # The displayed words still map onto what is said after the prefix.
    word = first.words[0]
    shown = block.text[word.start : word.end]
    assert first.spoken[word.spoken_start : word.spoken_end] in (shown, shown.strip("“"))


@pytest.mark.parametrize(
    "handle", ["@gdub520", "@ana.bsky.social", "@ana@mastodon.social", "@x_y@social.example.org"]
)
def test_handles_of_every_network(tmp_path: Path, handle: str) -> None:
    text = MINIMAL + f"\n::: post\nauthor: Ana\nhandle: {handle}\n---\nHi.\n:::\n"
    story = load_story(write(tmp_path, text))
    assert story.segments[0].blocks[-1].post.handle == handle  # type: ignore[union-attr]


@pytest.mark.parametrize("handle", ["nobody", "@", "@a b", "@ana@", "@.bsky.social", "@ana@x"])
def test_what_is_not_a_handle(tmp_path: Path, handle: str) -> None:
    text = MINIMAL + f"\n::: post\nauthor: Ana\nhandle: {handle}\n---\nHi.\n:::\n"
    p = only_problem(tmp_path, text)
    assert "Bluesky" in p.message and "Mastodon" in p.message


def test_capitalised_respellings_are_a_warning(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "== introduction",
        "[lexicon]\nAquiles = ah-KEE-less\nSerdán = sair-dahn\nÑúñez = [[J'uJes]]\n\n"
        "== introduction",
    )
    story = load_story(write(tmp_path, text))
    [(line, message)] = story.warnings
    assert line == 5 and "'KEE'" in message and "lowercase" in message


def test_empty_story(tmp_path: Path) -> None:
    found = problems(tmp_path, "")
    assert any("no segments" in p.message for p in found)
    found = problems(tmp_path, "title: T\nlanguage: en\n")
    assert [p.message for p in found if "no segments" in p.message]


def test_segment_without_text(tmp_path: Path) -> None:
    p = only_problem(tmp_path, MINIMAL + "\n== conclusion: End\n")
    assert p.line == 8 and "has no text" in p.message


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(MINIMAL.replace("Second", "Segundo año").encode("latin-1"))
    found = problems_of(path)
    assert len(found) == 1 and found[0].line == 6 and "UTF-8" in found[0].message


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"title: T\n\x00\x01")
    assert "binary" in problems_of(path)[0].message


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    assert path.stat().st_size > MAX_FILE_BYTES
    p = problems_of(path)[0]
    assert "50.0 MB" in p.message and "at most" in p.message


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert "does not exist" in problems_of(tmp_path / "nope.txt")[0].message
    assert "folder" in problems_of(tmp_path)[0].message


def test_all_problems_at_once(tmp_path: Path) -> None:
    text = "title: T\nlanguage: english!\ndate: soon\n\n== nope: A\n\nText.\n\n== context:\n"
    found = problems(tmp_path, text)
    assert [p.line for p in found] == [2, 3, 5, 9]
    assert all(re.match(r".+story\.txt:\d+: ", str(p)) for p in found)


def test_truncated_bundled_story_reports_a_line(tmp_path: Path) -> None:
    lines = bundled_story_path().read_text(encoding="utf-8").splitlines()
    cut = next(i for i, line in enumerate(lines) if line.startswith("handle: @ursulakoenig"))
    path = write(tmp_path, "\n".join(lines[: cut + 1]) + "\n", end=False)
    with pytest.raises(StoryFileError) as info:
        load_story(path)
    assert info.value.problems[0].line > 0
    assert "never closed" in str(info.value)


@pytest.mark.parametrize("fraction", [0.1, 0.25, 0.5, 0.66, 0.8, 0.95, 0.99])
def test_any_truncation_of_the_bundled_story_is_caught(tmp_path: Path, fraction: float) -> None:
    text = bundled_story_path().read_text(encoding="utf-8")
    path = write(tmp_path, text[: int(len(text) * fraction)], end=False)
    found = problems_of(path)
    assert found and all(p.line > 0 for p in found)
    expected = ("cut short", "never closed", "no segments")
    assert any(word in p.message for p in found for word in expected)


def test_missing_end_line_names_last_line(tmp_path: Path) -> None:
    p = only_problem_of(write(tmp_path, MINIMAL + "\n\n", end=False))
    assert p.line == 6 and "'== end'" in p.message


def test_text_after_end(tmp_path: Path) -> None:
    p = only_problem_of(write(tmp_path, MINIMAL + "== end\nMore text.\n", end=False))
    assert p.line == 8 and "after the '== end' line (line 7)" in p.message


def test_article_copy_matches_the_shared_original() -> None:
    shared = REPO.parent / "shared" / "seed" / "article.txt"
    if not shared.exists():
        pytest.skip("no shared/ beside the repository to compare the copy with")
    assert (REPO / "tests" / "data" / "article.txt").read_bytes() == shared.read_bytes()


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_only_regular_files_are_read(tmp_path: Path, kind: str) -> None:
    """A FIFO would block every reader forever; /dev/zero says size 0 and never ends."""
    if kind == "fifo":
        target = tmp_path / "story.txt"
        os.mkfifo(target)
    else:
        target = Path("/dev/zero")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "player", "check", str(target)],
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "not a regular file" in done.stdout + done.stderr


def test_a_file_over_the_limit_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(StoryFileError, match="at most 5 MB"):
        read_story_text(big)


def test_an_image_in_another_case_is_reported_where_it_opens_anyway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on Windows or macOS, where "yard.png" opens "Yard.png": still a warning.
    (tmp_path / "Yard.png").write_bytes(b"")
    tiny_png(tmp_path / "Yard.png")
    monkeypatch.setattr(Path, "is_file", lambda self: self.name.lower() == "yard.png")
    text = MINIMAL + "\n::: photo\nimage: yard.png\n---\nCaption.\n:::\n"
    story = load_story(write(tmp_path, text))
    assert story.segments[0].photos[0].image is not None
    [(line, message)] = story.warnings
    assert line == 9 and "'Yard.png'" in message


def test_an_image_written_as_it_is_gives_no_warning(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    tiny_png(tmp_path / "images" / "yard.png")
    text = MINIMAL + "\n::: photo\nimage: ./images/yard.png\n---\nCaption.\n:::\n"
    story = load_story(write(tmp_path, text))
    assert story.segments[0].photos[0].image == (tmp_path / "images" / "yard.png").resolve()
    assert story.warnings == ()


def test_a_check_without_words_finds_every_problem_a_load_finds(tmp_path: Path) -> None:
    text = (
        "title: T\nlanguage: english!\ndate: soon\n\n== nope: A\n\nText.\n\n"
        "::: post\nauthor: A\nhandle: not a handle\ndate: 2024-13-01\nlink: ftp://x\n---\n"
        "Words.\n:::\n\n::: quote\n---\nSaid.\n:::\n\n::: photo\nimage: ../outside.png\n"
        "number: 7/6\n---\nCaption.\n:::\n\n== context:\n"
    )
    path = write(tmp_path, text, end=False)
    found = problems_of(path)
    assert len(found) >= 9
    assert problems_of(path, words=False) == found
    assert problems_of(bundled_story_path(), words=False) == []


def test_a_check_without_words_builds_no_spoken_text(monkeypatch: pytest.MonkeyPatch) -> None:
    import player.core.text.spoken_runs

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("spoken text built")

    monkeypatch.setattr(player.core.text.spoken_runs, "block_sentences", refuse)
    assert problems_of(bundled_story_path(), words=False) == []
    with pytest.raises(AssertionError, match="spoken text built"):
        problems_of(bundled_story_path())
