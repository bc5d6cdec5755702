"""Story Player: an accessible audio-and-text story player."""

# A literal, not importlib.metadata: reading package metadata costs ~20 ms at every start.
# tests/test_version.py keeps it in step with pyproject.toml.
__version__ = "0.1.0"

APP_NAME = "Story Player"
APP_ID = "org.storyplayer.StoryPlayer"
