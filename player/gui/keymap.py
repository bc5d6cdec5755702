"""The keyboard map: every command, its menu, its shortcuts and its single key in the reading pane.

One table feeds the menus, the Help > Keyboard dialog and docs/keyboard.md, so they
cannot disagree. Shortcuts are in QKeySequence's portable text form ("Ctrl" becomes
Cmd on macOS). Keys screen readers own (Insert, CapsLock, Ctrl+Alt, the numpad) and
the reading pane's caret keys (arrows, Ctrl+arrows, Home/End, PageUp/PageDown,
Shift+selection) appear nowhere here.

Single keys (``pane_keys``) only act while the reading pane has focus and no Ctrl,
Alt or Meta is held; they are typed characters (so "]" works on any layout) or key
names such as "Space", "Return", "Backspace" and "Escape".

No Qt here, so the table can be printed and tested without a display.
"""

from __future__ import annotations

from typing import NamedTuple


class Command(NamedTuple):
    """A command the reader can give."""

    id: str
    menu: str
    text: str
    shortcuts: tuple[str, ...]
    pane_keys: tuple[str, ...] = ()
    description: str = ""


MENUS: tuple[str, ...] = ("File", "Play", "Go", "Bookmarks", "View", "Help")

COMMANDS: tuple[Command, ...] = (
    Command("open", "File", "&Open Story…", ("Ctrl+O",), (), "Open another story file"),
    Command(
        "library", "File", "&Library…", ("Ctrl+L",), (), "Choose a story from the library list"
    ),
    Command(
        "import",
        "File",
        "&Import…",
        ("Ctrl+I",),
        (),
        "Make a story from a saved web page, Markdown or text file, and review its segments",
    ),
    Command(
        "export",
        "File",
        "&Export…",
        ("Ctrl+E",),
        (),
        "Save the story as a talking book (EPUB 3) or as MP3 for your own devices",
    ),
    Command("quit", "File", "&Quit", ("Ctrl+Q",), (), "Close the player"),
    Command(
        "play_pause",
        "Play",
        "&Play or Pause",
        ("Ctrl+2", "Media Play", "Toggle Media Play/Pause"),
        ("Space",),
        "Start, pause or resume reading",
    ),
    Command("stop", "Play", "&Stop", ("Ctrl+4", "Media Stop"), ("Escape",), "Stop reading"),
    Command(
        "next_sentence",
        "Play",
        "&Next Sentence",
        ("Ctrl+3", "Media Next"),
        (),
        "Read the next sentence",
    ),
    Command(
        "previous_sentence",
        "Play",
        "Previous S&entence",
        ("Ctrl+1", "Media Previous"),
        (),
        "Read the previous sentence",
    ),
    Command(
        "next_paragraph",
        "Play",
        "Next P&aragraph",
        ("Alt+Shift+Down",),
        ("P",),
        "Skip to the next paragraph",
    ),
    Command(
        "previous_paragraph",
        "Play",
        "Previous Pa&ragraph",
        ("Alt+Shift+Up",),
        ("Shift+P",),
        "Back to the start of this or the previous paragraph",
    ),
    Command(
        "back_10s", "Play", "10 Seconds &Back", ("Alt+Shift+Left",), ("J",), "Go back 10 seconds"
    ),
    Command(
        "forward_10s",
        "Play",
        "10 Seconds &Forward",
        ("Alt+Shift+Right",),
        ("L",),
        "Go forward 10 seconds",
    ),
    Command("rate_up", "Play", "Fas&ter", ("Ctrl+]",), ("]",), "Speak faster"),
    Command("rate_down", "Play", "Slo&wer", ("Ctrl+[",), ("[",), "Speak slower"),
    Command(
        "rate_reset", "Play", "Normal Spee&d", ("Ctrl+\\",), ("=",), "Speak at the normal rate"
    ),
    Command("volume_up", "Play", "Volume &Up", ("Alt+Shift+PgUp",), ("0",), "Louder"),
    Command("volume_down", "Play", "Volume D&own", ("Alt+Shift+PgDown",), ("9",), "Quieter"),
    Command(
        "choose_voice", "Play", "Choose &Voice…", ("Ctrl+Shift+V",), (), "Move to the voice list"
    ),
    Command(
        "choose_second_voice",
        "Play",
        "Voice for &Quotations and Posts…",
        ("Ctrl+Shift+O",),
        (),
        "Move to the list of voices for quotations and posts",
    ),
    Command(
        "next_segment", "Go", "&Next Segment", ("Alt+PgDown",), ("H",), "Go to the next segment"
    ),
    Command(
        "previous_segment",
        "Go",
        "&Previous Segment",
        ("Alt+PgUp",),
        ("Shift+H",),
        "Go to the previous segment",
    ),
    Command(
        "next_personal_story",
        "Go",
        "Next Personal &Story",
        ("Ctrl+Shift+PgDown",),
        ("S",),
        "Jump to the next personal story",
    ),
    Command(
        "previous_personal_story",
        "Go",
        "Previous Personal S&tory",
        ("Ctrl+Shift+PgUp",),
        ("Shift+S",),
        "Jump to the previous personal story",
    ),
    Command(
        "public_reaction",
        "Go",
        "Public &Reaction",
        ("Ctrl+Shift+R",),
        ("R",),
        "Jump to the readers' posts",
    ),
    Command(
        "back",
        "Go",
        "&Back",
        ("Alt+Left",),
        ("Backspace",),
        "Return to where you were before the jump",
    ),
    Command("forward", "Go", "&Forward", ("Alt+Right",), (), "Redo the jump you went back from"),
    Command(
        "go_to_segment",
        "Go",
        "&Go to Segment…",
        ("Ctrl+G",),
        (),
        "Go to a segment by its number or words of its title",
    ),
    Command("find", "Go", "Fin&d…", ("Ctrl+F",), (), "Find words in the story"),
    Command("find_next", "Go", "Find Ne&xt", ("F3",), (), "Go to the next match"),
    Command("find_previous", "Go", "Find Previ&ous", ("Shift+F3",), (), "Go to the previous match"),
    Command(
        "where_am_i",
        "Go",
        "&Where Am I",
        ("Ctrl+Shift+K",),
        ("W",),
        "Say the segment, the sentence and the time left",
    ),
    Command(
        "show_where_am_i",
        "Go",
        "Show Where Am &I",
        ("Ctrl+Shift+I",),
        (),
        "Show the segment, the sentence and the time left in the status line",
    ),
    Command(
        "next_pane",
        "Go",
        "Next P&ane",
        ("F6",),
        (),
        "Move between the contents, the text and the photos",
    ),
    Command(
        "previous_pane", "Go", "Previous Pan&e", ("Shift+F6",), (), "Move between panes backwards"
    ),
    Command(
        "add_bookmark", "Bookmarks", "&Add Bookmark…", ("Ctrl+B",), (), "Bookmark this sentence"
    ),
    Command(
        "list_bookmarks",
        "Bookmarks",
        "&List Bookmarks…",
        ("Ctrl+Shift+B",),
        (),
        "Go to or delete a bookmark",
    ),
    Command("next_bookmark", "Bookmarks", "&Next Bookmark", ("F2",), (), "Go to the next bookmark"),
    Command(
        "previous_bookmark",
        "Bookmarks",
        "&Previous Bookmark",
        ("Shift+F2",),
        (),
        "Go to the previous bookmark",
    ),
    Command("zoom_in", "View", "Zoom &In", ("Ctrl+=", "Ctrl++"), (), "Larger text"),
    Command("zoom_out", "View", "Zoom &Out", ("Ctrl+-",), (), "Smaller text"),
    Command("zoom_reset", "View", "&Normal Size", ("Ctrl+0",), (), "Text at its normal size"),
    Command(
        "line_spacing_more",
        "View",
        "&More Line Spacing",
        ("Ctrl+Shift+M",),
        (),
        "More space between the lines of the story",
    ),
    Command(
        "line_spacing_less",
        "View",
        "L&ess Line Spacing",
        ("Ctrl+Shift+N",),
        (),
        "Less space between the lines of the story",
    ),
    Command(
        "single_keys",
        "View",
        "&Single-Key Commands in the Text",
        ("Ctrl+Shift+L",),
        (),
        "Turn the one-letter keys of the reading pane on or off",
    ),
    Command(
        "self_voicing",
        "View",
        "Self-&Voicing",
        ("Ctrl+Shift+G",),
        (),
        "Speak messages in the app's own voice when no screen reader runs",
    ),
    Command(
        "caret_follows_voice",
        "View",
        "&Caret Follows the Voice",
        ("Ctrl+Shift+F",),
        (),
        "Move the caret with the sentence being read, for magnifiers (not with a screen reader)",
    ),
    Command("keyboard_help", "Help", "&Keyboard…", ("F1",), ("?",), "Show every key"),
    Command("about", "Help", "&About Story Player", (), (), "Version and credits"),
)

BY_ID: dict[str, Command] = {c.id: c for c in COMMANDS}


def pane_key_table() -> dict[str, str]:
    """Single key (as written in :attr:`Command.pane_keys`) to command id."""
    return {key: c.id for c in COMMANDS for key in c.pane_keys}


def _plain(text: str) -> str:
    return text.replace("&", "").replace("…", "")


def keyboard_map_text() -> str:
    """The keyboard map as plain text, grouped by menu, for the Help dialog."""
    lines = [
        "Story Player keys",
        "",
        "Single keys work only in the story text, when no Ctrl or Alt is held.",
        "Arrows, Home, End, Page Up and Page Down move the caret in the text as usual;",
        "press Enter to read from the sentence at the caret.",
    ]
    for menu in MENUS:
        lines += ["", f"{menu} menu"]
        for c in COMMANDS:
            if c.menu != menu:
                continue
            keys = ", ".join(c.shortcuts) if c.shortcuts else "no shortcut"
            single = f"; in the text: {', '.join(c.pane_keys)}" if c.pane_keys else ""
            lines.append(f"  {_plain(c.text)}: {keys}{single}")
    return "\n".join(lines) + "\n"


def keyboard_map_markdown() -> str:
    """The keyboard map as a Markdown table for the README and docs/keyboard.md."""
    rows = ["| Menu | Command | Shortcut | In the text (single key) |", "|---|---|---|---|"]
    for c in COMMANDS:
        shortcuts = " or ".join(f"`{s}`" for s in c.shortcuts) or "—"
        single = " or ".join(f"`{k}`" for k in c.pane_keys) or "—"
        rows.append(f"| {c.menu} | {_plain(c.text)} | {shortcuts} | {single} |")
    rows.append("| (text) | Read from the sentence at the caret | — | `Enter` |")
    return "\n".join(rows) + "\n"
