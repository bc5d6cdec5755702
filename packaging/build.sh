#!/usr/bin/env bash
# Builds the one-folder bundle dist/story-player/ (a story-player executable that needs no
# Python), then copies the licences and notices of everything it ships into
# dist/story-player/licenses/ and runs the bundle's headless self-check.
#   bash packaging/build.sh            build with .venv/bin/python (PYTHON=... to override)
#   bash packaging/build.sh --no-check skip the self-check at the end
# Needs PyInstaller in that environment, objdump and the interpreter's shared library:
# `bash .ci/setup --package` installs them; anything missing is named in one line.
set -euo pipefail
cd "$(dirname "$0")/.."

check=1
[ "${1:-}" = "--no-check" ] && check=0
PY=${PYTHON:-.venv/bin/python}

# Everything the build needs, checked first so a missing piece is named in one line
# instead of surfacing as a PyInstaller traceback halfway through.
missing=()
if [ ! -x "$PY" ] && ! command -v "$PY" >/dev/null; then
  missing+=("the Python environment $PY")
else
  "$PY" -c 'import PyInstaller' 2>/dev/null || missing+=("PyInstaller (in $PY)")
  # PyInstaller copies the interpreter's shared library into the bundle; Debian's
  # python3 is linked statically and needs the libpython3.X package for it.
  libpython=$("$PY" - <<'PYEOF'
import glob, os, sys, sysconfig
name = "libpython%d.%d.so.1.0" % sys.version_info[:2]
dirs = [sysconfig.get_config_var("LIBDIR") or "", os.path.join(sys.base_prefix, "lib")]
dirs += glob.glob("/usr/lib/*-linux-gnu") + ["/usr/lib", "/usr/lib64", "/lib"]
found = any(os.path.exists(os.path.join(d, name)) for d in dirs if d)
print("" if found else name)
PYEOF
)
  if [ -n "$libpython" ]; then
    pkg=${libpython%.so.1.0}
    missing+=("$libpython (Debian/Ubuntu package $pkg)")
  fi
fi
command -v objdump >/dev/null || missing+=("objdump (Debian/Ubuntu package binutils)")
if [ "${#missing[@]}" -gt 0 ]; then
  joined=$(printf '%s, ' "${missing[@]}")
  echo "build.sh: missing ${joined%, }; run: bash .ci/setup --package" >&2
  exit 1
fi

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
  env -i PATH="$empty" HOME="$empty" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
    dist/story-player/story-player --smoke
fi
