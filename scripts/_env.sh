# Shared by scripts/run and scripts/test: a virtual environment with the
# requirements of the given tier installed (reinstalled when the file changes).
# Usage: . scripts/_env.sh base|dev
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
tier="${1:-base}"
PYTHON_BIN="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x .venv/bin/python ]; then
  echo "==> Creating the virtual environment in .venv"
  "$PYTHON_BIN" -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip
fi
stamp=".venv/.installed-$tier"
want="$(cat requirements/*.txt | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> Installing requirements/$tier.txt"
  .venv/bin/pip install --quiet --disable-pip-version-check -r "requirements/$tier.txt"
  echo "$want" > "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
