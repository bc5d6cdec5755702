"""An SVG is shown only when it refers to nothing outside itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from player.core.images import MAX_SVG_BYTES, image_problem, svg_problem

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ' \
    'width="10" height="10">{}</svg>'  # fmt: skip


def _svg(tmp_path: Path, body: str, name: str = "p.svg") -> Path:
    path = tmp_path / name
    path.write_text(SVG.format(body), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "body",
    [
        '<image xlink:href="/home/reader/secret.png" width="10" height="10"/>',
        '<image href="file:///etc/passwd" width="10" height="10"/>',
        '<image href="../outside.png" width="10" height="10"/>',
        '<use xlink:href="other.svg#shape"/>',
        '<rect style="fill: url(/home/reader/pattern.svg#p)" width="5" height="5"/>',
        "<style>@import url(theme.css);</style>",
        '<style>rect { fill: url("elsewhere.svg#p") }</style>',
    ],
)
def test_an_svg_that_names_another_file_is_not_shown(tmp_path: Path, body: str) -> None:
    path = _svg(tmp_path, body)
    assert svg_problem(path) is not None
    assert image_problem(path) is not None


def test_entities_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "e.svg"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    )
    assert svg_problem(path) is not None


@pytest.mark.parametrize(
    "body",
    [
        '<rect width="5" height="5" fill="red"/>',
        '<defs><linearGradient id="g"/></defs><rect style="fill: url(#g)" width="5" height="5"/>',
        '<use xlink:href="#g"/>',
        '<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>',
    ],
)
def test_a_self_contained_svg_is_shown(tmp_path: Path, body: str) -> None:
    assert svg_problem(_svg(tmp_path, body)) is None


def test_broken_or_huge_svg_is_not_shown(tmp_path: Path) -> None:
    broken = tmp_path / "b.svg"
    broken.write_text("<svg><g></svg>")
    assert svg_problem(broken) is not None
    huge = _svg(tmp_path, "<!--" + "x" * MAX_SVG_BYTES + "-->", "h.svg")
    assert svg_problem(huge) is not None


def test_other_images_go_to_the_decoder(tmp_path: Path) -> None:
    assert image_problem(tmp_path / "photo.png") is None
