#!/usr/bin/env bash
# A throw-away PostgreSQL for the tests: Debian's server (installed if missing), a fresh data
# directory, 127.0.0.1 on a free port, run by a non-root user.
#
#   eval "$(scripts/postgres.sh start /tmp/kn-pg)"   # prints the exports below, then:
#   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:PORT/postgres
#   TEST_PG_STOP / TEST_PG_START   shell commands that stop and start that server again
#   scripts/postgres.sh stop /tmp/kn-pg
set -euo pipefail
action=${1:?start or stop}
dir=${2:?a directory for the throw-away cluster}
user=kontaktnav-pg

# The newest server's programs (the client package alone has a bin/ without initdb).
bindir() {
  local initdb
  initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$initdb" ]; then dirname "$initdb"; fi
}

as_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    bin=$(bindir)
    if [ -z "$bin" ]; then
      echo "installing PostgreSQL (Debian package)" >&2
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
      bin=$(bindir)
    fi
    if [ "$(id -u)" = 0 ] && ! id "$user" >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
    fi
    if [ -f "$dir/data/postmaster.pid" ]; then as_user "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true; fi
    rm -rf "$dir" && mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown "$user" "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if ! as_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1; then
      cat "$dir/initdb.log" >&2
      exit 1
    fi
    # Durability off: the cluster lives for one test run.
    opts="-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    start="$(declare -f as_user); user=$user; as_user $bin/pg_ctl -D $dir/data -l $dir/server.log -o '$opts' -w -t 60 start"
    stop="$(declare -f as_user); user=$user; as_user $bin/pg_ctl -D $dir/data -m fast -w stop"
    if ! bash -c "$start" >&2; then
      cat "$dir/server.log" >&2 || true
      exit 1
    fi
    echo "export TEST_DATABASE_URL='postgres://postgres@127.0.0.1:$port/postgres'"
    printf 'export TEST_PG_START=%q\n' "$start"
    printf 'export TEST_PG_STOP=%q\n' "$stop"
    ;;
  stop)
    bin=$(bindir)
    if [ -f "$dir/data/postmaster.pid" ]; then as_user "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true; fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
