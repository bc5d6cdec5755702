"""The text of an EPUB talking book: a semantic XHTML document per segment and the
navigation document.

Each sentence is a ``span`` with an id (``s`` and its 1-based number in the story), which
the Media Overlays point at. Quotations and posts are ``blockquote`` in a ``figure`` whose
``figcaption`` is the attribution line; photos are ``figure`` with the image, its alt text,
caption and credit, or the caption alone where the image is not in the book.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from player.core.model import Block, BlockType, Story
from player.core.navigation import group_segments

#: the class reading systems put on the sentence being read (media:active-class)
ACTIVE_CLASS = "story-active"

CSS = f"""\
body {{ font-family: serif; line-height: 1.5; }}
h1 {{ font-size: 1.4em; }}
figure {{ margin: 1em 0; }}
blockquote {{ margin: 0 0 0 1.5em; font-style: italic; }}
figcaption, .attribution, .credit {{ font-size: 0.95em; }}
.credit {{ display: block; font-style: normal; }}
img {{ max-width: 100%; height: auto; }}
.{ACTIVE_CLASS} {{ background-color: #ffe066; color: #000; }}
"""


def sentence_id(index: int) -> str:
    """The element id of sentence ``index`` (0-based in the story)."""
    return f"s{index + 1}"


def document_name(number: int) -> str:
    """The file name of the ``number``-th (1-based) segment's document."""
    return f"seg{number:02d}.xhtml"


def _text(text: str) -> str:
    return escape(text, quote=False).replace("\n", "<br/>")


def _spans(block: Block, first: int, start: int, end: int) -> str:
    """The displayed text of ``block`` from ``start`` to ``end``, each sentence in it a span;
    ``first`` is the story index of the block's first sentence."""
    out: list[str] = []
    at = start
    for n, sentence in enumerate(block.sentences):
        if sentence.start < start or sentence.end > end:
            continue
        out.append(_text(block.text[at : sentence.start]))
        out.append(f'<span id="{sentence_id(first + n)}">{_text(sentence.display)}</span>')
        at = sentence.end
    out.append(_text(block.text[at:end]))
    return "".join(out).strip()


def _split_attribution(block: Block) -> int:
    """Where a quotation's or a post's attribution line starts (its last line)."""
    cut = block.text.rfind("\n")
    return cut if cut >= 0 else len(block.text)


def _credit(credit: str) -> str:
    return f'<span class="credit">Photo: {escape(credit)}</span>' if credit else ""


def block_xhtml(block: Block, first: int, images: Mapping[int, str]) -> str:
    """One block as XHTML; ``images`` maps ``id(photo)`` to its file name in the book."""
    whole = len(block.text)
    if block.type is BlockType.PARAGRAPH:
        return f"<p>{_spans(block, first, 0, whole)}</p>"
    if block.type in (BlockType.QUOTATION, BlockType.POST):
        cut = _split_attribution(block)
        kind = "quotation" if block.type is BlockType.QUOTATION else "post"
        image = ""
        if block.photo is not None and id(block.photo) in images:
            image = _image(block.photo.alt, images[id(block.photo)])
        return (
            f'<figure class="{kind}">{image}'
            f"<blockquote><p>{_spans(block, first, 0, cut)}</p></blockquote>"
            f'<figcaption class="attribution">{_spans(block, first, min(cut + 1, whole), whole)}'
            f"{_credit(block.photo.credit) if image and block.photo else ''}</figcaption>"
            "</figure>"
        )
    photo = block.photo
    caption = _spans(block, first, 0, whole)
    if photo is not None and id(photo) in images:
        return (
            f'<figure class="photo">{_image(photo.alt, images[id(photo)])}'
            f"<figcaption>{caption}{_credit(photo.credit)}</figcaption></figure>"
        )
    credit = _credit(photo.credit) if photo is not None else ""
    return f'<p class="caption">{caption}{credit}</p>'


def _image(alt: str, name: str) -> str:
    return f'<img src="{escape(name)}" alt="{escape(alt)}"/>'


def _document(language: str, title: str, body: str, head: str = "") -> str:
    lang = escape(language)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
        f' xml:lang="{lang}" lang="{lang}">\n<head>\n<meta charset="utf-8"/>\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" type="text/css" href="style.css"/>{head}\n</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def segment_document(story: Story, segment: int, images: Mapping[int, str]) -> str:
    """The XHTML document of one segment: its title as heading, then its blocks."""
    seg = story.segments[segment]
    first = story.first_sentence_of_segment(segment) or 0
    blocks: list[str] = []
    for block in seg.blocks:
        blocks.append(block_xhtml(block, first, images))
        first += len(block.sentences)
    heading = f"h{segment + 1}"
    body = (
        f'<section epub:type="chapter" aria-labelledby="{heading}">\n'
        f'<h1 id="{heading}">{escape(seg.title)}</h1>\n' + "\n".join(blocks) + "\n</section>"
    )
    return _document(story.meta.language, seg.title, body)


def nav_document(story: Story) -> str:
    """The navigation document: the segments grouped by kind, as the window's contents
    list shows them, and landmarks."""
    groups: list[str] = []
    for group in group_segments(story):
        items = "".join(
            f'<li><a href="{document_name(i + 1)}">{escape(story.segments[i].title)}</a></li>'
            for i in group.segments
        )
        groups.append(f"<li><span>{escape(group.kind.plural)}</span><ol>{items}</ol></li>")
    body = (
        '<nav epub:type="toc" id="toc" role="doc-toc">\n<h1>Contents</h1>\n<ol>\n'
        + "\n".join(groups)
        + "\n</ol>\n</nav>\n"
        '<nav epub:type="landmarks" id="landmarks" hidden="hidden">\n<h2>Landmarks</h2>\n<ol>\n'
        '<li><a epub:type="toc" href="#toc">Contents</a></li>\n'
        f'<li><a epub:type="bodymatter" href="{document_name(1)}">'
        f"{escape(story.segments[0].title) if story.segments else 'Start'}</a></li>\n"
        "</ol>\n</nav>"
    )
    return _document(story.meta.language, story.meta.title, body)
