"""Story Player: an accessible audio-and-text story player."""

# A literal, not importlib.metadata: reading package metadata costs ~20 ms at every start.
# tests/test_version.py keeps it in step with pyproject.toml.
__version__ = "0.1.0"

APP_NAME = "Story Player"
APP_ID = "org.storyplayer.StoryPlayer"

# Exit statuses of a program stopped from outside, as a shell reports one killed by the
# signal (128 + its number): Ctrl+C, and output into a pipe whose reader has gone.
EXIT_INTERRUPTED = 128 + 2
EXIT_BROKEN_PIPE = 128 + 13
