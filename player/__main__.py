"""``python -m player`` runs the same entry point as ``story-player``."""

import sys

from player.cli import main

sys.exit(main())
