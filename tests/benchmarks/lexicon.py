"""Story loading with a growing lexicon (not part of the pass/fail suite).

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.lexicon

Loads the bundled story with its lexicon padded to 0, 1,000, 5,000 and 20,000 entries
(entries that never match, as in a long pronunciation list) and reports the CPU time
of ``load_story`` (what ``story-player check`` does: every block's spoken text). The
reference is the same story with no lexicon, in the same run. The guarantee: the time
does not grow with the number of entries beyond building the lexicon once.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from player.core.storyfile import load_story
from player.paths import bundled_story_path


def _story_with(entries: int, folder: Path) -> Path:
    text = bundled_story_path().read_text(encoding="utf-8")
    lines = "\n".join(f"Wordnumber{n:05d} = word number {n}" for n in range(entries))
    if "[lexicon]" in text:
        text = text.replace("[lexicon]\n", f"[lexicon]\n{lines}\n", 1)
    else:
        head, sep, rest = text.partition("\n\n")
        text = f"{head}\n\n[lexicon]\n{lines}\n{sep}{rest}" if entries else text
    path = folder / f"story-{entries}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for entries in (0, 1_000, 5_000, 20_000):
            path = _story_with(entries, folder)
            times = []
            for _ in range(5):
                start = time.process_time()
                load_story(path)
                times.append(time.process_time() - start)
            print(f"{entries:>6} entries: median {statistics.median(times) * 1000:8.1f} ms CPU")


if __name__ == "__main__":
    main()
