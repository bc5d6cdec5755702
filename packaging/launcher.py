"""Entry point of the packaged bundle: ``story-player`` with one extra option.

``story-player --smoke [--hold-for-inspection]`` runs the headless self-check
(:mod:`player.smoke`), so CI and users can check a bundle without a display;
every other command line goes to the ordinary ``story-player`` command. The
option lives here, not in the command's parser, because only a bundle needs it:
from a source tree the same check is ``python -m player.smoke``.
"""

from __future__ import annotations

import sys


def main() -> int:
    """Dispatch to the self-check or the ordinary command."""
    args = sys.argv[1:]
    if args and args[0] == "--smoke":
        from player import smoke

        return smoke.main(args[1:])
    from player.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
