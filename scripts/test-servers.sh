#!/usr/bin/env bash
# Sourced by scripts/test.sh: starts the throwaway servers the tests use, on loopback, and
# stops them when the shell exits. Nothing here is needed to run Lightbox itself.
#   PostgreSQL: a new cluster (initdb) in a temporary folder, trust auth, fsync off.
#   S3: moto's server mode (PyPI `moto[server]`), an in-memory S3-compatible endpoint.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

LIGHTBOX_TEST_SCRATCH=$(mktemp -d /tmp/lightbox-servers.XXXXXX)
chmod 755 "$LIGHTBOX_TEST_SCRATCH"
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_DATA="$LIGHTBOX_TEST_SCRATCH/pg"
PG_PORT=$(free_port)

# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$PG_DATA"
[ "$(id -u)" -eq 0 ] && chown postgres "$PG_DATA"
as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust --no-sync >/dev/null
PG_OPTIONS="-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA -c fsync=off -c max_connections=300"
# The server inherits pg_ctl's descriptors: keep them off the caller's pipes, or a reader
# waiting for end-of-file waits for the server to exit.
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -o "$PG_OPTIONS" -l "$PG_DATA/server.log" -w start \
    </dev/null >/dev/null 2>>"$LIGHTBOX_TEST_SCRATCH/pg_ctl.log"
# The chaos test restarts the server mid-run through this script.
cat > "$LIGHTBOX_TEST_SCRATCH/restart-postgres" <<SCRIPT
#!/usr/bin/env bash
$(declare -f as_postgres)
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -o "$PG_OPTIONS" -l "$PG_DATA/server.log" -m fast -w restart \
    </dev/null >/dev/null 2>>"$LIGHTBOX_TEST_SCRATCH/pg_ctl.log" || { cat "$LIGHTBOX_TEST_SCRATCH/pg_ctl.log" >&2; exit 1; }
SCRIPT
chmod +x "$LIGHTBOX_TEST_SCRATCH/restart-postgres"

S3_PORT=$(free_port)
python3 -m moto.server -H 127.0.0.1 -p "$S3_PORT" >"$LIGHTBOX_TEST_SCRATCH/moto.log" 2>&1 &
S3_PID=$!
for _ in $(seq 1 100); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$S3_PORT/')" 2>/dev/null && break
    sleep 0.1
done

stop_test_servers() {
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
    kill "$S3_PID" 2>/dev/null || true
    rm -rf "$LIGHTBOX_TEST_SCRATCH"
}
trap stop_test_servers EXIT

export LIGHTBOX_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
export LIGHTBOX_TEST_POSTGRES_RESTART="$LIGHTBOX_TEST_SCRATCH/restart-postgres"
export LIGHTBOX_TEST_S3="http://127.0.0.1:$S3_PORT"
echo "test servers: PostgreSQL on 127.0.0.1:$PG_PORT, S3 (moto) on 127.0.0.1:$S3_PORT"
