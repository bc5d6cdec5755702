"""Story Player: an accessible audio-and-text story player."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("story-player")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.1.0"

APP_NAME = "Story Player"
APP_ID = "org.storyplayer.StoryPlayer"
