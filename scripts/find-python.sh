#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 runs on 3.8-3.10 only;
# this project is pinned and tested on 3.10). Looks on PATH, then among pyenv's
# installed versions. Exits 1 with a message saying what to install otherwise.
set -euo pipefail
is_310() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; }
for candidate in "${PYTHON:-}" python3.10; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null || true)
  if [ -n "$path" ] && is_310 "$path"; then echo "$path"; exit 0; fi
done
for root in "${PYENV_ROOT:-}" "$HOME/.pyenv"; do
  [ -n "$root" ] && [ -d "$root/versions" ] || continue
  for path in $(ls -d "$root"/versions/3.10*/bin/python3.10 2>/dev/null | sort -rV); do
    if is_310 "$path"; then echo "$path"; exit 0; fi
  done
done
cat >&2 <<'MSG'
error: no Python 3.10 interpreter found.
Rasa 3.6 runs on Python 3.8-3.10 only, and this project is pinned on 3.10.
Install one, for example `pyenv install 3.10` or your distribution's python3.10
package (with venv support), or point PYTHON=/path/to/python3.10 at it.
MSG
exit 1
