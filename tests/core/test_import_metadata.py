"""A saved page's title, author, address, site name and date, read without trafilatura's
search for categories, tags and a licence (no story takes them)."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
import trafilatura.metadata

from player.core.importer import import_file
from player.core.importer.pagemeta import page_metadata

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"
HTML_PAGES = sorted(CORPUS.glob("*.html"))
FIELDS = ("title", "author", "url", "sitename", "date")


@pytest.mark.parametrize("page", HTML_PAGES, ids=lambda p: p.name)
def test_the_fields_are_trafilatura_s_own(page: Path) -> None:
    root = lxml.html.parse(str(page)).getroot()
    ours = page_metadata(root)
    theirs = trafilatura.metadata.extract_metadata(root)
    assert {f: getattr(ours, f) for f in FIELDS} == {f: getattr(theirs, f) for f in FIELDS}
    # Some page of the corpus has each field, so the comparison is not of Nones alone.
    assert ours.title


def test_every_field_is_found_somewhere_in_the_corpus() -> None:
    found = {
        f
        for page in HTML_PAGES
        for f in FIELDS
        if getattr(page_metadata(lxml.html.parse(str(page)).getroot()), f)
    }
    assert found == set(FIELDS)


def test_an_import_looks_for_no_categories_tags_or_licence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A footer of a few thousand links cost most of the metadata time in those searches.
    def searched(*args: object) -> None:
        raise AssertionError("searched for categories, tags or a licence")

    monkeypatch.setattr(trafilatura.metadata, "extract_catstags", searched)
    monkeypatch.setattr(trafilatura.metadata, "extract_license", searched)
    draft = import_file(CORPUS / "en-feature.html")
    assert draft.title == "River town counts the cost of the winter floods"
    assert (draft.source, draft.date, draft.credit) == (
        "The Daily Ledger",
        "2024-02-12",
        "Harriet Marsh",
    )


def test_the_page_is_left_as_it_was() -> None:
    # The walk after the extraction looks captions and credits up in this same tree.
    root = lxml.html.parse(str(CORPUS / "en-feature.html")).getroot()
    before = lxml.html.tostring(root)
    page_metadata(root)
    assert lxml.html.tostring(root) == before
