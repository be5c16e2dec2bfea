#!/usr/bin/env bash
# The Debian packages the app and the tests need beyond pip: Qt's xcb/GL libraries (to open a window),
# Xvfb (a virtual screen for screenshots and `xvfb-run make run`), poppler-utils (the tests read PDFs
# with pdftotext/pdfinfo/pdffonts/pdftoppm), zbar (the tests decode the printed QR codes) and the
# PostgreSQL server (the headquarters tests start a throw-away cluster with its initdb: tests/pg.py) and
# chromium with chromium-driver (tests/browser drive headquarters' pages in a real browser with selenium).
# Installs only what is missing and says so; silent when everything is there. Called by `make deps`.
set -euo pipefail

debs=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
      libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
      libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1 xvfb xauth poppler-utils libzbar0
      chromium chromium-driver)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "deps: not a Debian/Ubuntu system; install by hand: ${debs[*]} postgresql (the server)" >&2
  exit 0
fi
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Any installed server version will do (postgresql-15, -16, …, with or without the meta package).
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && ! command -v initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
