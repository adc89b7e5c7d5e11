#!/usr/bin/env bash
# Property-based contract testing: schemathesis runs every operation of the OpenAPI document
# the service serves against the running service, with all its checks, once with an admin's
# token and once with a reader's, and fails on any failure.
#
#   scripts/contract.sh BINARY [DATABASE_URL]
#
# DATABASE_URL: a PostgreSQL server URL (a fresh database is created on it for the run); without
# one, a fresh SQLite file. schemathesis is installed into a virtualenv ($VENV_DIR, default
# target/contract-venv). Settings and the reasons for each one: scripts/schemathesis.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:?the kontaktnav binary}")
server_url=${2:-}
venv=$(realpath -m "${VENV_DIR:-target/contract-venv}")
schemathesis_version=4.32.5

if [ ! -x "$venv/bin/schemathesis" ] || ! "$venv/bin/schemathesis" --version | grep -q "$schemathesis_version"; then
  # Debian's python3 needs python3-venv for this; install it where we may.
  if ! python3 -m venv "$venv" 2>/dev/null; then
    [ "$(id -u)" = 0 ] || { echo "python3 -m venv failed: install python3-venv" >&2; exit 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    rm -rf "$venv" && python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

work=$(mktemp -d /tmp/kontaktnav-contract.XXXXXX)
pid=
db=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -n "$db" ]; then psql -q "$server_url" -c "drop database if exists $db" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "$server_url" ]; then
  db="contract_$(date +%s)_$$"
  psql -q "$server_url" -c "create database $db" >/dev/null
  # The same server and options, the new database: postgres://user@host:port/DB?options
  DATABASE_URL=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$server_url" "$db")
  export DATABASE_URL
  backend=PostgreSQL
else
  export DATABASE_URL="sqlite://$work/kontaktnav.db"
  backend=SQLite
fi
export AUTH_SECRET="contract-test-secret-$(date +%s%N)-long-enough"
export DEMO_DATA=true RUST_LOG=warn
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --bind "127.0.0.1:$port" >"$work/service.log" 2>&1 &
pid=$!
ready() {
  python3 -c 'import sys, urllib.request; sys.exit(urllib.request.urlopen(sys.argv[1], timeout=1).status != 200)' \
    "http://127.0.0.1:$port/readyz" 2>/dev/null
}
for _ in $(seq 1 300); do
  ready && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/service.log"; exit 1; }
  sleep 0.1
done

failed=0
for role in admin reader; do
  token=$("$bin" token --sub "contract-$role" --role "$role" --ttl 2h)
  echo "== schemathesis on $backend as $role"
  if ! "$venv/bin/schemathesis" --config-file scripts/schemathesis.toml run \
      "http://127.0.0.1:$port/api-docs/openapi.json" \
      -H "Authorization: Bearer $token" \
      --seed "${CONTRACT_SEED:-20261125}" >"$work/$role.txt" 2>&1; then
    failed=1
    cat "$work/$role.txt"
  else
    # The summary: operations, phases, test cases, the final line.
    sed -n '/= SUMMARY =/,$p' "$work/$role.txt"
  fi
done
if grep -q 'panicked\|unexpected error' "$work/service.log"; then
  echo "== the service logged a panic or an unexpected error"; grep -B2 -A5 'panicked\|unexpected error' "$work/service.log" | head -50
  failed=1
fi
exit $failed
