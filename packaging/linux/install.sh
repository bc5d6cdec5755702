#!/usr/bin/env bash
# Installs Story Player's desktop integration on Linux: the icon in every hicolor size,
# the .desktop launcher and the AppStream metainfo; with --bundle, also the packaged app.
#
#   packaging/linux/install.sh [--prefix PREFIX] [--user] [--bundle DIR] [--uninstall]
#
#   --prefix PREFIX  install under PREFIX/share (default /usr/local)
#   --user           install for the current user only: PREFIX is ~/.local
#   --bundle DIR     also copy a built bundle (e.g. dist/story-player) to PREFIX/lib/story-player
#                    and link PREFIX/bin/story-player to it
#   --uninstall      remove what an install with the same options put there
#
# Without --bundle the launcher runs whatever `story-player` is on PATH (a pip install).
set -euo pipefail

APP_ID=org.storyplayer.StoryPlayer
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
icons="$root/assets/icons"

prefix=/usr/local
bundle=""
uninstall=0
usage() { sed -n '2,13s/^# \{0,1\}//p' "$0"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { usage >&2; exit 2; }; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --user) prefix="$HOME/.local"; shift ;;
    --bundle) [ $# -ge 2 ] || { usage >&2; exit 2; }; bundle=$2; shift 2 ;;
    --bundle=*) bundle=${1#--bundle=}; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

share="$prefix/share"
sizes=(16 24 32 48 64 128 256 512)
targets=(
  "$share/applications/$APP_ID.desktop"
  "$share/metainfo/$APP_ID.metainfo.xml"
  "$share/icons/hicolor/scalable/apps/$APP_ID.svg"
)
for s in "${sizes[@]}"; do targets+=("$share/icons/hicolor/${s}x${s}/apps/$APP_ID.png"); done

refresh_caches() {
  # Desktops read these caches when present; a missing tool only delays the menu entry.
  if command -v gtk-update-icon-cache >/dev/null && [ -f "$share/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
  fi
  if command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$share/applications" || true
  fi
}

if [ "$uninstall" = 1 ]; then
  rm -f "${targets[@]}"
  if [ -n "$bundle" ]; then
    rm -f "$prefix/bin/story-player"
    rm -rf "$prefix/lib/story-player"
  fi
  refresh_caches
  echo "Removed Story Player from $prefix"
  exit 0
fi

if [ -n "$bundle" ]; then
  if [ ! -x "$bundle/story-player" ]; then
    echo "install.sh: $bundle/story-player not found: build it with bash packaging/build.sh" >&2
    exit 1
  fi
  rm -rf "$prefix/lib/story-player"
  mkdir -p "$prefix/lib" "$prefix/bin"
  cp -a "$bundle" "$prefix/lib/story-player"
  ln -sfn ../lib/story-player/story-player "$prefix/bin/story-player"
fi

install -Dm644 "$here/$APP_ID.desktop" "$share/applications/$APP_ID.desktop"
install -Dm644 "$here/$APP_ID.metainfo.xml" "$share/metainfo/$APP_ID.metainfo.xml"
install -Dm644 "$icons/story-player.svg" "$share/icons/hicolor/scalable/apps/$APP_ID.svg"
for s in "${sizes[@]}"; do
  install -Dm644 "$icons/story-player-$s.png" "$share/icons/hicolor/${s}x${s}/apps/$APP_ID.png"
done
refresh_caches

echo "Installed Story Player's desktop entry, metainfo and icons under $share"
if [ -n "$bundle" ]; then
  echo "Installed the app in $prefix/lib/story-player, started by $prefix/bin/story-player"
fi
