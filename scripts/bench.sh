#!/usr/bin/env bash
# Benchmark: the release build serving a generated directory of 20,000 units (plus the demo
# data), loaded by wrk on the same machine: GET /v1/units/{id} (random ids) and a search
# (q=vård, 20 results), the search both with the ranking cache (the default) and without it
# (SEARCH_CACHE=false: every request ranks all 20,000 units anew). Prints wrk's latency
# distribution for each.
#
#   scripts/bench.sh                      # 20000 units, 32 connections, 20 s each
#   UNITS=5000 CONNECTIONS=64 DURATION=10s scripts/bench.sh
#   BASELINE=/path/to/older/kontaktnav scripts/bench.sh
#
# With BASELINE (another build of kontaktnav, e.g. the last release), the searches are also
# measured side by side: each binary on its own generated directory of the same size, in
# ROUNDS (default 3) alternating rounds in the same run, and the median requests per second
# of each with the ratio current / baseline.
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

export DATABASE_URL="sqlite://$work/bench.db" AUTH_SECRET_FILE="$work/auth-secret" RUST_LOG=warn
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
# Every read carries a reader's token, as real clients do: its verification is measured too.
token=$(./target/release/kontaktnav token --sub bench --role reader --ttl 1h)
auth="Authorization: Bearer $token"

# 1,000 real ids for random GETs.
python3 - "$base" "$work/ids.lua" "$token" <<'PY'
import json, sys, urllib.request
base, out, token = sys.argv[1], sys.argv[2], sys.argv[3]
ids, cursor = [], None
while len(ids) < 1000:
    url = f"{base}/v1/units?active=all&limit=100" + (f"&cursor={cursor}" if cursor else "")
    page = json.load(urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})))
    ids += [u["id"] for u in page["items"]]
    cursor = page.get("next_cursor")
    if not cursor:
        break
with open(out, "w") as f:
    f.write("local ids = {" + ",".join(f'"{i}"' for i in ids) + "}\n")
    f.write('request = function() return wrk.format("GET", "/v1/units/" .. ids[math.random(#ids)]) end\n')
PY

search="/v1/units?q=v%C3%A5rd&limit=20"
curl -fs -H "$auth" "$base$search" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("search q=vård:", d["total"], "matches,", len(d["items"]), "per page")'

echo; echo "== GET /v1/units/{id}  ($CONNECTIONS connections, $DURATION)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "$auth" -s "$work/ids.lua" "$base"
echo; echo "== GET $search  ($CONNECTIONS connections, $DURATION)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "$auth" "$base$search"

start_server false
echo; echo "== GET $search without the ranking cache  ($CONNECTIONS connections, $DURATION)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "$auth" "$base$search"

if [ -n "${BASELINE:-}" ]; then
  baseline=$(realpath "$BASELINE")
  rounds=${ROUNDS:-3}
  echo; echo "== side by side with $baseline ($rounds rounds of $DURATION each)"
  mkdir -p "$work/baseline"
  DATABASE_URL="sqlite://$work/baseline/bench.db" "$baseline" generate --units "$UNITS" >/dev/null
  pids=()
  serve() { # binary, database, port, cache
    DATABASE_URL="$2" BIND="127.0.0.1:$3" SEARCH_CACHE="$4" "$1" serve >/dev/null 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$3/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  }
  serve "$baseline" "sqlite://$work/baseline/bench.db" $((PORT + 1)) true
  serve "$baseline" "sqlite://$work/baseline/bench.db" $((PORT + 2)) false
  serve ./target/release/kontaktnav "sqlite://$work/bench.db" $((PORT + 3)) true
  serve ./target/release/kontaktnav "sqlite://$work/bench.db" $((PORT + 4)) false
  rps() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -H "$auth" "$1" | awk '/Requests\/sec/ {print $2}'; }
  : >"$work/side.txt"
  for round in $(seq "$rounds"); do
    for pair in "cached baseline $((PORT + 1))" "cached current $((PORT + 3))" "uncached baseline $((PORT + 2))" "uncached current $((PORT + 4))"; do
      set -- $pair
      echo "$1 $2 $(rps "http://127.0.0.1:$3$search")" >>"$work/side.txt"
    done
    echo "round $round done"
  done
  kill "${pids[@]}" 2>/dev/null || true
  python3 - "$work/side.txt" "$search" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
med = {}
for mode in ("cached", "uncached"):
    for who in ("baseline", "current"):
        values = [float(r[2]) for r in rows if r[0] == mode and r[1] == who]
        med[mode, who] = statistics.median(values)
        print(f"{mode:8} {who:8} req/s: {', '.join(f'{v:,.0f}' for v in values)}  median {med[mode, who]:,.0f}")
    print(f"{mode:8} current / baseline: {med[mode, 'current'] / med[mode, 'baseline']:.3f}  ({sys.argv[2]})")
PY
fi

# Writes: each commits, appends its audit event and swaps in a fresh snapshot of the whole
# directory before it answers, so their cost grows with the directory. 30 sequential PATCHes.
admin=$(./target/release/kontaktnav token --sub bench-admin --role admin --ttl 1h)
echo; echo "== 30 x PATCH /v1/units/{id} (sequential, one client)"
python3 - "$base" "$admin" "$work/ids.lua" <<'PY'
import json, re, sys, time, urllib.request
base, token, ids_file = sys.argv[1], sys.argv[2], sys.argv[3]
unit = re.search(r'"([0-9a-f-]{36})"', open(ids_file).read()).group(1)
def call(method, path, body=None, etag=None):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if etag:
        headers["If-Match"] = etag
    req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body else None, headers=headers, method=method)
    with urllib.request.urlopen(req) as res:
        return res.headers.get("ETag")
etag = call("GET", f"/v1/units/{unit}")
times = []
for i in range(30):
    start = time.perf_counter()
    etag = call("PATCH", f"/v1/units/{unit}", {"note": f"mätning {i}"}, etag)
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(f"write latency: p50 {times[len(times)//2]:.1f} ms, max {times[-1]:.1f} ms")
PY
