"""``story-player voices``, ``export`` and ``say``: the speech core without a window.

``say`` plays through the Qt audio layer (a QCoreApplication and the same
QAudioSink output as the window) or, without a sound device, on the silent
clock; on a terminal it answers single keys at once.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from player.core.model import BlockType, Story
from player.core.playback.api import (
    DEFAULT_RATE_WPM,
    MAX_RATE_WPM,
    MIN_RATE_WPM,
    PlaybackState,
    Position,
)
from player.core.playback.voices import SECOND_VOICE_BLOCKS
from player.core.search import find_segment

if TYPE_CHECKING:
    from player.core.speech.base import Voice

KEYS_HELP = (
    "Keys: space pause/resume, n or → next sentence, p or ← previous sentence, "
    "] or ↓ next segment, [ or ↑ previous segment, q quit."
)


def add_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    voices = subparsers.add_parser(
        "voices",
        help="list the speech voices",
        description="List the voices of the speech engine: id, languages and name.",
    )
    voices.add_argument("--json", action="store_true", help="machine-readable output")
    voices.set_defaults(handler=run_voices)

    export = subparsers.add_parser(
        "export",
        help="save a story as audio files",
        description=(
            "wav (the default): a WAV file per segment, an M3U playlist and a JSON file "
            "with every sentence's start and end time, segment and text. "
            "mp3: an MP3 per segment with ID3 tags and an M3U playlist, or with "
            "--single-file one MP3 with a chapter per segment. "
            "epub: an EPUB 3 talking book (the text with its audio, highlighted "
            "sentence by sentence in reading apps that play Media Overlays)."
        ),
    )
    export.add_argument("story", nargs="?", type=Path, help="story file (default: bundled story)")
    export.add_argument(
        "--out",
        type=Path,
        required=True,
        help="folder to write into (for epub: the .epub file to write)",
    )
    export.add_argument(
        "--format", choices=("wav", "mp3", "epub"), default="wav", help="what to write"
    )
    export.add_argument(
        "--single-file",
        action="store_true",
        help="mp3: one file with a chapter per segment instead of a file per segment",
    )
    _speech_options(export)
    export.set_defaults(handler=run_export)

    say = subparsers.add_parser(
        "say",
        help="read a story aloud in the terminal",
        description="Read a story aloud. " + KEYS_HELP,
    )
    say.add_argument("story", nargs="?", type=Path, help="story file (default: bundled story)")
    say.add_argument(
        "--from",
        dest="start",
        metavar="SEGMENT",
        help="start at this segment: its number (as in `outline`) or words of its title",
    )
    say.add_argument(
        "--text",
        metavar="TEXT",
        help="read TEXT instead of the story, in its language and with its lexicon "
        "(to hear a lexicon entry before saving it)",
    )
    _speech_options(say)
    say.set_defaults(handler=run_say)


def _speech_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--voice", help="voice id (see `voices`); default: best for the story")
    parser.add_argument(
        "--second-voice",
        default="auto",
        metavar="ID",
        help="voice for quotations and posts: a voice id, 'auto' (another voice of the "
        "main voice's language, the default, as in the window) or 'off'",
    )
    parser.add_argument(
        "--rate",
        type=int,
        default=DEFAULT_RATE_WPM,
        help=f"words per minute, {MIN_RATE_WPM}-{MAX_RATE_WPM} (default {DEFAULT_RATE_WPM})",
    )


def _error(text: str) -> None:
    print(f"story-player: {text}", file=sys.stderr)


def _load(path: Path | None) -> Story | None:
    """The story, or None after printing its problems to stderr."""
    from player.core.storyfile import StoryFileError, load_story
    from player.paths import bundled_story_path

    where = path or bundled_story_path()
    try:
        return load_story(where)
    except StoryFileError as exc:
        count = len(exc.problems)
        _error(f"{where}: {count} problem{'s' if count != 1 else ''}:")
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
    except OSError as exc:
        _error(f"{where}: {exc.strerror or exc}")
    return None


def _synthesizer() -> Any:
    from player.core.speech import NoSpeechEngine, create_synthesizer

    try:
        return create_synthesizer()
    except NoSpeechEngine as exc:
        _error(str(exc))
        return None


def _check_rate(rate: int) -> bool:
    if not MIN_RATE_WPM <= rate <= MAX_RATE_WPM:
        _error(f"--rate must be between {MIN_RATE_WPM} and {MAX_RATE_WPM} words per minute")
        return False
    return True


def run_voices(ns: argparse.Namespace) -> int:
    synth = _synthesizer()
    if synth is None:
        return 1
    try:
        voices = synth.voices()
    finally:
        synth.close()
    if ns.json:
        data = {
            "engine": synth.name,
            "voices": [
                {"id": v.id, "name": v.name, "languages": list(v.languages)} for v in voices
            ],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    width = max((len(v.id) for v in voices), default=2)
    lang_width = max((len(", ".join(v.languages)) for v in voices), default=9)
    print(f"{'ID'.ljust(width)}  {'LANGUAGES'.ljust(lang_width)}  NAME")
    for v in voices:
        print(f"{v.id.ljust(width)}  {', '.join(v.languages).ljust(lang_width)}  {v.name}")
    print(f"{len(voices)} voices ({synth.name})", file=sys.stderr)
    return 0


def _pick_voice(synth: Any, story: Story, wanted: str | None) -> str | None:
    from player.core.speech import best_voice

    voices = synth.voices()
    if wanted:
        if any(v.id == wanted for v in voices):
            return wanted
        _error(f"there is no voice {wanted!r} (see `story-player voices`)")
        return None
    chosen = best_voice(voices, story.meta.language)
    if chosen is None:
        _error("the speech engine has no voices")
        return None
    return chosen.id


def _pick_second_voice(voices: Any, main: str, wanted: str) -> tuple[bool, str | None]:
    """(ok, voice id or None for the main voice) for ``--second-voice``."""
    from player.core.playback.voices import UnknownVoiceError, second_voice_for

    try:
        return True, second_voice_for(voices, main, wanted)
    except UnknownVoiceError:
        _error(f"there is no voice {wanted!r} for --second-voice (see `story-player voices`)")
        return False, None


def _export(
    ns: argparse.Namespace,
    story: Story,
    synth: Any,
    voice: str,
    block_voices: dict[BlockType, str] | None,
) -> Any:
    """The export ``--format`` asks for; raises OSError when it cannot write."""
    from player.core.export.audio import voice_table

    if ns.format == "wav":
        from player.core.speech.export import export_story

        return export_story(story, synth, ns.out, voice, ns.rate, block_voices=block_voices)
    table = voice_table(story, synth.voices(), voice, block_voices)
    if ns.format == "mp3":
        from player.core.export.audiobook import export_mp3

        return export_mp3(story, synth, ns.out, table, ns.rate, single_file=ns.single_file)
    from player.core.export.epub import export_epub

    return export_epub(story, synth, ns.out, table, ns.rate)


def run_export(ns: argparse.Namespace) -> int:
    if not _check_rate(ns.rate):
        return 1
    if ns.single_file and ns.format != "mp3":
        _error("--single-file goes with --format mp3")
        return 1
    if ns.format == "epub" and ns.out.suffix.lower() != ".epub":
        _error(f"--out {ns.out}: an EPUB is a file; give a name ending in .epub")
        return 1
    story = _load(ns.story)
    if story is None:
        return 1
    synth = _synthesizer()
    if synth is None:
        return 1
    try:
        voice = _pick_voice(synth, story, ns.voice)
        if voice is None:
            return 1
        ok, second = _pick_second_voice(synth.voices(), voice, ns.second_voice)
        if not ok:
            return 1
        block_voices = dict.fromkeys(SECOND_VOICE_BLOCKS, second) if second else None
        try:
            result = _export(ns, story, synth, voice, block_voices)
        except OSError as exc:
            _error(f"cannot write to {ns.out}: {exc.strerror or exc}")
            return 1
    finally:
        synth.close()
    for index, reason in result.failures:
        _error(f"sentence {index + 1} was left out: {reason}")
    minutes, seconds = divmod(round(result.duration_ms / 1000), 60)
    what = f"{len(result.files)} files to {result.directory}"
    if len(result.files) == 1:
        what = str(result.files[0])
    print(
        f"Wrote {what} "
        f"({minutes}:{seconds:02d} of audio, voice {voice}"
        f"{f', quotations and posts {second}' if second else ''}, {ns.rate} wpm) "
        f"in {result.elapsed_s:.2f} s"
    )
    return 0


class _Printer:
    """Prints each sentence as it starts, and messages, from the playback's thread."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.sentence = -1
        self.done = threading.Event()
        self.lock = threading.Lock()

    def on_position(self, position: Position) -> None:
        with self.lock:
            if position.sentence != self.sentence:
                self.sentence = position.sentence
                ref = self.story.refs[position.sentence]
                title = self.story.segments[ref.segment].title
                text = self.story.sentence(ref).display
                print(f"[{ref.segment + 1} {title}] {text}", flush=True)

    def on_state(self, state: PlaybackState) -> None:
        if state is PlaybackState.PAUSED:
            print("(paused)", flush=True)

    def on_message(self, text: str, level: str) -> None:
        print(f"{level}: {text}", file=sys.stderr, flush=True)

    def on_finished(self) -> None:
        self.done.set()

    def on_voices(self, voices: list[Voice]) -> None:
        """Nothing to print: the voice was chosen before reading began."""


def run_say(ns: argparse.Namespace) -> int:
    from player.core.playback import PlaybackSettings, create_playback

    if not _check_rate(ns.rate):
        return 1
    story = _load(ns.story)
    if story is None:
        return 1
    if not story.refs:
        _error("the story has nothing to read")
        return 1
    if ns.text is not None:
        from player.core.storyfile import StoryFileError, text_story

        if ns.start:
            _error("--from and --text do not go together")
            return 1
        try:
            story = text_story(ns.text, story)
        except StoryFileError as exc:
            _error(f"--text: {exc.problems[0].message}")
            return 1
        if not story.refs:
            _error("--text: there is nothing to read in the text given")
            return 1
    start = 0
    if ns.start:
        segment = find_segment(story, ns.start)
        first = None if segment is None else story.first_sentence_of_segment(segment)
        if first is None:
            _error(f"no segment {ns.start!r}; see `story-player outline`")
            return 1
        start = first
    synth = _synthesizer()
    if synth is None:
        return 1
    app, factory = _qt_audio()
    printer = _Printer(story)
    playback = create_playback(
        story,
        factory,
        synthesizer=synth,
        settings=PlaybackSettings(rate=ns.rate, voice=ns.voice),
        listeners=(printer,),
    )
    try:
        if playback.wait_ready() and playback.voices:
            ok, second = _pick_second_voice(playback.voices, playback.voice, ns.second_voice)
            if not ok:
                return 1
            for kind in SECOND_VOICE_BLOCKS:
                playback.set_block_voice(kind, second)
        playback.play(start)
        if sys.stdin.isatty():
            print(KEYS_HELP, file=sys.stderr, flush=True)
            _key_loop(playback, printer)
        else:
            while not printer.done.wait(0.2):
                pass
    finally:
        playback.close()
        synth.close()
        del app
    return 0


def _qt_audio() -> tuple[Any, Any]:
    """A QCoreApplication and the Qt output factory, or (None, None) for the silent clock."""
    try:
        from PySide6.QtCore import QCoreApplication

        from player.qtaudio import qt_output_factory
    except ImportError as exc:
        _error(f"Qt audio is not available ({exc}); reading on a silent clock")
        return None, None
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    _follow_audio_settings()
    return app, qt_output_factory


def _follow_audio_settings() -> None:
    """The window's sound output and the administrator's volume cap apply here too."""
    from player.core.audiodevice import choice_from
    from player.core.settings import Settings
    from player.platform.folders import settings_locations
    from player.qtaudio import ROUTE

    settings = Settings.load(settings_locations())
    ROUTE.set_cap(settings.max_volume)
    ROUTE.set_choice(choice_from(settings))


def _key_loop(playback: Any, printer: _Printer) -> None:
    from player.platform.terminal import DOWN, LEFT, RIGHT, UP, single_keys

    # The arrows do what the letters beside them in KEYS_HELP do.
    arrows = {RIGHT: "n", LEFT: "p", DOWN: "]", UP: "["}
    with single_keys(sys.stdin) as read_key:
        while not printer.done.is_set():
            key = read_key(0.1)
            if key is None:
                continue
            key = arrows.get(key, key)
            if key in ("q", "Q", "\x04"):
                break
            if key == " ":
                playback.toggle_pause()
            elif key in ("n", "N"):
                playback.skip_sentence(1)
            elif key in ("p", "P"):
                playback.skip_sentence(-1)
            elif key == "]":
                playback.skip_segment(1)
            elif key == "[":
                playback.skip_segment(-1)
        else:
            time.sleep(0.05)
