#!/usr/bin/env bash
# Set up everything reportgen needs on a Debian/Ubuntu machine, idempotently:
#   1. system packages (only the missing ones; `apt-get update` once, only if something is missing)
#   2. a virtual environment in .venv with reportgen installed (editable) and its test tools
# With --test, also what only the tests need: Chromium for the live preview's browser tests.
# Re-running is quick: nothing is installed twice.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pango for WeasyPrint's layout, HarfBuzz subsetting for fast font embedding,
# poppler-utils (pdftoppm, pdffonts) and qpdf for reading PDFs back in tests.
SYSTEM_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig poppler-utils qpdf)
# Debian's Chromium (/usr/bin/chromium), driven by Playwright in tests/browser (no browser download);
# LibreOffice Writer (soffice, headless) opens every Word edition in tests/e2e/test_word_libreoffice.py.
if [ "${1:-}" = "--test" ]; then SYSTEM_PACKAGES+=(chromium libreoffice-writer-nogui); fi

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
# Reinstall only when the project's metadata changed since the last install.
stamp=.venv/.reportgen-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing reportgen and its test tools into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test]"
  touch "$stamp"
fi
