#!/usr/bin/env bash
# Reads side by side with nginx, in one run on one machine: nginx (Debian's nginx-light,
# installed if missing) serves the JSON body of one unit as a static file, the ceiling for a
# small response here; kontaktnav serves a generated directory. wrk loads each with the same
# threads, connections and duration, in alternating rounds, and the script prints per endpoint
# the median req/s, p50 and p99 and the ratio to nginx's median:
#   by-id with the service's own token (HS256), by-id with an identity provider's RS256 token,
#   search q=vård&limit=20, call-now and lookup. Those three answer more bytes than one unit's
#   body (search ~20 units' worth): nginx also serves each one's bytes as a static file, and
#   the column "× same bytes" is the ratio to that, the ceiling for an answer of that size.
#
#   scripts/bench-nginx.sh                               # 20000 units, 32 connections, 10 s, 3 rounds
#   UNITS=5000 ROUNDS=5 DURATION=5s scripts/bench-nginx.sh
#   BIN=/path/to/another/kontaktnav scripts/bench-nginx.sh   # that build instead of this one
set -euo pipefail
cd "$(dirname "$0")/.."

UNITS=${UNITS:-20000}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-18180}
NGINX_PORT=$((PORT + 1))

install() { # Debian packages
  if [ "$(id -u)" = 0 ]; then apt-get install -y "$@" >/dev/null; else sudo apt-get install -y "$@" >/dev/null; fi
}
command -v wrk >/dev/null || { echo "installing wrk"; install wrk; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "installing nginx-light"; install nginx-light; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [ -z "${BIN:-}" ]; then
  cargo build --release --locked --quiet
  BIN=./target/release/kontaktnav
fi
work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# An identity provider of our own: an RSA key pair; kontaktnav trusts the public key.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/idp.pem" 2>/dev/null
openssl pkey -in "$work/idp.pem" -pubout -out "$work/idp-public.pem"
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
idp_token() { # an RS256 token for a reader, signed by the identity provider's key
  local now header payload signature
  now=$(date +%s)
  header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
  payload=$(printf '{"sub":"bench-idp","role":"reader","iss":"https://idp.example","aud":"kontaktnav-bench","iat":%d,"nbf":%d,"exp":%d}' \
    "$now" "$now" $((now + 7200)) | b64url)
  signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$work/idp.pem" -binary | b64url)
  printf '%s.%s.%s' "$header" "$payload" "$signature"
}

export DATABASE_URL="sqlite://$work/bench.db" AUTH_SECRET_FILE="$work/auth-secret" RUST_LOG=warn
export IDP_ISSUER=https://idp.example IDP_AUDIENCE=kontaktnav-bench IDP_KEYS="$work/idp-public.pem"
echo "generating $UNITS units ..."
"$BIN" generate --units "$UNITS" >/dev/null
base="http://127.0.0.1:$PORT"
BIND="127.0.0.1:$PORT" "$BIN" serve &
pids+=($!)
for _ in $(seq 300); do curl -fs "$base/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

own=$("$BIN" token --sub bench --role reader --ttl 2h)
idp=$(idp_token)
for t in "$own" "$idp"; do
  curl -fs -o /dev/null -H "Authorization: Bearer $t" "$base/v1/units?limit=1" || { echo "a token was refused"; exit 1; }
done

# 1,000 real ids for random GETs, and one unit's body for nginx.
python3 - "$base" "$work" "$own" <<'PY'
import json, sys, urllib.request
base, work, token = sys.argv[1], sys.argv[2], sys.argv[3]
get = lambda path: urllib.request.urlopen(urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})).read()
ids, cursor = [], None
while len(ids) < 1000:
    page = json.loads(get("/v1/units?active=all&limit=100" + (f"&cursor={cursor}" if cursor else "")))
    ids += [u["id"] for u in page["items"]]
    cursor = page.get("next_cursor")
    if not cursor:
        break
with open(f"{work}/ids.lua", "w") as f:
    f.write("local ids = {" + ",".join(f'"{i}"' for i in ids) + "}\n")
    f.write('request = function() return wrk.format("GET", "/v1/units/" .. ids[math.random(#ids)]) end\n')
with open(f"{work}/callnow.lua", "w") as f:
    f.write("local ids = {" + ",".join(f'"{i}"' for i in ids) + "}\n")
    f.write('request = function() return wrk.format("GET", "/v1/units/" .. ids[math.random(#ids)] .. "/call-now") end\n')
import os
os.makedirs(f"{work}/www", exist_ok=True)
body = get(f"/v1/units/{ids[0]}")
open(f"{work}/www/unit.json", "wb").write(body)
print(f"one unit's body: {len(body)} bytes")
# The bodies of the larger answers too: nginx serving the same bytes is the ceiling for each.
for name, path in (("search", "/v1/units?q=v%C3%A5rd&limit=20"), ("callnow", f"/v1/units/{ids[0]}/call-now"),
                   ("lookup", "/v1/lookup?q=sodra%20torget")):
    body = get(path)
    open(f"{work}/www/{name}.json", "wb").write(body)
    print(f"{name} body: {len(body)} bytes")
PY

# nginx's workers run as another user when started by root: they must be able to read the file.
chmod 755 "$work" "$work/www"; chmod 644 "$work"/www/*.json
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  default_type application/json;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $work/www;
    location /same/ { rewrite ^/same/(.*)\$ /\$1.json break; }
    location / { try_files /unit.json =404; }
  }
}
EOF
"$NGINX" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$NGINX_PORT/x" && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$NGINX_PORT/v1/units/x" | cmp -s - "$work/www/unit.json" \
  || { echo "nginx does not serve the unit's body"; cat "$work/nginx/error.log"; exit 1; }

# name | url | script | token
targets=(
  "nginx|http://127.0.0.1:$NGINX_PORT/v1/units/x||"
  "by-id, own HS256 token|$base|$work/ids.lua|$own"
  "by-id, IdP RS256 token|$base|$work/ids.lua|$idp"
  "search q=vård&limit=20|$base/v1/units?q=v%C3%A5rd&limit=20||$own"
  "call-now|$base|$work/callnow.lua|$own"
  "lookup q=sodra torget|$base/v1/lookup?q=sodra%20torget||$own"
  "nginx, search's bytes|http://127.0.0.1:$NGINX_PORT/same/search||"
  "nginx, call-now's bytes|http://127.0.0.1:$NGINX_PORT/same/callnow||"
  "nginx, lookup's bytes|http://127.0.0.1:$NGINX_PORT/same/lookup||"
)
for same in search callnow lookup; do
  curl -fs "http://127.0.0.1:$NGINX_PORT/same/$same" | cmp -s - "$work/www/$same.json" \
    || { echo "nginx does not serve the $same body"; cat "$work/nginx/error.log"; exit 1; }
done
: >"$work/results.txt"
for round in $(seq "$ROUNDS"); do
  for target in "${targets[@]}"; do
    IFS='|' read -r name url script token <<<"$target"
    args=(-t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency)
    [ -n "$script" ] && args+=(-s "$script")
    [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
    out=$(wrk "${args[@]}" "$url")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    echo "$name|$rps|$p50|$p99|${non2xx:-0}" >>"$work/results.txt"
  done
  echo "round $round of $ROUNDS done"
done

echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS alternating rounds, $UNITS units; median of the rounds"
python3 - "$work/results.txt" <<'PY'
import statistics, sys
rows = [line.rstrip("\n").split("|") for line in open(sys.argv[1])]
def ms(v):
    for unit, f in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if v.endswith(unit):
            return float(v[: -len(unit)]) * f
    return float(v)
names = list(dict.fromkeys(r[0] for r in rows))
nginx = statistics.median(float(r[1]) for r in rows if r[0] == "nginx")
# The answer nginx serves the same bytes of: the ceiling for an answer that size.
same = {"search q=vård&limit=20": "nginx, search's bytes", "call-now": "nginx, call-now's bytes",
        "lookup q=sodra torget": "nginx, lookup's bytes"}
median_rps = {n: statistics.median(float(r[1]) for r in rows if r[0] == n) for n in names}
print(f"{'what':26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'× nginx':>8} {'× same bytes':>12}  rounds (req/s)")
for name in names:
    mine = [r for r in rows if r[0] == name]
    rps = median_rps[name]
    p50 = statistics.median(ms(r[2]) for r in mine)
    p99 = statistics.median(ms(r[3]) for r in mine)
    bad = sum(int(r[4]) for r in mine)
    note = f"  {bad} non-2xx!" if bad else ""
    ceiling = f"{rps / median_rps[same[name]]:12.2f}" if name in same else " " * 12
    print(f"{name:26} {rps:9,.0f} {p50:8.2f} {p99:8.2f} {rps / nginx:8.2f} {ceiling}  {', '.join(f'{float(r[1]):,.0f}' for r in mine)}{note}")
if any(int(r[4]) for r in rows):
    sys.exit("some answers were not 2xx: the figures do not compare")
PY
