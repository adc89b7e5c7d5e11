#!/usr/bin/env bash
# Benchmark: the release build serving a generated directory of 20,000 units (plus the demo
# data), loaded by wrk on the same machine: GET /v1/units/{id} (random ids) and a search
# (q=vård, 20 results), the search both with the ranking cache (the default) and without it
# (SEARCH_CACHE=false: every request ranks all 20,000 units anew). Prints wrk's latency
# distribution for each.
#
#   scripts/bench.sh                      # 20000 units, 32 connections, 20 s each
#   UNITS=5000 CONNECTIONS=64 DURATION=10s scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

UNITS=${UNITS:-20000}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-20s}
THREADS=${THREADS:-2}
PORT=${PORT:-18080}

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)"
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null; else sudo apt-get install -y wrk >/dev/null; fi
fi

cargo build --release --locked --quiet
work=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

export DATABASE_URL="sqlite://$work/bench.db" RUST_LOG=warn
echo "generating $UNITS units ..."
./target/release/kontaktnav generate --units "$UNITS"
base="http://127.0.0.1:$PORT"
start_server() {
  [ -n "$server_pid" ] && kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
  BIND="127.0.0.1:$PORT" SEARCH_CACHE="$1" ./target/release/kontaktnav serve &
  server_pid=$!
  for _ in $(seq 100); do curl -fs "$base/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
}
start_server true
curl -fs "$base/healthz"; echo

# 1,000 real ids for random GETs.
python3 - "$base" "$work/ids.lua" <<'PY'
import json, sys, urllib.request
base, out = sys.argv[1], sys.argv[2]
ids, cursor = [], None
while len(ids) < 1000:
    url = f"{base}/v1/units?active=all&limit=100" + (f"&cursor={cursor}" if cursor else "")
    page = json.load(urllib.request.urlopen(url))
    ids += [u["id"] for u in page["items"]]
    cursor = page.get("next_cursor")
    if not cursor:
        break
with open(out, "w") as f:
    f.write("local ids = {" + ",".join(f'"{i}"' for i in ids) + "}\n")
    f.write('request = function() return wrk.format("GET", "/v1/units/" .. ids[math.random(#ids)]) end\n')
PY

search="/v1/units?q=v%C3%A5rd&limit=20"
curl -fs "$base$search" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("search q=vård:", d["total"], "matches,", len(d["items"]), "per page")'

echo; echo "== GET /v1/units/{id}  ($CONNECTIONS connections, $DURATION)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/ids.lua" "$base"
echo; echo "== GET $search  ($CONNECTIONS connections, $DURATION)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$base$search"

start_server false
echo; echo "== GET $search without the ranking cache  ($CONNECTIONS connections, $DURATION)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$base$search"
