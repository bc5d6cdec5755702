"""Read and validate story files (the format is described in docs/story-format.md).

The loader collects every problem of a file before giving up, so an editor can
fix them all in one pass. Each problem names the file, the line and what is
wrong in plain words; callers show :class:`StoryFileError` instead of a
traceback.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from player.core.gcpause import paused_collection
from player.core.images import find_ignoring_case
from player.core.model import (
    Block,
    BlockType,
    PackedWords,
    Photo,
    PostInfo,
    Segment,
    SegmentKind,
    Sentence,
    Story,
    StoryMeta,
)
from player.core.storyread import MAX_FILE_BYTES as MAX_FILE_BYTES
from player.core.storyread import Problem as Problem
from player.core.storyread import StoryFileError as StoryFileError
from player.core.storyread import read_story_text as read_story_text
from player.core.text.phrases import phrases_for

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".svg"}

_HEADER_FIELDS = {"format", "title", "language", "source", "source-url", "date", "credit"}
_BLOCK_FIELDS = {
    "post": {
        "author",
        "handle",
        "date",
        "link",
        "photo",
        "photo-image",
        "photo-alt",
        "photo-credit",
    },
    "quote": {"speaker"},
    "photo": {"image", "alt", "credit", "number"},
}
_REQUIRED_BLOCK_FIELDS = {"post": ("author",), "quote": ("speaker",), "photo": ()}

_SEGMENT_RE = re.compile(r"^==\s*(?P<kind>[^:]*?)\s*:\s*(?P<title>.*?)\s*$")
_FIELD_RE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9-]*)\s*:\s*(?P<value>.*?)\s*$")
_END_RE = re.compile(r"^==\s*end\s*$", re.IGNORECASE)
_KIND_ID_RE = re.compile(r"^[a-z][a-z0-9-]*$")
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
#: Twitter/X "@name", Bluesky "@name.bsky.social" (any domain), Mastodon "@name@server"
_HANDLE_RE = re.compile(rf"^@(?:[A-Za-z0-9_]{{1,30}}|{_DOMAIN}|[A-Za-z0-9_.]{{1,64}}@{_DOMAIN})$")
#: a respelling part espeak-ng would spell letter by letter ("WAH" is said "W A H")
_CAPITALISED_RE = re.compile(r"\b[A-Z]{2,}\b")
_PHOTO_NUMBER_RE = re.compile(r"^(?P<n>\d{1,3})\s*(?:(?:/|of)\s*(?P<m>\d{1,3}))?$")


def builtin_kinds() -> dict[str, SegmentKind]:
    """The segment kinds any story may use, from ``kinds.toml``."""
    data = tomllib.loads(resources.files("player.core").joinpath("kinds.toml").read_text("utf-8"))
    return {
        kid: SegmentKind(kid, str(v["label"]), str(v.get("plural", v["label"])))
        for kid, v in data.items()
    }


@dataclass
class _RawBlock:
    type: str
    line: int
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)
    body: list[str] = field(default_factory=list)
    body_line: int = 0


@dataclass
class _RawSegment:
    kind: str
    title: str
    line: int
    blocks: list[_RawBlock] = field(default_factory=list)


class _Parser:
    """Turns the lines of a story file into raw segments, collecting problems."""

    def __init__(self, path: Path, lines: Sequence[str]) -> None:
        self.path = path
        self.lines = lines
        self.problems: list[Problem] = []
        self.header: dict[str, tuple[str, int]] = {}
        self.kinds: dict[str, tuple[str, str, int]] = {}
        self.lexicon: list[tuple[str, str]] = []
        self.warnings: list[tuple[int, str]] = []
        self.segments: list[_RawSegment] = []
        self.end_line: int | None = None

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def parse(self) -> None:
        section = "header"
        paragraph: _RawBlock | None = None
        fence: _RawBlock | None = None
        in_body = False

        def end_paragraph() -> None:
            nonlocal paragraph
            if paragraph is not None and self.segments:
                self.segments[-1].blocks.append(paragraph)
            paragraph = None

        for number, raw in enumerate(self.lines, start=1):
            line = raw.rstrip()
            stripped = line.strip()
            if fence is not None and (
                _END_RE.match(stripped)
                or _SEGMENT_RE.match(stripped)
                or (stripped.startswith(":::") and stripped != ":::")
            ):
                # A heading or a block opening inside a block means its closing ':::' is
                # missing; say so here rather than swallowing the rest into the block.
                self._unclosed(fence)
                fence = None
            if fence is not None:
                if stripped == ":::":
                    if fence.type in ("post", "quote") and not any(s.strip() for s in fence.body):
                        self.problem(fence.line, f"the {fence.type} block has no text")
                    if self.segments:
                        self.segments[-1].blocks.append(fence)
                    fence = None
                elif in_body:
                    fence.body.append(stripped.removeprefix("\\"))  # the escape, see docs
                elif stripped == "---":
                    in_body = True
                    fence.body_line = number + 1
                elif not stripped:
                    continue
                elif m := _FIELD_RE.match(stripped):
                    self._block_field(fence, m["key"].lower(), m["value"], number)
                else:
                    self.problem(
                        number,
                        f"expected a field such as 'name: value' or a line '---' before the "
                        f"text of the {fence.type} block, found: {_clip(stripped)}",
                    )
                continue
            if stripped.startswith("%"):
                continue
            if not stripped:
                end_paragraph()
                continue
            if self.end_line is not None:
                self.problem(
                    number,
                    f"text after the '== end' line (line {self.end_line}): {_clip(stripped)}",
                )
                break
            if _END_RE.match(stripped):
                end_paragraph()
                self.end_line = number
                continue
            if stripped.startswith("=="):
                end_paragraph()
                self._segment_heading(stripped, number)
                section = "segments"
                continue
            if stripped.startswith(":::"):
                end_paragraph()
                kind = stripped[3:].strip().lower()
                if section != "segments":
                    self.problem(
                        number, "a block must come after a segment heading ('== kind: Title')"
                    )
                if kind not in _BLOCK_FIELDS:
                    known = ", ".join(sorted(_BLOCK_FIELDS))
                    shown = kind or "(nothing)"
                    self.problem(number, f"unknown block type '{shown}'; use one of: {known}")
                fence = _RawBlock(kind, number)
                in_body = False
                continue
            if stripped in ("[kinds]", "[lexicon]"):
                if section == "segments":
                    self.problem(
                        number, f"the {stripped} section must come before the first segment"
                    )
                section = stripped[1:-1]
                continue
            if stripped.startswith("[") and stripped.endswith("]") and section != "segments":
                self.problem(
                    number, f"unknown section {stripped}; known sections: [kinds], [lexicon]"
                )
                section = "ignored"
                continue
            if section == "header":
                self._header_line(stripped, number)
            elif section == "kinds":
                self._kind_line(stripped, number)
            elif section == "lexicon":
                self._lexicon_line(stripped, number)
            elif section == "segments":
                if paragraph is None:
                    paragraph = _RawBlock("paragraph", number, body_line=number)
                # A leading backslash lets a text line start with '==', ':::', '%' or '---'.
                paragraph.body.append(stripped.removeprefix("\\"))
        end_paragraph()
        if fence is not None:
            self._unclosed(fence)

    def _unclosed(self, fence: _RawBlock) -> None:
        if self.segments:
            self.segments[-1].blocks.append(fence)
        self.problem(
            fence.line,
            f"the '::: {fence.type}' block is never closed: add a line ':::' after its text",
        )

    def _header_line(self, text: str, number: int) -> None:
        m = _FIELD_RE.match(text)
        if not m:
            self.problem(
                number,
                "expected a header field such as 'title: ...', or a segment heading such as "
                f"'== introduction: Introduction', found: {_clip(text)}",
            )
            return
        key = m["key"].lower()
        if key not in _HEADER_FIELDS:
            known = ", ".join(sorted(_HEADER_FIELDS))
            self.problem(number, f"unknown header field '{key}'; known fields: {known}")
        elif key in self.header:
            self.problem(number, f"'{key}' is given twice (first on line {self.header[key][1]})")
        else:
            self.header[key] = (m["value"], number)

    def _kind_line(self, text: str, number: int) -> None:
        kid, sep, rest = text.partition("=")
        kid = kid.strip()
        label, _, plural = rest.partition("|")
        if not sep or not label.strip():
            self.problem(number, "a kind is declared as 'id = Label' or 'id = Label | Plural'")
        elif not _KIND_ID_RE.match(kid):
            self.problem(number, f"kind id '{kid}' must be lowercase letters, digits and hyphens")
        else:
            self.kinds[kid] = (label.strip(), plural.strip() or label.strip(), number)

    def _lexicon_line(self, text: str, number: int) -> None:
        written, sep, spoken = text.partition("=")
        if not sep or not written.strip() or not spoken.strip():
            self.problem(number, "a lexicon entry is written as 'Word = how to say it'")
        else:
            said = spoken.strip()
            self.lexicon.append((written.strip(), said))
            outside_phonemes = re.sub(r"\[\[.*?\]\]", " ", said)
            if capitals := _CAPITALISED_RE.findall(outside_phonemes):
                self.warnings.append(
                    (
                        number,
                        f"espeak-ng spells out capitalised parts letter by letter: write "
                        f"{', '.join(repr(c) for c in capitals)} in lowercase",
                    )
                )

    def _segment_heading(self, text: str, number: int) -> None:
        m = _SEGMENT_RE.match(text)
        if not m or not m["kind"] or not m["title"]:
            self.problem(
                number,
                "a segment heading is written '== kind: Title', e.g. '== personal-story: Brenda'",
            )
            self.segments.append(_RawSegment("", "", number))
            return
        self.segments.append(_RawSegment(m["kind"].strip().lower(), m["title"], number))

    def _block_field(self, block: _RawBlock, key: str, value: str, number: int) -> None:
        allowed = _BLOCK_FIELDS.get(block.type)
        if allowed is None:
            return
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            self.problem(
                number, f"unknown field '{key}' in a {block.type} block; known fields: {known}"
            )
        elif key in block.fields:
            self.problem(number, f"'{key}' is given twice in this {block.type} block")
        else:
            block.fields[key] = (value, number)


def _clip(text: str, limit: int = 60) -> str:
    return f"'{text}'" if len(text) <= limit else f"'{text[:limit]}…'"


class _Builder:
    """Validates raw segments and builds the model."""

    def __init__(self, parser: _Parser, *, words: bool = True) -> None:
        self.p = parser
        #: False: blocks get no sentences (a check: no problem comes from them)
        self.words = words
        self.root = parser.path.parent.resolve()
        self.kinds = builtin_kinds()
        # Picks the sentence rules; a story without a language fails to load anyway.
        self.language = parser.header.get("language", ("en", 0))[0]
        #: the words the player adds (speaker, attribution, caption) in the story's language
        self.phrases = phrases_for(self.language)
        for kid, (label, plural, _line) in parser.kinds.items():
            self.kinds[kid] = SegmentKind(kid, label, plural)

    def problem(self, line: int, message: str) -> None:
        self.p.problem(line, message)

    def meta(self) -> StoryMeta:
        h = self.p.header
        first_line = 1
        for key in ("title", "language"):
            if key not in h or not h[key][0]:
                self.problem(
                    h[key][1] if key in h else first_line,
                    f"the story has no {key}: add a line '{key}: ...' at the top",
                )
        language = h.get("language", ("", 0))
        if language[0] and not _LANG_RE.match(language[0]):
            self.problem(
                language[1],
                f"language '{language[0]}' is not a language tag such as 'en', 'es' or 'en-US'",
            )
        fmt = h.get("format")
        if fmt and fmt[0].strip() != "story-player 1":
            self.problem(
                fmt[1], f"unsupported format '{fmt[0]}'; this version reads 'story-player 1'"
            )
        date = self.date(*h["date"]) if "date" in h else None
        return StoryMeta(
            title=h.get("title", ("", 0))[0],
            language=language[0],
            source=h.get("source", ("", 0))[0],
            source_url=h.get("source-url", ("", 0))[0],
            date=date,
            credit=h.get("credit", ("", 0))[0],
        )

    def date(self, value: str, line: int) -> dt.date | None:
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            self.problem(
                line, f"date '{value}' is not a date written as YYYY-MM-DD, e.g. 2018-04-28"
            )
            return None

    def segments(self) -> tuple[Segment, ...]:
        if not self.p.segments:
            self.problem(
                len(self.p.lines) or 1,
                "the story has no segments: add at least one heading such as "
                "'== introduction: Introduction' followed by text",
            )
            return ()
        out = []
        for raw in self.p.segments:
            if not raw.kind:
                continue
            kind = self.kinds.get(raw.kind)
            if kind is None:
                known = ", ".join(sorted(self.kinds))
                self.problem(
                    raw.line,
                    f"unknown segment kind '{raw.kind}'; known kinds: {known} "
                    "(declare a new kind in the [kinds] section)",
                )
                kind = SegmentKind(raw.kind, raw.kind, raw.kind)
            if not raw.blocks:
                self.problem(raw.line, f"the segment '{raw.title}' has no text")
            blocks = tuple(b for b in (self.block(rb) for rb in raw.blocks) if b is not None)
            out.append(Segment(kind, raw.title, blocks, raw.line))
        return tuple(out)

    def block(self, raw: _RawBlock) -> Block | None:
        if raw.type not in ("paragraph", *_BLOCK_FIELDS):
            return None
        for key in _REQUIRED_BLOCK_FIELDS.get(raw.type, ()):
            if not raw.fields.get(key, ("", 0))[0]:
                self.problem(raw.line, f"the {raw.type} block has no '{key}:' field")
        body = " ".join(s for s in raw.body if s).strip()
        f = {k: v for k, (v, _n) in raw.fields.items()}
        if raw.type == "paragraph":
            return Block(BlockType.PARAGRAPH, body, self.sentences(body), raw.line)
        if raw.type == "quote":
            # The speaker is shown under the quotation, as a post's author is, and said
            # before it: a listener hears who speaks before hearing what is said.
            speaker = f.get("speaker", "")
            return Block(
                BlockType.QUOTATION,
                f"{body}\n— {speaker}" if speaker else body,
                self.sentences(body, prefix=self.phrases.speaker(speaker) if speaker else ""),
                raw.line,
                speaker=speaker,
            )
        if raw.type == "photo":
            photo = self.photo(raw, body, "image", "alt", "credit", "number")
            sentences = self.sentences(body, prefix=self.phrases.caption if body else "")
            return Block(BlockType.PHOTO, body, sentences, raw.line, photo=photo)
        return self.post(raw, body, f)

    def post(self, raw: _RawBlock, body: str, f: dict[str, str]) -> Block:
        handle = f.get("handle", "")
        if handle and not _HANDLE_RE.match(handle):
            self.problem(
                raw.fields["handle"][1],
                f"handle '{handle}' should look like '@name' (X/Twitter), "
                "'@name.bsky.social' (Bluesky) or '@name@server.social' (Mastodon)",
            )
        date = self.date(*raw.fields["date"]) if "date" in raw.fields else None
        link = f.get("link", "")
        if link and not re.match(r"^https?://\S+$", link):
            self.problem(raw.fields["link"][1], f"link '{link}' is not a web address (http://…)")
        info = PostInfo(f.get("author", ""), handle, date, link)
        photo = None
        if any(k.startswith("photo") for k in f):
            photo = self.photo(raw, body, "photo-image", "photo-alt", "photo-credit", "photo")
        date_text = self.phrases.date(date) if date else ""
        parts = ["—", info.author]
        if handle:
            parts.append(f"({handle})")
        if date_text:
            parts.append(date_text)
        attribution = " ".join(parts)
        text = f"{body}\n{attribution}"
        sentences = list(self.sentences(body))
        if self.words:
            sentences.append(self._attribution_sentence(text, len(body) + 1, info, date_text))
        return Block(BlockType.POST, text, tuple(sentences), raw.line, post=info, photo=photo)

    def _attribution_sentence(
        self, text: str, start: int, info: PostInfo, date_text: str
    ) -> Sentence:
        from player.core.text.spoken_runs import word_bounds  # see sentences()

        spoken = self.phrases.attribution(info.author, date_text)
        line = text[start:]
        # Author and date are said as written; the dash and handle are not said.
        author_at = line.index(info.author) if info.author else 0
        author_end = author_at + len(info.author)
        spoken_author_at = spoken.index(info.author) if info.author else 0
        date_at = len(line) - len(date_text)
        spoken_date_at = len(spoken) - len(date_text)
        displayed = word_bounds(line, self.language)
        said: list[int] = []
        for n in range(0, len(displayed), 2):
            ds, de = displayed[n], displayed[n + 1]
            if info.author and author_at <= ds and de <= author_end:
                said += (spoken_author_at + ds - author_at, spoken_author_at + de - author_at)
            elif date_text and ds >= date_at:
                said += (spoken_date_at + ds - date_at, spoken_date_at + de - date_at)
            else:
                said += (-1, -1)
        bounds = array("i", map(start.__add__, displayed))
        bounds.extend(said)
        words = PackedWords(bounds, None)
        return Sentence(start, len(text), line, spoken, words)

    def photo(
        self,
        raw: _RawBlock,
        caption: str,
        image_key: str,
        alt_key: str,
        credit_key: str,
        number_key: str,
    ) -> Photo:
        image = None
        if image_key in raw.fields and raw.fields[image_key][0]:
            image = self.image(*raw.fields[image_key])
        number = total = None
        if number_key in raw.fields:
            value, line = raw.fields[number_key]
            m = _PHOTO_NUMBER_RE.match(value.strip())
            if m:
                number = int(m["n"])
                total = int(m["m"]) if m["m"] else None
                if total is not None and not 1 <= number <= total:
                    self.problem(line, f"photo number {number} is not between 1 and {total}")
            else:
                self.problem(line, f"photo number '{value}' should look like '1/6' or '1 of 6'")
        return Photo(
            caption=caption,
            image=image,
            alt=raw.fields.get(alt_key, ("", 0))[0],
            credit=raw.fields.get(credit_key, ("", 0))[0],
            number=number,
            total=total,
        )

    def image(self, value: str, line: int) -> Path | None:
        rel = Path(value)
        if rel.is_absolute():
            self.problem(line, f"image '{value}' must be a path relative to the story's folder")
            return None
        target = (self.root / rel).resolve()
        if not target.is_relative_to(self.root):
            self.problem(line, f"image '{value}' is outside the story's folder ({self.root})")
            return None
        if target.suffix.lower() not in IMAGE_SUFFIXES:
            known = ", ".join(sorted(IMAGE_SUFFIXES))
            self.problem(line, f"image '{value}' is not an image file ({known})")
            return None
        # Looked up name by name even when the file opens as written: on a system that
        # ignores case (Windows, macOS) "yard.png" opens "Yard.PNG", which would then fail
        # on Linux, so the difference is reported everywhere.
        on_disk = find_ignoring_case(self.root, rel) if ".." not in rel.parts else None
        if on_disk is None and target.is_file():
            return target
        if on_disk is None:
            self.p.warnings.append(
                (
                    line,
                    f"image '{value}' was not found in {target.parent}; its caption is shown "
                    "instead",
                )
            )
            return None
        shown = on_disk.relative_to(self.root).as_posix()
        if shown != Path(value).as_posix().removeprefix("./"):
            self.p.warnings.append(
                (
                    line,
                    f"image '{value}' is named '{shown}' in the folder; it is shown, but write "
                    "the name as it is: other systems tell the difference",
                )
            )
        return on_disk.resolve()

    def sentences(self, text: str, prefix: str = "") -> tuple[Sentence, ...]:
        if not self.words:
            return ()
        # Imported here: the spoken text's modules (emoji, num2words) take 60 ms to import,
        # which a check without words (story-player import's) does not need.
        from player.core.text.spoken_runs import block_sentences

        out: list[Sentence] = []
        spans, said = block_sentences(text, self.p.lexicon, language=self.language)
        for (start, end), (spoken, displayed, moved) in zip(spans, said, strict=True):
            bounds = array("i", displayed)
            pre = prefix if not out else ""
            shift: int | None = None
            if isinstance(moved, int):
                shift = moved + len(pre)
            else:
                if pre:
                    moved = [b + len(pre) if b >= 0 else -1 for b in moved]
                bounds.extend(moved)
            words = PackedWords(bounds, shift)
            out.append(Sentence(start, end, text[start:end], pre + spoken, words))
        return tuple(out)


def parse_story(text: str, path: Path) -> Story:
    """Parse story text; ``path`` names the file in messages and anchors images."""
    with paused_collection():
        return _parse_story(text, path)


def _parse_story(text: str, path: Path, *, words: bool = True) -> Story:
    lines = text.splitlines()
    parser = _Parser(path, lines)
    parser.parse()
    builder = _Builder(parser, words=words)
    meta = builder.meta()
    segments = builder.segments()
    if parser.segments and parser.end_line is None:
        last = max((i for i, line in enumerate(lines, 1) if line.strip()), default=1)
        parser.problem(
            last,
            "the story does not end with the line '== end', so the file may have been cut "
            f"short after line {last}; if the story is complete, add '== end' as its last line",
        )
    if not parser.problems and not any(s.blocks for s in segments):
        parser.problem(1, "the story has no text")
    if parser.problems:
        raise StoryFileError(sorted(parser.problems, key=lambda p: p.line))
    return Story(
        meta, segments, path, tuple(parser.lexicon), warnings=tuple(sorted(parser.warnings))
    )


def text_story(text: str, like: Story) -> Story:
    """``text`` as a one-paragraph story in ``like``'s language, with its lexicon: what
    `story-player say --text` reads, so an author hears a word as the story will say it."""
    parser = _Parser(like.path or Path("text"), [])
    parser.header = {"title": ("Text", 0), "language": (like.meta.language, 0)}
    parser.lexicon = list(like.lexicon)
    paragraph = _RawBlock("paragraph", 1, body=[" ".join(text.split())], body_line=1)
    parser.segments = [_RawSegment("introduction", "Text", 1, [paragraph])]
    builder = _Builder(parser)
    story = Story(builder.meta(), builder.segments(), like.path, like.lexicon)
    if parser.problems:
        raise StoryFileError(parser.problems)
    return story


def load_story(path: Path | str) -> Story:
    """Load and validate a story file; raises StoryFileError listing every problem."""
    path = Path(path)
    return parse_story(read_story_text(path), path)


def problems_of(path: Path | str, *, words: bool = True) -> list[Problem]:
    """Every problem of a story file (empty when it is valid). ``words=False`` leaves out
    building each sentence's spoken words, nine tenths of the time on a long story, which
    no problem comes from."""
    try:
        if words:
            load_story(path)
        else:
            with paused_collection():
                _parse_story(read_story_text(Path(path)), Path(path), words=False)
    except StoryFileError as exc:
        return exc.problems
    return []


def format_problems(problems: Iterable[Problem]) -> str:
    return "\n".join(str(p) for p in problems)
