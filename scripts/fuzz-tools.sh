#!/usr/bin/env bash
# Installs the fuzz tier's tool, schemathesis from PyPI, into a virtual environment of its own
# (~/.cache/bounded-fuzz/venv) when it is missing or not the pinned version. Idempotent.
set -euo pipefail
VERSION=4.32.5
VENV=$HOME/.cache/bounded-fuzz/venv # packages/runner/src/fuzz.ts looks for it there
if [ -x "$VENV/bin/schemathesis" ] && "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$VERSION"; then
  exit 0
fi
echo "scripts/fuzz-tools.sh: installing schemathesis $VERSION into $VENV" >&2
mkdir -p "$(dirname "$VENV")"
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION"
"$VENV/bin/schemathesis" --version >&2
