# Shared by scripts/run and scripts/test: a virtual environment with the lock
# file of the given tier installed (requirements/<tier>.lock.txt, every pin
# with its hashes: pip refuses anything else), reinstalled when the lock
# changes. The ranges are in requirements/<tier>.txt; scripts/lock compiles them.
# Usage: . scripts/_env.sh base|dev
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
tier="${1:-base}"
lock="requirements/$tier.lock.txt"
PYTHON_BIN="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x .venv/bin/python ]; then
  echo "==> Creating the virtual environment in .venv"
  "$PYTHON_BIN" -m venv .venv
fi
stamp=".venv/.installed-$tier"
want="$(sha256sum "$lock" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> Installing $lock"
  .venv/bin/pip install --quiet --disable-pip-version-check --require-hashes -r "$lock"
  echo "$want" > "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
