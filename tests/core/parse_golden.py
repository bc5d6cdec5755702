"""Frozen parse results: every sentence's displayed text, spoken text and word offsets.

The parser was rewritten for speed; its output must not change. This script writes what a
checkout's parser gives for the bundled story, the two reading-quality stories and two
generated stories (English and Spanish, varied text with the hard cases mixed in) to
``tests/data/parse-golden.json``; ``tests/core/test_parse_golden.py`` compares the current
parser with it. The fixture was written by the parser before the rewrite (commit 8db49db)::

    git worktree add --detach /tmp/ref-speed 8db49db
    cd /tmp/ref-speed && PYTHONPATH=/tmp/ref-speed /work/main/.venv/bin/python \\
        CHECKOUT/tests/core/parse_golden.py CHECKOUT/tests/data/parse-golden.json

It imports ``player`` from whatever comes first on the path, so it freezes that checkout's
results. :func:`varied_story` is also the varied (not repeated) text of the parse benchmark.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests/data/parse-golden.json"
STORIES = {
    "bundled": ROOT / "assets/stories/born-behind-bars/story.txt",
    "reading-quality-en": ROOT / "tests/data/reading-quality/en/story.txt",
    "reading-quality-es": ROOT / "tests/data/reading-quality/es/story.txt",
}
#: (language, seed, size in characters) of the generated stories
GENERATED = {"generated-en": ("en", 14, 60_000), "generated-es": ("es", 15, 30_000)}

# Words and marks that take the rules' slow paths: amounts, ranges, abbreviations, lists,
# URLs, handles, hashtags, emoji, photo numbers, quotes, dashes, ellipses.
HARD = [
    "$12,500", "Fri.–Sun.", "Nº 7", "No. 3", "vol. 2", "@a.b.c", "#MeToo", "#1", "#",
    "https://x.y/z", "(https://en.wikipedia.org/wiki/Foo_(bar))", "www.example.com.",
    "t.co/abc", "🧒🏽👶🏻", "😢😢😢", "👨‍👩‍👧", "🇲🇽", "U.S. Army", "Dr. Smith", "Mr.", "e.g.",
    "etc.", "a.m.", "6 P.M.", "1.", "2.", "a)", "b)", "(1/6)", "(7/3)", "1999", "1990–95",
    "45 %", "45%", "¾", "10:30", "...", ". . .", "…", "—", "--", " - ", "don’t", "“quoted”",
    "‘single’", "(like this.)", "[...]", "(!)", "¿Qué?", "¡Hola!", "@ana.bsky.social",
    "@ana@mastodon.social", "@BibliotecaN7", "@gdub520", "&", "R&D", "2-month-old",
    "€5", "5 €", "£3.50", "1,5 millones", "3 mil", "z. B.", "J. K. Rowling", "George W. Bush",
    "p. 4", "Fig. 2", "km", "Sr.", "Sra.", "EE. UU.", "a|b", "~", "x^2", "<b>", "½", "1/2",
    "word...next", "end—start", "\u00a0", "½ cup", "#1 fan", "1st", "21st", "3rd",
]  # fmt: skip


def _vocabulary(language: str) -> list[str]:
    sources = [ROOT / "tests/data/article.txt", *STORIES.values()]
    if language == "es":
        sources = [STORIES["reading-quality-es"]]
    words: list[str] = []
    for source in sources:
        text = source.read_text(encoding="utf-8")
        for line in text.splitlines():
            if re.match(r"^\s*(==|:::|---|%|\[|[a-z-]+:)", line):
                continue
            words.extend(line.split())
    return words


def _sentence(rng: random.Random, words: list[str]) -> str:
    count = rng.randint(3, 28)
    out = [rng.choice(HARD) if rng.random() < 0.06 else rng.choice(words) for _ in range(count)]
    out[0] = out[0][:1].upper() + out[0][1:]
    return " ".join(out) + rng.choice([".", ".", ".", "!", "?", "…", ".”", ""])


def varied_story(size: int, language: str = "en", seed: int = 1) -> str:
    """A valid story of about ``size`` characters whose sentences are random draws of words
    (mostly from real text, some hard cases), so no two blocks repeat."""
    rng = random.Random(seed)
    words = _vocabulary(language)
    lexicon = "[lexicon]\nprison = prizzen\nMexico = Mehico\n"
    parts = [f"title: Generated\nlanguage: {language}\n\n{lexicon}"]
    length = len(parts[0])
    segment = 0
    after_heading = False
    while length < size:
        if segment == 0 or (not after_heading and rng.random() < 0.08):
            segment += 1
            part = f"== introduction: Part {segment}\n"
            after_heading = True
        else:
            after_heading = False
            kind = rng.random()
            body = " ".join(_sentence(rng, words) for _ in range(rng.randint(1, 6)))
            if kind < 0.7:
                part = body + "\n"
            elif kind < 0.8:
                part = f"::: quote\nspeaker: Ana {segment}\n---\n{body}\n:::\n"
            elif kind < 0.9:
                part = (
                    f"::: post\nauthor: Ana\nhandle: @ana{segment}\ndate: 2024-05-04\n---\n"
                    f"{body}\n:::\n"
                )
            else:
                part = f"::: photo\nnumber: 2/6\n---\n{body}\n:::\n"
        parts.append(part)
        length += len(part) + 1
    parts.append("== end\n")
    return "\n".join(parts)


def story_texts() -> dict[str, str]:
    texts = {name: path.read_text(encoding="utf-8") for name, path in STORIES.items()}
    for name, (language, seed, size) in GENERATED.items():
        texts[name] = varied_story(size, language, seed)
    return texts


def results(text: str, name: str) -> list[list[Any]]:
    """[start, end, display, spoken, [[start, end, spoken start, spoken end], ...]] of
    every sentence of the story, in order."""
    from player.core.storyfile import parse_story

    story = parse_story(text, ROOT / "tests/data" / name / "story.txt")
    rows: list[list[Any]] = []
    for ref in story.refs:
        s = story.sentence(ref)
        words = [[w.start, w.end, w.spoken_start, w.spoken_end] for w in s.words]
        rows.append([s.start, s.end, s.display, s.spoken, words])
    return rows


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURE
    data = {name: results(text, name) for name, text in story_texts().items()}
    with out.open("w", encoding="utf-8") as handle:
        handle.write("{\n")
        for i, (name, rows) in enumerate(data.items()):
            handle.write(f"{json.dumps(name)}: [\n")
            lines = [json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows]
            handle.write(",\n".join(lines))
            handle.write("\n]" + (",\n" if i + 1 < len(data) else "\n"))
        handle.write("}\n")
    print(f"{out}: {sum(len(rows) for rows in data.values())} sentences")


if __name__ == "__main__":
    main()
