#!/usr/bin/env bash
# Builds the one-folder bundle dist/story-player/ (a story-player executable that needs no
# Python), then copies the licences and notices of everything it ships into
# dist/story-player/licenses/ and runs the bundle's headless self-check.
#   bash packaging/build.sh            build with .venv/bin/python (PYTHON=... to override)
#   bash packaging/build.sh --no-check skip the self-check at the end
# Needs PyInstaller in that environment: pip install -e '.[package]'.
set -euo pipefail
cd "$(dirname "$0")/.."

check=1
[ "${1:-}" = "--no-check" ] && check=0
PY=${PYTHON:-.venv/bin/python}

started=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/story-player.spec
# The interpreter library of a self-built Python (pyenv) keeps its debug symbols: about
# 18 MB of the bundle. Stripped here, not by PyInstaller, which would strip the Qt plugins too.
if command -v strip >/dev/null; then
  find dist/story-player/_internal -maxdepth 1 -name 'libpython3*.so*' -type f \
    -exec strip --strip-unneeded {} +
fi
"$PY" packaging/collect_licenses.py dist/story-player
finished=$(date +%s)

size=$(du -sh dist/story-player | cut -f1)
files=$(find dist/story-player -type f | wc -l)
echo "Built dist/story-player/ in $((finished - started)) s: $size in $files files."

if [ "$check" = 1 ]; then
  # A clean environment with nothing on PATH: no Python, no tools.
  empty=$(mktemp -d)
  env -i PATH="$empty" HOME="$empty" QT_QPA_PLATFORM=offscreen \
    dist/story-player/story-player --smoke
fi
