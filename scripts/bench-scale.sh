#!/usr/bin/env bash
# How kontaktnav's cost grows with the directory: for each size, a generated directory in a
# fresh SQLite database, then
#   - time from start to ready, resident memory after start;
#   - WRITES sequential PATCHes, each of another unit (100 in turn), every fourth a new name:
#     p50, p99, max;
#   - writes/s with 8 concurrent writers (each its own unit, If-Match, for WRITERS_FOR seconds);
#   - resident memory after the writes;
#   - search p99 (wrk, 32 connections) for q=vård (very common) and a specific two-word query,
#     with the ranking cache and (the service started again with SEARCH_CACHE=false) without;
#     uncached also at one connection (p50, p99: the cost of one search, with no queue).
#
#   scripts/bench-scale.sh                            # 1k, 100k and 1M units, 1,000 writes each
#   SIZES="1000 100000" WRITES=30 scripts/bench-scale.sh
#   BIN=/path/to/kontaktnav scripts/bench-scale.sh    # another build
#   WORK=/tmp/scale scripts/bench-scale.sh            # keep the databases, and use them again
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"1000 100000 1000000"}
WRITES=${WRITES:-1000}
WRITERS_FOR=${WRITERS_FOR:-10}
DURATION=${DURATION:-10s}
PORT=${PORT:-18280}

command -v wrk >/dev/null || {
  echo "installing wrk"
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null; else sudo apt-get install -y wrk >/dev/null; fi
}
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked --quiet
  BIN=./target/release/kontaktnav
fi
# WORK=dir keeps the generated databases there and uses them again on the next run (a million
# units take minutes to generate); a run changes them (the writes), which does not change the
# figures.
work=${WORK:-$(mktemp -d)}
keep=${WORK:+yes}
mkdir -p "$work"
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; [ -n "$keep" ] || rm -rf "$work"; }
trap cleanup EXIT
base="http://127.0.0.1:$PORT"
rss() { awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$1/status"; }

for units in $SIZES; do
  echo
  echo "== $units units"
  export DATABASE_URL="sqlite://$work/scale-$units.db" AUTH_SECRET_FILE="$work/secret" RUST_LOG=warn
  if [ -f "$work/scale-$units.db" ]; then
    echo "using the database generated before in $work"
  else
    start=$(date +%s.%N)
    "$BIN" generate --units "$units" >/dev/null
    echo "generated in $(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)") s"
  fi
  start=$(date +%s.%N)
  BIND="127.0.0.1:$PORT" "$BIN" serve &
  server_pid=$!
  until curl -fs "$base/readyz" >/dev/null 2>&1; do sleep 0.05; done
  echo "ready after $(printf '%.2f' "$(echo "$(date +%s.%N) - $start" | bc)") s; resident $(rss "$server_pid")"
  admin=$("$BIN" token --sub bench-admin --role admin --ttl 2h)
  reader=$("$BIN" token --sub bench --role reader --ttl 2h)
  python3 - "$base" "$admin" "$WRITES" "$WRITERS_FOR" <<'PY'
import json, statistics, sys, threading, time, urllib.request
base, token, writes, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
def call(method, path, body=None, etag=None):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if etag:
        headers["If-Match"] = etag
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(base + path, data=data, headers=headers, method=method)) as res:
        return res.headers.get("ETag"), res.read()
_, page = call("GET", "/v1/units?active=all&limit=100")
ids = [u["id"] for u in json.loads(page)["items"]]
etags = {}
times = []
# Each write to another unit (100 in turn), every fourth a new name: the search index changes.
for i in range(writes):
    unit = ids[9 + i % (len(ids) - 9)]
    if unit not in etags:
        etags[unit], _ = call("GET", f"/v1/units/{unit}")
    body = {"name": f"Mätenhet {i} Norr"} if i % 4 == 0 else {"note": f"mätning {i}"}
    start = time.perf_counter()
    etags[unit], _ = call("PATCH", f"/v1/units/{unit}", body, etags[unit])
    times.append((time.perf_counter() - start) * 1000)
times.sort()
p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
print(f"{writes} sequential PATCHes: p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, max {times[-1]:.1f} ms")
done, failed = [0], [0]
lock = threading.Lock()
def writer(unit):
    etag, _ = call("GET", f"/v1/units/{unit}")
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        try:
            etag, _ = call("PATCH", f"/v1/units/{unit}", {"note": f"skribent {n}"}, etag)
            n += 1
        except Exception:
            with lock:
                failed[0] += 1
            etag, _ = call("GET", f"/v1/units/{unit}")
    with lock:
        done[0] += n
threads = [threading.Thread(target=writer, args=(u,)) for u in ids[1:9]]
start = time.perf_counter()
for t in threads: t.start()
for t in threads: t.join()
print(f"8 concurrent writers for {seconds:.0f} s: {done[0] / (time.perf_counter() - start):.1f} accepted writes/s ({failed[0]} refused)")
PY
  echo "resident after the writes: $(rss "$server_pid"); $(curl -fs "$base/healthz" | python3 -c 'import json,sys; print("full reloads after start:", json.load(sys.stdin)["full_reloads"])')"
  for q in "v%C3%A5rd" "s%C3%B6dra%20torget"; do
    p99=$(wrk -t2 -c32 -d"$DURATION" --latency -H "Authorization: Bearer $reader" "$base/v1/units?q=$q&limit=20" | awk '$1 == "99%" {print $2}')
    echo "search q=$q: p99 $p99"
  done
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
  # Again without the ranking cache: every search ranks the whole directory.
  SEARCH_CACHE=false BIND="127.0.0.1:$PORT" "$BIN" serve &
  server_pid=$!
  until curl -fs "$base/readyz" >/dev/null 2>&1; do sleep 0.05; done
  for q in "v%C3%A5rd" "s%C3%B6dra%20torget"; do
    p99=$(wrk -t2 -c32 -d"$DURATION" --latency -H "Authorization: Bearer $reader" "$base/v1/units?q=$q&limit=20" | awk '$1 == "99%" {print $2}')
    # One connection: what one search costs, without the queue 32 connections on two cores
    # make (at 32, p99 is mostly waiting behind the others). First a pause: when wrk stops,
    # the service still works through the requests the 32 connections left queued (~150 ms
    # at a million units), and the first searches of the next run would wait behind them.
    sleep 2
    one=$(wrk -t1 -c1 -d"$DURATION" --latency -H "Authorization: Bearer $reader" "$base/v1/units?q=$q&limit=20" | awk '$1 == "50%" {p50 = $2} $1 == "99%" {print "p50 " p50 ", p99 " $2}')
    echo "search q=$q, uncached: p99 $p99 at 32 connections; $one at one connection"
  done
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
done
