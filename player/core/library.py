"""A story library: the stories in a folder, described for a list a reader picks from.

Each story lives in a folder of its own holding ``story.txt`` (images beside it),
or is a single ``*.story.txt`` file. The bundled story is always in the library.
Scanning reads files, so views run it off the GUI thread.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from player.core.model import Story
from player.core.options import DEFAULT_RATE_WPM
from player.paths import bundled_story_path

if TYPE_CHECKING:
    from player.core.storyfile import Problem

STORY_FILE_NAME = "story.txt"
SINGLE_FILE_SUFFIX = ".story.txt"


def library_folder(setting: str, override: Path | None = None, *, default: Path) -> Path:
    """The library folder: ``--library DIR``, else the ``library_folder`` setting, else
    ``default`` (the user's data folder: player.platform.folders.default_library_folder).
    ``~`` in the setting means the user's home."""
    if override is not None:
        return override.expanduser()
    if setting.strip():
        return Path(setting.strip()).expanduser()
    return default


class LibraryEntry(NamedTuple):
    """One story in the library, or a story file that could not be read."""

    path: Path
    title: str
    contents: str
    sentences: int = 0
    words: int = 0
    bundled: bool = False
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def minutes(self) -> int:
        """Estimated listening time in whole minutes, at least 1 for any text."""
        if not self.words:
            return 0
        return max(1, round(self.words / DEFAULT_RATE_WPM))

    @property
    def length(self) -> str:
        if not self.ok:
            return "cannot be opened"
        return f"{self.sentences} sentences, about {self.minutes} min"

    def describe(self, name: str | None = None) -> str:
        """One line for a list: title (or ``name``, see :func:`story_names`), kind of
        content, length."""
        name = name or self.title
        if not self.ok:
            first = self.problems[0]
            where = f"line {first.line}: " if first.line else ""
            return f"{name}: cannot be opened ({where}{first.message})"
        return f"{name}. {self.contents}. {self.length}"


def story_names(stories: Sequence[tuple[Path, str]]) -> list[str]:
    """How a list names each (path, title): by its title, with the story's folder added
    when two titles are the same (the documented layout keeps every story in a
    ``folder/story.txt``, so file names all sound alike). A story without a known title
    is named by its folder (or by its file name for a single ``*.story.txt``)."""

    def fallback(path: Path) -> str:
        return path.parent.name if path.name == STORY_FILE_NAME else path.name

    titles = [title.strip() or fallback(path) for path, title in stories]
    counts = Counter(titles)
    return [
        f"{title} ({_where(path)})" if counts[title] > 1 else title
        for (path, _), title in zip(stories, titles, strict=True)
    ]


def _where(path: Path) -> str:
    return path.parent.name if path.name == STORY_FILE_NAME else path.name


def describe_contents(story: Story) -> str:
    """The kinds of segment a story has: "Introduction, 2 personal stories, public reaction"."""
    counts: Counter[str] = Counter()
    order: list[str] = []
    labels: dict[str, tuple[str, str]] = {}
    for segment in story.segments:
        kind = segment.kind
        if kind.id not in counts:
            order.append(kind.id)
            labels[kind.id] = (kind.label, kind.plural)
        counts[kind.id] += 1
    parts = []
    for i, kid in enumerate(order):
        label, plural = labels[kid]
        text = label if counts[kid] == 1 else f"{counts[kid]} {plural.lower()}"
        parts.append(text if i == 0 else text[0].lower() + text[1:])
    return ", ".join(parts)


def entry_for(path: Path, bundled: bool = False) -> LibraryEntry:
    """Describe one story file; an invalid file gives an entry carrying its problems."""
    # Here, not at the top: the window imports this module for story_names before its
    # first paint, and the parser (with its text tables) is loaded off the GUI thread.
    from player.core.storyfile import StoryFileError, load_story

    try:
        story = load_story(path)
    except StoryFileError as exc:
        title = path.parent.name if path.name == STORY_FILE_NAME else path.name
        return LibraryEntry(path, title, "", bundled=bundled, problems=tuple(exc.problems))
    words = sum(len(story.sentence(r).words) for r in story.refs)
    return LibraryEntry(
        path,
        story.meta.title,
        describe_contents(story),
        sentences=story.sentence_count,
        words=words,
        bundled=bundled,
    )


def story_files(folder: Path) -> list[Path]:
    """The story files of a library folder, sorted; a missing folder has none."""
    if not folder.is_dir():
        return []
    found: list[Path] = []
    try:
        children = sorted(folder.iterdir())
    except OSError:
        return []
    for child in children:
        if child.is_dir() and (child / STORY_FILE_NAME).is_file():
            found.append(child / STORY_FILE_NAME)
        elif child.is_file() and child.name.endswith(SINGLE_FILE_SUFFIX):
            found.append(child)
    return found


def scan_library(folders: Iterable[Path], include_bundled: bool = True) -> list[LibraryEntry]:
    """Every story in the folders, the bundled story first, each file once."""
    entries: list[LibraryEntry] = []
    seen: set[Path] = set()
    if include_bundled:
        bundled = bundled_story_path()
        entries.append(entry_for(bundled, bundled=True))
        seen.add(bundled.resolve())
    for folder in folders:
        for path in story_files(folder):
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            entries.append(entry_for(path))
    return entries


def is_inside(path: Path, folders: Iterable[Path]) -> bool:
    """Whether ``path`` lies inside one of ``folders`` or is the bundled story.

    Library workstations open files only from the library: this is the check.
    """
    resolved = path.resolve()
    if resolved == bundled_story_path().resolve():
        return True
    return any(resolved.is_relative_to(f.resolve()) for f in folders)
