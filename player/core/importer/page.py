"""A saved web page (HTML with its ``_files`` folder, or a single-file MHTML save) as a draft.

trafilatura finds the article and decides what text belongs to it: nothing here removes
boilerplate by hand. Its output keeps the article's order but loses what a story needs
(captions, credits, who is quoted, a post's author and handle), so each element it keeps is
looked up in the page itself, and that element's markup gives the details.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, TypeAlias
from urllib.parse import unquote, urljoin, urlsplit

import lxml.etree
import lxml.html

from player.core.importer.draft import (
    Draft,
    ImportFailure,
    Piece,
    Section,
    parse_date,
    propose_kinds,
    squash,
)
from player.core.importer.language import guess_language
from player.core.importer.pagemeta import page_metadata
from player.core.storyfile import IMAGE_SUFFIXES

log = logging.getLogger(__name__)

#: lxml's elements (lxml ships no type information)
_HTML: TypeAlias = Any
MIN_ARTICLE_WORDS = 5
SECOND_OPINION_SHARE = 0.6
"""The main extraction keeps at least this share of the text in the page's paragraphs, or
trafilatura's second opinion is asked. The boilerplate paragraphs of a saved news page (a
cookie notice, a newsletter box) leave its article at 0.68 or more of that text in the
corpus; an article split among containers of which the first was taken alone stays below
(0.38 on the corpus page en-split.html, 0.005 on the benchmark's split page)."""
MIN_EXTRACTED_CHARS = 250
"""Less article text than this always gets the second opinion (trafilatura's own floor)."""
_EXTRACT_OPTIONS: dict[str, Any] = {
    "output_format": "xml",
    "include_images": True,
    "include_links": True,
    "include_formatting": True,
    "include_comments": True,
    "favor_precision": True,
}
_META_FIELDS = ("title", "author", "url", "sitename", "date")
_CREDIT_CLASS = re.compile(r"credit|copyright|byline|source|author|a_m_m", re.I)
_CREDIT_TEXT = re.compile(
    r"\s*\(?((?:Photograph|Photo|Picture|Image|Foto|Fotografía|Imagen|Crédits?|Bild)\s*:\s*"
    r"[^()]+?)\)?\s*$",
    re.I,
)
_COMMENT = re.compile(r"comment|reaction|kommentar|comentario|commentaire|reader", re.I)
_AUTHOR_CLASS = re.compile(r"author|name|user|nick", re.I)
_TEXT_CLASS = re.compile(r"content|body|text|message", re.I)
_DASHES = "—–-‒―~ \u00a0"
_POST_BY = re.compile(
    r"^(?:post by|posted by|publicación de|publication de|publié par|beitrag von)\s+", re.I
)


def draft_from_page(path: Path, data: bytes, resources: dict[str, bytes] | None = None) -> Draft:
    """The article of a saved page. Images are local files next to the page (its
    ``_files`` folder) or, for a single-file save, ``resources`` by their address."""
    try:
        root = lxml.html.document_fromstring(data)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ImportFailure(f"{path}: this is not a web page that can be read ({exc})") from None
    doc = _extract(root)
    if doc is None:
        raise ImportFailure(f"{path}: no article text was found in this page")
    body = doc.find("main")
    # A word or two (a lone menu link the extractor fell back on) is not an article.
    if body is None or len(squash("".join(body.itertext())).split()) < MIN_ARTICLE_WORDS:
        raise ImportFailure(f"{path}: no article text was found in this page")
    page = _Page(path, root, doc, resources or {})
    page.walk(body)
    page.comments(doc.find("comments"))
    return page.draft()


def _extract(root: _HTML) -> _HTML | None:
    """trafilatura's article of the page as its XML (``doc`` with ``main`` and ``comments``,
    the page's title, author, url, sitename and date as attributes of ``doc``).

    Its main extraction alone is run first; its second opinion (readability and jusText,
    most of an import's time on a long page) only when that kept too little of the page's
    paragraph text, as when an article is split among containers and only the first was
    taken. The tree is handed over as it is, and the result is taken as a tree: a string
    either way was parsed again, and ``extract()``'s string comes with a fingerprint of
    the whole text for deduplication, which nothing here uses (60 ms on a 1 MB page).
    The metadata is read apart (:func:`page_metadata`), without the categories, tags and
    licence trafilatura's would look for; its address goes to the extraction as trafilatura
    passes its own metadata's."""
    # imported here: it takes a while and only import needs it
    from trafilatura import bare_extraction
    from trafilatura.settings import Document

    meta = page_metadata(root)
    url = meta.url or None
    found = bare_extraction(root, url=url, fast=True, **_EXTRACT_OPTIONS)
    if not isinstance(found, Document):
        return None
    text = found
    if _too_little(found, root):
        log.debug("main extraction kept too little of the page; asking for a second opinion")
        second = bare_extraction(root, url=url, **_EXTRACT_OPTIONS)
        if isinstance(second, Document):
            text = second
    return _xml(meta, text)


def _too_little(found: Any, root: _HTML) -> bool:
    """Whether the extraction kept less than its share of the text of the page's paragraphs."""
    kept = sum(len(squash(" ".join(part.itertext()))) for part in (found.body, found.commentsbody))
    paragraphs = sum(len(squash(p.text_content())) for p in root.iter("p"))
    return kept < max(MIN_EXTRACTED_CHARS, SECOND_OPINION_SHARE * paragraphs)


def _xml(meta: Any, text: Any) -> _HTML:
    """What ``extract()`` gives as XML: ``doc`` with the metadata as attributes, ``main``
    and ``comments``, cleaned as trafilatura cleans its XML output."""
    from trafilatura.utils import sanitize_tree
    from trafilatura.xml import remove_empty_elements, strip_double_tags

    doc = lxml.etree.Element("doc")
    for name in _META_FIELDS:
        if isinstance(value := getattr(meta, name, None), str) and value:
            doc.set(name, value)
    for part, tag in ((text.body, "main"), (text.commentsbody, "comments")):
        part = sanitize_tree(remove_empty_elements(strip_double_tags(part)))
        part.tag = tag
        doc.append(part)
    return doc


def draft_from_mhtml(path: Path, data: bytes) -> Draft:
    """A single-file save (``.mhtml``): its HTML part, with its images as resources."""
    # Imported here: only a single-file save needs them.
    import email
    import email.policy

    message = email.message_from_bytes(data, policy=email.policy.default)
    html: bytes | None = None
    resources: dict[str, bytes] = {}
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        where = str(part.get("Content-Location", ""))
        if part.get_content_type() == "text/html" and html is None:
            html = payload
        elif where:
            resources[where] = payload
    if html is None:
        raise ImportFailure(f"{path}: this single-file save holds no web page")
    return draft_from_page(path, html, resources)


class _Page:
    def __init__(self, path: Path, root: _HTML, doc: _HTML, resources: dict[str, bytes]) -> None:
        self.path = path
        self.root = root
        self.resources = resources
        self.meta = {k: squash(v) for k, v in doc.attrib.items()}
        self.title = self.meta.get("title") or squash(root.findtext(".//title") or "")
        self.sections: list[Section] = [Section("")]
        # Keyed by id() and holding the element: lxml makes a new proxy object for a node
        # whose old one was freed, so a freed proxy's id could name another node.
        self.used: dict[int, _HTML] = {}
        self.candidates: dict[tuple[str, ...], list[tuple[_HTML, str]]] = {}
        self.cursor: dict[tuple[str, ...], int] = {}
        self.image_names: set[str] = set()
        self.last_caption = ""
        self.base = self._base_url()
        self.images: tuple[dict[str, tuple[int, _HTML]], dict[str, tuple[int, _HTML]]] | None = None

    def _base_url(self) -> str:
        for node in self.root.iter("base"):
            if node.get("href"):
                return str(node.get("href"))
        return self.meta.get("url", "")

    def add(self, piece: Piece) -> None:
        self.sections[-1].pieces.append(piece)

    def walk(self, body: _HTML) -> None:
        for node in body:
            tag = node.tag
            text = squash("".join(node.itertext()))
            if tag == "head":
                heading = self._original(("h1", "h2", "h3", "h4", "h5", "h6"), text)
                title = squash(heading.text_content()) if heading is not None else text
                if title and title.casefold() != self.title.casefold():
                    self.sections.append(Section(title))
            elif tag == "p":
                self._paragraph(node, text)
            elif tag == "quote":
                self._quote(node, text)
            elif tag == "graphic":
                self._graphic(node)
            elif tag == "div":
                # trafilatura's second opinion keeps the container it took part of the
                # article from: its paragraphs are the article's, one by one.
                self.walk(node)
            elif tag in ("list", "table"):
                for item in node.iter("item", "cell"):
                    if t := squash("".join(item.itertext())):
                        self.add(Piece("paragraph", t))
            elif text:
                self.add(Piece("paragraph", text))

    def _paragraph(self, node: _HTML, text: str) -> None:
        if not text or text == self.last_caption:
            return
        first = node[0] if len(node) else None
        bold = first is not None and first.tag == "hi" and "b" in str(first.get("rend", ""))
        if bold and first is not None and not (node.text or "").strip():
            # A letters page signs each letter with the writer's name in bold and the
            # place under it: kept aside, and turned into posts if the section has several.
            name = squash("".join(first.itertext()))
            rest = squash(text[len(name) :] if text.startswith(name) else "")
            if name and len(text) <= 120:
                piece = Piece("signature", text, {"author": f"{name}, {rest}" if rest else name})
                self.add(piece)
                return
        self.add(Piece("paragraph", text))

    def _original(self, tags: tuple[str, ...], text: str) -> _HTML | None:
        """The page's element of one of ``tags`` holding ``text``: the first unused one
        after the last one found (the extractor keeps the page's order), else from the top."""
        if not text:
            return None
        if tags not in self.candidates:
            self.candidates[tags] = [(e, squash(e.text_content())) for e in self.root.iter(*tags)]
            self.cursor[tags] = 0
        found = self.candidates[tags]
        start = self.cursor[tags]
        probe = text[:80]
        for index in [*range(start, len(found)), *range(start)]:
            element, content = found[index]
            if id(element) not in self.used and probe in content:
                self.used[id(element)] = element
                self.cursor[tags] = index + 1
                return element
        return None

    def _quote(self, node: _HTML, text: str) -> None:
        first = node.find("p")
        probe = squash("".join(first.itertext())) if first is not None else text
        original = self._original(("blockquote",), probe)
        if original is None or original.tag != "blockquote":
            if text:
                self.add(Piece("paragraph", text))
            return
        classes = str(original.get("class", ""))
        if "twitter-tweet" in classes or "bluesky-embed" in classes:
            self.add(self._tweet_like(original))
        elif "mastodon-embed" in classes:
            self.add(self._mastodon(original))
        else:
            self._blockquote(original)

    def _post_text(self, element: _HTML) -> str:
        paragraphs = element.findall(".//p")
        if paragraphs:
            return squash(" ".join(p.text_content() for p in paragraphs))
        return squash(element.text_content())

    def _tweet_like(self, element: _HTML) -> Piece:
        text = self._post_text(element)
        whole = squash(element.text_content())
        tail = whole[len(text) :] if whole.startswith(text) else whole
        fields: dict[str, str] = {}
        m = re.search(r"[—–-]\s*(?P<author>[^()]+?)\s*\((?P<handle>@[^)\s]+)\)", tail)
        fields["author"] = m["author"] if m else ""
        if m:
            fields["handle"] = m["handle"]
        links = [a for a in element.iter("a") if a.get("href")]
        post_link = next(
            (a for a in reversed(links) if re.search(r"/status/|/post/", str(a.get("href")))),
            None,
        )
        if post_link is not None:
            date = parse_date(squash(post_link.text_content()))
            if date:
                fields["date"] = date
            fields["link"] = _clean_link(str(post_link.get("href")))
        if not fields["author"]:
            fields["author"] = fields.get("handle", "") or self._unknown()
        return Piece("post", text, fields)

    def _mastodon(self, element: _HTML) -> Piece:
        text = self._post_text(element)
        fields: dict[str, str] = {"author": ""}
        link = next((a for a in element.iter("a") if "/@" in str(a.get("href", ""))), None)
        if link is not None:
            href = _clean_link(str(link.get("href")))
            parts = urlsplit(href)
            user = parts.path.split("/")[1] if parts.path.count("/") >= 1 else ""
            label = squash(link.text_content())
            if m := re.match(r"(?P<author>[^(]+?)\s*\(", label):
                fields["author"] = _POST_BY.sub("", m["author"])
            if user.startswith("@") and parts.hostname:
                fields["handle"] = f"{user}@{parts.hostname}"
            time = next(link.iter("time"), None)
            if time is not None:
                fields["date"] = parse_date(str(time.get("datetime", "")))
            fields["link"] = href
        fields["author"] = fields["author"] or fields.get("handle", "") or self._unknown()
        return Piece("post", text, {k: v for k, v in fields.items() if v})

    def _unknown(self) -> str:
        return "Unknown"

    def _blockquote(self, element: _HTML) -> None:
        speaker = ""
        said: list[str] = []
        for child in element:
            if not isinstance(child.tag, str):
                continue
            text = squash(child.text_content())
            if child.tag in ("cite", "footer", "figcaption") or (
                child.tag == "p" and said and text[:1] in "—–" and len(text) < 160
            ):
                speaker = text
            elif text:
                said.append(text)
        if not said and element.text and element.text.strip():
            said.append(squash(element.text))
        cite = element.find(".//cite")
        if not speaker and cite is not None:
            speaker = squash(cite.text_content())
            said = [s.replace(speaker, "").strip() for s in said]
        speaker = speaker.lstrip(_DASHES).strip()
        body = squash(" ".join(s for s in said if s))
        if not body:
            return
        if speaker:
            self.add(Piece("quote", body, {"speaker": speaker}))
        else:
            # The format needs a speaker and none is named: the words stay, as a paragraph,
            # rather than be read as said by someone made up.
            self.add(Piece("paragraph", body))

    def _graphic(self, node: _HTML) -> None:
        src = str(node.get("src", ""))
        img = self._img(src)
        alt = squash(str(node.get("alt", "") or (img.get("alt", "") if img is not None else "")))
        caption = credit = ""
        figure = next((a for a in img.iterancestors("figure")), None) if img is not None else None
        if figure is not None:
            caption, credit = _caption_and_credit(figure)
        piece = Piece("photo", caption)
        name, source = self._image(src, img)
        if source is not None:
            piece.fields["image"] = f"images/{name}"
            piece.image, piece.image_name = source, name
        if alt:
            piece.fields["alt"] = alt
        if credit:
            piece.fields["credit"] = credit
        if not (caption or alt or source is not None):
            return
        self.last_caption = caption
        self.add(piece)

    def _img(self, src: str) -> _HTML | None:
        """The page's first ``img`` that ``src`` names: its ``src`` or ``data-src`` made
        absolute, or its ``src`` as written. The page's images are indexed once: looking
        through all of them for each photo grew with photos times images."""
        if self.images is None:
            absolute: dict[str, tuple[int, _HTML]] = {}
            written: dict[str, tuple[int, _HTML]] = {}
            for n, img in enumerate(self.root.iter("img")):
                for attribute in ("src", "data-src"):
                    absolute.setdefault(urljoin(self.base, str(img.get(attribute, ""))), (n, img))
                written.setdefault(str(img.get("src", "")), (n, img))
            self.images = absolute, written
        absolute, written = self.images
        found = [f for f in (absolute.get(src) if src else None, written.get(src)) if f]
        return min(found, key=lambda f: f[0])[1] if found else None

    def _image(self, src: str, img: _HTML | None) -> tuple[str, Path | bytes | None]:
        """Where the image is on this machine (never fetched): a file next to the page or
        a part of a single-file save."""
        candidates = [src] + ([str(img.get("src", ""))] if img is not None else [])
        for candidate in candidates:
            if not candidate:
                continue
            data: Path | bytes | None = self.resources.get(candidate) or self.resources.get(
                urljoin(self.base, candidate)
            )
            if data is None and not urlsplit(candidate).scheme:
                local = (self.path.parent / unquote(candidate.split("?")[0])).resolve()
                data = local if local.is_file() else None
            if data is None:
                continue
            name = Path(unquote(urlsplit(candidate).path)).name or "image"
            if Path(name).suffix.lower() not in IMAGE_SUFFIXES:
                continue
            return self._unique(name), data
        return "", None

    def _unique(self, name: str) -> str:
        stem, suffix = Path(name).stem, Path(name).suffix
        candidate, n = name, 1
        while candidate.lower() in self.image_names:
            n += 1
            candidate = f"{stem}-{n}{suffix}"
        self.image_names.add(candidate.lower())
        return candidate

    def comments(self, comments: _HTML | None) -> None:
        """Readers' comments: trafilatura finds where they are; the page's markup says
        which parts are the author, the date and the text of each."""
        if comments is None:
            return
        first = next((squash("".join(p.itertext())) for p in comments.iter("p")), "")
        start = self._original(("p", "div", "span", "li"), first) if first else None
        item = start
        while item is not None and not _COMMENT.search(
            f"{item.get('class', '')} {item.get('id', '')}"
        ):
            item = item.getparent()
        if item is None or item.getparent() is None:
            return
        parent = item.getparent()
        items = [c for c in parent if c.tag == item.tag and c.get("class") == item.get("class")]
        heading = next((squash(h.text_content()) for h in parent.iter("h2", "h3", "h4")), "")
        section = Section(heading)
        for element in items:
            if piece := self._comment(element):
                section.pieces.append(piece)
        if section.pieces:
            self.sections.append(section)

    def _comment(self, element: _HTML) -> Piece | None:
        author_el = next(
            (
                e
                for e in element.iter()
                if isinstance(e.tag, str)
                and e is not element
                and (_AUTHOR_CLASS.search(str(e.get("class", ""))) or e.get("itemprop") == "author")
            ),
            None,
        )
        author = squash(author_el.text_content()) if author_el is not None else ""
        texts = [
            squash(e.text_content())
            for e in element.iter("p", "div")
            if e is not element
            and e is not author_el
            and _TEXT_CLASS.search(str(e.get("class", "")))
        ] or [squash(p.text_content()) for p in element.iter("p") if p is not author_el]
        text = squash(" ".join(t for t in texts if t))
        if not text:
            return None
        fields = {"author": author or self._unknown()}
        time = next(element.iter("time"), None)
        if time is not None and (date := parse_date(str(time.get("datetime", "")))):
            fields["date"] = date
        if element.get("id") and self.meta.get("url", "").startswith("http"):
            fields["link"] = f"{self.meta['url'].split('#')[0]}#{element.get('id')}"
        return Piece("post", text, fields)

    def draft(self) -> Draft:
        for section in self.sections:
            section.pieces = _letters(section.pieces, parse_date(self.meta.get("date", "")))
        lang = str(self.root.get("lang") or "").strip()
        if not lang:
            for meta in self.root.iter("meta"):
                if str(meta.get("http-equiv", "")).lower() == "content-language":
                    lang = str(meta.get("content", "")).split(",")[0].strip()
        if not re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", lang):
            words = " ".join(p.text for s in self.sections for p in s.pieces)
            lang = guess_language(words)
        draft = Draft(
            title=self.title or self.path.stem,
            language=lang,
            sections=self.sections,
            source=self.meta.get("sitename", ""),
            source_url=self.meta.get("url", "")
            if self.meta.get("url", "").startswith("http")
            else "",
            date=parse_date(self.meta.get("date", "")),
            credit=self.meta.get("author", ""),
        )
        propose_kinds(draft)
        return draft


def _letters(pieces: list[Piece], date: str) -> list[Piece]:
    """Paragraphs each followed by a signature become posts by the one who signed them,
    dated as the page, when a section has at least two; a lone bold line stays text."""
    if sum(p.type == "signature" for p in pieces) < 2:
        return [Piece("paragraph", p.text) if p.type == "signature" else p for p in pieces]
    out: list[Piece] = []
    pending: list[Piece] = []
    for piece in pieces:
        if piece.type == "signature":
            text = squash(" ".join(p.text for p in pending))
            fields = {**piece.fields, "date": date} if date else dict(piece.fields)
            out.append(Piece("post", text, fields) if text else piece)
            pending = []
        elif piece.type == "paragraph":
            pending.append(piece)
        else:
            out.extend(pending)
            pending = []
            out.append(piece)
    return out + pending


def _clean_link(href: str) -> str:
    """An embed's link without the tracking query it carries (``?ref_src=…``)."""
    return href.split("?")[0] if "ref_src" in href else href


def _caption_and_credit(figure: _HTML) -> tuple[str, str]:
    caption_el = figure.find(".//figcaption")
    if caption_el is None:
        return "", ""
    credit = ""
    children = [c for c in caption_el.iter() if c is not caption_el and isinstance(c.tag, str)]
    credit_el = next((c for c in children if _CREDIT_CLASS.search(str(c.get("class", "")))), None)
    if credit_el is None and len(caption_el) >= 2:
        last = caption_el[-1]
        last_text = squash(last.text_content())
        if last_text and last_text == last_text.upper() and any(ch.isalpha() for ch in last_text):
            credit_el = last
    whole = squash(caption_el.text_content())
    if credit_el is not None:
        credit = squash(credit_el.text_content())
        caption = squash(whole.replace(credit, "", 1))
    elif m := _CREDIT_TEXT.search(whole):
        credit = squash(m[1])
        caption = squash(whole[: m.start()])
    else:
        caption = whole
    return caption, credit
