"""Importing a 1 MB saved page, as a whole command (not part of the pass/fail suite).

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.import_page [--reference DIR] [--runs 3]

Builds 1 MB pages in the shape of news sites (a long article with figures, quotes and
embedded posts, wrapped in navigation, scripts and related-article lists), then times, in
the same run, ``story-player import PAGE --out TMP`` (a new process each time: start-up,
extraction and writing) against ``python -c`` running ``lxml.html.parse()`` on the same page.
The budget: the import costs at most 5 times the parse. The checkouts' bytecode is compiled
first, as an installed copy's is.

Three pages are measured. ``typical`` is what a saved page of a news site is like: most of
its bytes are scripts (the page's state as JSON, which carries the article a second time,
JSON-LD, analytics, consent and ad scripts: 52 %), inline CSS (15 %), an SVG icon sprite
(8 %), a menu of every section, related and most-read lists, ad slots, a comments widget
and a footer (19 %); the article, a 7,000-word long read with about 25 photos and their
captions and credits, pull quotes, embedded posts and subheadings, is 6 % of the bytes with
its markup and 4.5 % as text (``TYPICAL_PARTS`` below: the shares of pages of large news
sites saved whole, where the text of even a long article is a few per cent of the page).
The other two are stress cases: the corpus's English feature repeated into one 1 MB
article (``whole``: a 353 kB story, book length), and the same article with only its first
part in the container and the rest loose after it (``split``, the shape this benchmark
first built by mistake), where the main extraction keeps too little and trafilatura's second
opinion runs. Also timed: trafilatura alone (its import, the parse and the main extraction
without its metadata in ``python -c``), the floor under any change to the player's side,
and with ``--reference DIR`` the import of another checkout (an earlier commit's files),
all in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]
CORPUS = HERE / "tests" / "data" / "import"
TARGET_BYTES = 1_000_000
RUNS = 3


def build_page(folder: Path, *, split: bool = False) -> Path:
    """A 1 MB page: the corpus's English feature, its article repeated, in heavy chrome."""
    page = (CORPUS / "en-feature.html").read_text(encoding="utf-8")
    head, _, rest = page.partition('<div class="article-body">')
    body, _, tail = rest.partition('<div class="newsletter-signup">')
    # The body ends with the container's closing tag: repeated as it is, every copy after
    # the first would be outside the container.
    inner, close, after = body.rpartition("</div>")
    chunk_text = body if split else inner
    chrome = "".join(
        f'<li><a href="/section/{n}">Related story number {n} in the daily list</a></li>'
        f'<script>window.dataLayer.push({{"slot": {n}, "unit": "ad-{n}"}});</script>'
        for n in range(3000)
    )
    parts = [head, '<div class="article-body">']
    size = len(head) + len(chrome) + len(tail)
    n = 0
    while size < TARGET_BYTES:
        chunk = chunk_text.replace("Mill Lane", f"Mill Lane {n}").replace(
            "2015", str(1900 + n % 120)
        )
        parts.append(chunk)
        size += len(chunk.encode("utf-8"))
        n += 1
    if not split:
        parts += [close, after]
    parts += [
        '<div class="newsletter-signup">',
        tail.replace("</footer>", f"<ul>{chrome}</ul></footer>"),
    ]
    path = folder / ("split.html" if split else "whole.html")
    path.write_text("".join(parts), encoding="utf-8")
    return path


#: Bytes of the ``typical`` page by part, out of 1 MB. A saved page of a large news site
#: (a long feature, saved with "Web page, complete") is mostly what its framework and its
#: advertisers put in it: the page's state as JSON for the script that takes it over
#: (``__NEXT_DATA__``: the article again, the related stories, the site's configuration),
#: analytics, consent and ad scripts, the CSS inlined for the first paint and an SVG sprite
#: of every icon. What a reader sees beside the article is a menu of every section, lists of
#: related and most-read stories, ad slots, a comments widget and a footer of links.
TYPICAL_PARTS = {
    "inline CSS": 150_000,
    "page state JSON (__NEXT_DATA__)": 330_000,
    "JSON-LD": 6_000,
    "analytics, consent and ad scripts": 185_000,
    "SVG icon sprite": 80_000,
    "navigation menus": 55_000,
    "related and most-read lists": 65_000,
    "ad slots": 20_000,
    "comments widget": 20_000,
    "footer": 30_000,
}
TYPICAL_WORDS = 7_000
"""The article: a long feature (an average news story is 600-1,000 words; a long read
6,000-8,000), about 4.5 % of the page's bytes as text, 6 % with its markup: about 25
photos with captions and credits, pull quotes, embedded posts and subheadings, as such a
feature has."""


def _sentences(rng: random.Random, words: list[str], count: int) -> str:
    out = []
    for _ in range(count):
        chosen = rng.choices(words, k=rng.randint(8, 24))
        out.append(" ".join(chosen).capitalize() + rng.choice(".....?"))
    return " ".join(out)


def _fill(make: Callable[[int], str], size: int) -> str:
    """``make(0) + make(1) + ...`` up to ``size`` bytes."""
    parts: list[str] = []
    total = n = 0
    while total < size:
        parts.append(part := make(n))
        total += len(part.encode("utf-8"))
        n += 1
    return "".join(parts)


def _typical_article(rng: random.Random, words: list[str]) -> tuple[str, list[str]]:
    """The article's markup, and its paragraphs (the page state carries them again)."""
    out = ['<div class="article-body">']
    paragraphs: list[str] = []
    count = 0
    n = 0
    while count < TYPICAL_WORDS:
        text = _sentences(rng, words, rng.randint(2, 5))
        paragraphs.append(text)
        count += len(text.split())
        out.append(f'<p class="body-text">{text}</p>')
        n += 1
        if n % 12 == 0:
            out.append(f"<h2>{_sentences(rng, words, 1).rstrip('.?')}</h2>")
        if n % 5 == 0:
            photo = n // 5
            out.append(
                f'<figure class="element-image"><picture><source srcset="/img/{photo}-640.webp '
                f'640w, /img/{photo}-1280.webp 1280w"><img src="/img/photo-{photo}.jpg" '
                f'alt="{_sentences(rng, words, 1)}" loading="lazy" width="1280" height="720">'
                f'</picture><figcaption><span class="caption">{_sentences(rng, words, 1)}'
                f'</span> <span class="credit">Photograph: Ann Lee/The Daily Ledger</span>'
                "</figcaption></figure>"
            )
        if n % 30 == 0:
            out.append(
                f'<blockquote class="pullquote"><p>&ldquo;{_sentences(rng, words, 1)}&rdquo;'
                f"</p><cite>Resident number {n}</cite></blockquote>"
            )
        if n % 35 == 0:
            out.append(
                f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">'
                f"{_sentences(rng, words, 2)}</p>&mdash; Jo Baines (@jobaines{n}) "
                f'<a href="https://twitter.com/jobaines{n}/status/17420000000{n}?ref_src=twsrc'
                f'%5Etfw">January 2, 2024</a></blockquote><script async '
                'src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>'
            )
        if n % 20 == 0:
            out.append(
                f'<div class="ad-slot ad-inline" id="inline-{n}" data-size="300x250">'
                "<p>Advertisement</p></div>"
            )
    out.append("</div>")
    return "".join(out), paragraphs


def build_typical(folder: Path) -> Path:
    """A 1 MB page in the proportions of ``TYPICAL_PARTS``: a long feature in a news site."""
    rng = random.Random(16)
    page = (CORPUS / "en-feature.html").read_text(encoding="utf-8")
    head, _, rest = page.partition("</head>")
    words = re.findall(r"[a-z']+", re.sub(r"<[^>]+>", " ", rest.partition("</h1>")[2]).lower())
    article, paragraphs = _typical_article(rng, words)
    part = TYPICAL_PARTS
    css = _fill(
        lambda n: (
            f".c{n:x}{{margin:0 {n % 24}px;padding:{n % 7}px 0;color:#{n * 2654435 % 16**6:06x};"
            f"font:{12 + n % 9}px/1.4 Guardian,Georgia,serif}}@media(min-width:{n % 13 * 80}px)"
            f"{{.c{n:x}{{display:{('flex', 'grid', 'block')[n % 3]}}}}}"
        ),
        part["inline CSS"],
    )
    related = [
        {
            "id": n,
            "headline": _sentences(rng, words, 1),
            "url": f"/news/2024/feb/{n}",
            "standfirst": _sentences(rng, words, 2),
            "image": f"/img/related-{n}.jpg",
        }
        for n in range(60)
    ]
    state = {
        "props": {
            "pageProps": {
                "article": {
                    "headline": "River town counts the cost of the winter floods",
                    "blocks": [{"type": "text", "html": f"<p>{p}</p>"} for p in paragraphs],
                },
                "related": related,
            }
        }
    }
    # The rest of the state: the site's switches and settings, as many as fill its share.
    state_size = part["page state JSON (__NEXT_DATA__)"] - len(json.dumps(state))
    state["props"]["config"] = json.loads(
        "{"
        + _fill(
            lambda n: (
                f'"switch{n}": {{"enabled": {str(n % 2 == 0).lower()}, "audience": {n / 7}}}, '
            ),
            state_size,
        )[:-2]
        + "}"
    )
    state_json = json.dumps(state)
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": "River town counts the cost of the winter floods",
            "author": {"@type": "Person", "name": "Harriet Marsh"},
            "description": paragraphs[0],
            "articleSection": [_sentences(rng, words, 1) for _ in range(30)],
        }
    )
    analytics = _fill(
        lambda n: (
            f"<script>!function(e,t){{var n{n}=e.dataLayer||[];n{n}.push({{event:"
            f'"slot_{n}",ts:Date.now(),k:"{n * 7919 % 99991:x}"}});if(t.cookie.indexOf("c{n}")<0)'
            f"{{e.__tcfapi&&e.__tcfapi('addEventListener',2,function(r,s){{s&&r.eventStatus}})}}"
            f"}}(window,document);</script>"
        ),
        part["analytics, consent and ad scripts"],
    )
    sprite = (
        '<svg style="display:none">'
        + _fill(
            lambda n: (
                f'<symbol id="icon-{n}" viewBox="0 0 24 24"><path d="M{n % 24} {n % 17}l'
                f"{n % 5}.{n % 9} {n % 7}.{n % 3}c1.1 0 2-.9 2-2V{n % 11}a2 2 0 0 0-2-2h-{n % 13}"
                f'z"/></symbol>'
            ),
            part["SVG icon sprite"],
        )
        + "</svg>"
    )
    nav = (
        '<nav class="mega-menu" aria-label="Sections"><ul>'
        + _fill(
            lambda n: (
                f'<li class="menu-item"><a href="/section/{n}" data-link-name="nav : '
                f'{n}">Section {n}</a><ul><li><a href="/section/{n}/a">Latest</a></li>'
                f'<li><a href="/section/{n}/b">Opinion</a></li></ul></li>'
            ),
            part["navigation menus"],
        )
        + "</ul></nav>"
    )
    lists = (
        '<aside class="onward"><h2>More on this story</h2><ul>'
        + _fill(
            lambda n: (
                f'<li class="card"><a href="/news/{n}"><img src="/img/r{n}.jpg" alt=""'
                f' loading="lazy"><h3>{_sentences(rng, words, 1)}</h3></a><time>{n % 23} hours ago'
                "</time></li>"
            ),
            part["related and most-read lists"],
        )
        + "</ul></aside>"
    )
    ads = _fill(
        lambda n: (
            f'<div class="ad-slot" id="dfp-ad--{n}" data-name="top-above-nav-{n}" '
            'aria-hidden="true"><div class="ad-slot__label">Advertisement</div></div>'
        ),
        part["ad slots"],
    )
    comments = (
        '<section id="comments" class="discussion"><h2>Comments (312)</h2>'
        + _fill(
            lambda n: (
                f'<button class="discussion__show" data-page="{n}">Show more</button>'
                f'<script>window.guardian.config.discussion.push({{"page":{n},"pageSize":50,'
                f'"orderBy":"newest","threaded":true,"key":"/p/{n * 31:x}"}});</script>'
            ),
            part["comments widget"],
        )
        + "</section>"
    )
    footer = (
        "<footer><ul>"
        + _fill(
            lambda n: (
                f'<li><a href="/info/{n}" data-link-name="footer : {n}">Help page {n}</a></li>'
            ),
            part["footer"],
        )
        + "</ul></footer>"
    )
    text = (
        f"{head}<style>{css}</style>"
        f'<script type="application/ld+json">{ld}</script>{analytics}</head>'
        f'<body>{sprite}<header class="site-header">{nav}</header>{ads}'
        "<main><article><header><h1>River town counts the cost of the winter floods</h1>"
        '<p class="byline">By <a rel="author" href="/profile/harriet-marsh">Harriet Marsh</a>'
        '</p><time datetime="2024-02-12T06:00:00Z">Mon 12 Feb 2024 06.00 GMT</time></header>'
        f"{article}</article></main>{lists}{comments}{footer}"
        f'<script id="__NEXT_DATA__" type="application/json">{state_json}</script>'
        "</body></html>"
    )
    path = folder / "typical.html"
    path.write_text(text, encoding="utf-8")
    return path


def _run(command: list[str], checkout: Path = HERE) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of a new process running ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=checkout, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


#: trafilatura alone, as the import runs it first: its import, the parse and its main
#: extraction, nothing of the player's; what no change to the player can go below. Without
#: its metadata: the import reads the five fields a story takes itself (``pagemeta``).
_TRAFILATURA = """import lxml.html, trafilatura
root = lxml.html.parse({page!r}).getroot()
trafilatura.bare_extraction(root, fast=True, output_format="xml",
    include_images=True, include_links=True, include_formatting=True, include_comments=True,
    favor_precision=True)"""


def _compile(checkout: Path) -> None:
    """The checkout's bytecode, as an installed copy has it (pip compiles what it installs):
    with ``PYTHONDONTWRITEBYTECODE`` set, every run would compile the player's modules again
    (about 40 ms of each import here), a cost no user pays and that trafilatura, installed,
    does not pay either."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(checkout / "player")],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _measure(folder: Path, page: Path, runs: int, reference: Path | None) -> None:
    imports, parses, references, alone = [], [], [], []
    for run in range(runs):
        out = folder / f"out-{page.stem}-{run}"
        command = [sys.executable, "-m", "player", "import", str(page), "--out"]
        imports.append(_run([*command, str(out)]))
        parses.append(
            _run([sys.executable, "-c", f"import lxml.html; lxml.html.parse({str(page)!r})"])
        )
        alone.append(_run([sys.executable, "-c", _TRAFILATURA.format(page=str(page))]))
        if reference is not None:
            references.append(_run([*command, str(folder / f"ref-{page.stem}-{run}")], reference))
    story = next((folder / f"out-{page.stem}-0").iterdir()) / "story.txt"
    size = page.stat().st_size
    print(
        f"{page.stem}: page {size / 1_000_000:.2f} MB, story {story.stat().st_size / 1000:.0f} kB"
    )
    # CPU time as well as wall: this machine is shared, and another job's load stretches
    # the wall time of the longer command more than that of the short reference.
    for index, what in ((0, "wall"), (1, "CPU")):
        i = statistics.median(m[index] for m in imports)
        p = statistics.median(m[index] for m in parses)
        print(f"  {what:4s} story-player import {i * 1000:6.0f} ms, python -c lxml parse ", end="")
        print(f"{p * 1000:4.0f} ms: {i / p:.1f}x (budget 5x; medians of {runs} runs)")
        t = statistics.median(m[index] for m in alone)
        print(f"       trafilatura alone (main extraction) {t * 1000:6.0f} ms: {t / p:.1f}x")
        if references:
            r = statistics.median(m[index] for m in references)
            print(f"       {reference} import {r * 1000:6.0f} ms: {r / p:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="runs of each (default 3)")
    parser.add_argument("--reference", type=Path, help="another checkout to time as well")
    args = parser.parse_args()
    for checkout in (HERE, args.reference):
        if checkout is not None:
            _compile(checkout)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pages = [build_typical(folder), build_page(folder), build_page(folder, split=True)]
        for page in pages:
            _measure(folder, page, args.runs, args.reference)


if __name__ == "__main__":
    main()
