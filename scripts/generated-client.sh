#!/usr/bin/env bash
# Proves that the OpenAPI document is good enough for a GENERATED client: generates a Python
# client from openapi/openapi.json with openapi-python-client (pinned), starts the service
# (BINARY) on SQLite with the demo data, and has scripts/generated_client_check.py use only
# the generated API functions and models to list units, look a number up, ask call-now with
# purpose vag_in, and PATCH a unit with If-Match (200 and a new ETag, then 412 on the old one).
#
# Usage: scripts/generated-client.sh BINARY
#   VENV_DIR      reuse this virtualenv (default: a fresh one in a temp dir)
#   OPENAPI_FILE  the document to generate from (default: openapi/openapi.json)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 BINARY (the built kontaktnav executable)" >&2
  exit 2
fi
binary=$(realpath "$1")
openapi=${OPENAPI_FILE:-openapi/openapi.json}
work=$(mktemp -d /tmp/kontaktnav-client.XXXXXX)
venv=$(realpath -m "${VENV_DIR:-$work/venv}")   # absolute: the generator runs ruff from elsewhere
pid=

cleanup() {
  status=$?
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if [ "$status" != 0 ]; then echo "== service log"; cat "$work/service.log"; fi
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

echo "== openapi-python-client in $venv"
if [ ! -x "$venv/bin/python" ]; then
  # Debian's python3 needs python3-venv for this; install it where we may.
  if ! python3 -m venv "$venv" 2>/dev/null; then
    [ "$(id -u)" = 0 ] || { echo "python3 -m venv failed: install python3-venv" >&2; exit 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    rm -rf "$venv" && python3 -m venv "$venv"
  fi
fi
"$venv/bin/pip" install -q --disable-pip-version-check \
  openapi-python-client==0.29.1 pydantic==2.14.4 attrs==26.1.0 httpx==0.28.1 ruff==0.17.6 typer==0.27.3
export PATH="$venv/bin:$PATH"   # the generator formats its output with the venv's ruff

echo "== generate the client from $openapi"
if ! openapi-python-client generate --path "$openapi" --output-path "$work/client" >"$work/generate.log" 2>&1; then
  cat "$work/generate.log"; echo "the generator failed" >&2; exit 1
fi
cat "$work/generate.log"
# Warnings about what the check uses (an endpoint left out, a schema that did not parse) fail
# here; others (e.g. the text/csv uploads, which it cannot generate) are only printed above.
needed='WARNING parsing (GET /v1/units|GET /v1/lookup|GET /v1/units/\{id\}|GET /v1/units/\{id\}/call-now|PATCH /v1/units/\{id\})[ .]'
needed+='|schema (/components/schemas/)?(UnitPage|UnitSummary|UnitRef|UnitDetail|LookupResponse|LookupResult|CallNowView|CallPathStep|NumberView|UnitChangesBody|Purpose|Problem)\b'
if grep -E "$needed" "$work/generate.log"; then
  echo "the generator skipped something the check needs (above)" >&2
  exit 1
fi
pip install -q --disable-pip-version-check "$work/client"

echo "== start $binary"
export DATABASE_URL="sqlite://$work/k.db" DEMO_DATA=true
AUTH_SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
export AUTH_SECRET
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$binary" serve --bind "127.0.0.1:$port" >"$work/service.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
healthy() {
  python3 -c 'import sys, urllib.request; sys.exit(urllib.request.urlopen(sys.argv[1], timeout=1).status != 200)' \
    "$base/healthz" 2>/dev/null
}
for _ in $(seq 60); do
  kill -0 "$pid" 2>/dev/null || { echo "the service exited" >&2; exit 1; }
  healthy && break
  sleep 0.5
done
healthy || { echo "no 200 from $base/healthz within 30 s" >&2; exit 1; }
token=$("$binary" token --sub client-admin --role admin --ttl 1h)

echo "== the generated client against $base"
python scripts/generated_client_check.py "$base" "$token"
