#!/usr/bin/env bash
# Validates compose files offline with Debian's docker-compose (`config -q`: syntax, schema,
# interpolation; no Docker engine needed). A variable a file requires (`${NAME:?…}` or
# `${NAME?…}`) gets a placeholder when it is unset, so the check is about the file, not
# about the secrets of the machine running it. Usage: scripts/check-compose.sh FILE...
set -uo pipefail
command -v docker-compose >/dev/null || { echo "docker-compose is not installed (apt-get install docker-compose)" >&2; exit 2; }
(($#)) || { echo "usage: $0 FILE..." >&2; exit 2; }
status=0
for file in "$@"; do
  placeholders=()
  # `$${` is an escaped dollar for the container's shell, not a compose variable.
  for name in $(grep -oE '(^|[^$])\$\{[A-Za-z_][A-Za-z0-9_]*:?\?' "$file" | grep -oE '[A-Za-z_][A-Za-z0-9_]*' | sort -u); do
    [ -n "${!name:-}" ] || placeholders+=("$name=placeholder-for-config-check")
  done
  if output=$(env "${placeholders[@]}" docker-compose -f "$file" config -q 2>&1); then
    echo "compose file ok: $file"
  else
    printf 'compose file INVALID: %s\n%s\n' "$file" "$output" >&2
    status=1
  fi
done
exit "$status"
