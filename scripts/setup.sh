#!/usr/bin/env bash
# Installs what Safe Future needs, idempotently: Debian packages (as root, or through sudo) and a Python
# virtual environment in .venv with the project's packages. Sourced by scripts/run and scripts/test.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Debian packages: Python venv, the PDF engines' needs and fonts, the browser for the browser tests,
# PostgreSQL for the PostgreSQL store, poppler for PDF checks; Caddy, certutil and ip for the two-host tests,
# systemd for `systemd-analyze verify` of the production units; WebKitGTK's WebDriver and Xvfb for the Safari engine.
APT_PACKAGES=(python3 python3-venv python3-dev wkhtmltopdf libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core
  fonts-dejavu-core poppler-utils chromium postgresql caddy libnss3-tools iproute2 systemd webkit2gtk-driver xvfb)
# A package this release does not have (wkhtmltopdf on Debian 13) is left out at once when the package lists
# are there to say so, so that later runs do not update the lists again looking for it.
no_candidate() {
  compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null || return 1  # no lists yet: we cannot tell
  [ "$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')" = "(none)" ] ||
    [ -z "$(apt-cache policy "$1" 2>/dev/null)" ]
}
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" && continue
  if no_candidate "$p"; then echo "Not available in this Debian release, left out: $p"; else missing+=("$p"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  # wkhtmltopdf is gone from Debian 13: install the rest and let the PDF adapter use WeasyPrint there.
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null; then
    available=()
    for p in "${missing[@]}"; do
      candidate="$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')"
      if [ -n "$candidate" ] && [ "$candidate" != "(none)" ]; then available+=("$p"); else echo "Not available here: $p"; fi
    done
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${available[@]}" >/dev/null
  fi
fi

# Python packages in .venv, reinstalled only when pyproject.toml changed. The virtual environment is made from
# Debian's own Python (installed above) rather than whichever python3 comes first on the PATH: Debian builds it
# with profile-guided optimisation, and WeasyPrint renders about 15 % faster on it than on a Python built
# without (pyenv's default build, for one). A .venv made from another Python is made anew.
if [ -z "${PYTHON:-}" ]; then
  PYTHON=python3; [ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
fi
python_path="$(readlink -f "$(command -v "$PYTHON")")"
if [ -x .venv/bin/python ] && [ "$(cat .venv/.python 2>/dev/null)" != "$python_path" ]; then
  echo "Making .venv anew from $python_path"
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
  echo "$python_path" > .venv/.python
fi
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test]"
  rm -f .venv/.installed-*; touch "$stamp"
fi
