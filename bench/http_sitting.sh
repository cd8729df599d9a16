#!/usr/bin/env bash
# The HTTP server's quoted figures, in one sitting, as JSON lines on standard output:
#   1. in-process search p50 per mode (vajra bench hybrid) on the first 50,000 Wikipedia passages;
#   2. HTTP search p50/p99/QPS per mode at 1, 8 and 32 clients against the same collection served
#      in-process on loopback (with the in-process p50 and the per-request HTTP overhead), then
#      against a separate `vajra serve` process (with its peak RSS);
#   3. a soak: mixed searches and upserts against `vajra serve` for $MINUTES minutes (server RSS
#      at start and end, errors), a SIGKILL of the server while upserts are in flight, a restart,
#      and a check that every acknowledged upsert is present.
# Usage: bench/http_sitting.sh  (env: SHARED, OUT, MINUTES, DURATION, CONCURRENCY, N, PORT)
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-${VAJRA_SHARED:-../shared}}
OUT=${OUT:-out/http-sitting}
MINUTES=${MINUTES:-10}
DURATION=${DURATION:-20}
CONCURRENCY=${CONCURRENCY:-1,8,32}
N=${N:-50000}
PORT=${PORT:-7781}
WIKI=$SHARED/data/wikipedia
QUERIES=$WIKI/queries.jsonl
URL=http://127.0.0.1:$PORT

mkdir -p "$OUT"
go build -o "$OUT/vajra" ./cmd/vajra
V=$OUT/vajra
CORPUS=$OUT/wiki-$N.jsonl
if [ ! -s "$CORPUS" ]; then
	(gzip -dc "$WIKI/passages.jsonl.gz" || true) | head -n "$N" > "$CORPUS.tmp" # gzip stops on SIGPIPE
	[ "$(wc -l < "$CORPUS.tmp")" -eq "$N" ] || { echo "$WIKI/passages.jsonl.gz has fewer than $N passages" >&2; exit 1; }
	mv "$CORPUS.tmp" "$CORPUS"
fi
log() { echo "== $*" >&2; }

server_pid=""
stop_server() {
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid"
		wait "$server_pid" || true
	fi
	server_pid=""
}
trap stop_server EXIT
start_server() { # data dir, log file
	"$V" serve --data "$1" --builtin=false --addr "127.0.0.1:$PORT" --log json >/dev/null 2>"$2" &
	server_pid=$!
	for _ in $(seq 600); do
		if curl -fs "$URL/readyz" >/dev/null 2>&1; then return 0; fi
		sleep 0.5
	done
	echo "server did not become ready" >&2
	exit 1
}
peak_rss_mb() { awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }

log "1. in-process search (vajra bench hybrid), $N passages, hash embedder"
"$V" bench hybrid -c "$CORPUS" --queries "$QUERIES" --embedder hash --json

log "2a. HTTP against the collection served in-process (overhead = HTTP p50 at 1 client - in-process p50)"
"$V" bench http -c "$CORPUS" --queries "$QUERIES" --embedder hash --concurrency "$CONCURRENCY" --duration "$DURATION" --json

log "2b. HTTP against a separate vajra serve process"
rm -rf "$OUT/data"
mkdir -p "$OUT/data"
"$V" index -c "$CORPUS" -o "$OUT/data/wiki" --embedder hash >&2
start_server "$OUT/data" "$OUT/serve.log"
"$V" bench http --url "$URL" --collection wiki --queries "$QUERIES" --concurrency "$CONCURRENCY" --duration "$DURATION" --json
echo "{\"bench\":\"http-server\",\"dataset\":\"wiki-$N\",\"peak_rss_mb\":$(peak_rss_mb "$server_pid")}"
stop_server

log "3. soak: $MINUTES minutes of searches and upserts, SIGKILL, restart, verify"
rm -rf "$OUT/soak-data" "$OUT/soak-acked.txt"
mkdir -p "$OUT/soak-data"
start_server "$OUT/soak-data" "$OUT/soak-serve.log"
killed_pid=$server_pid
"$V" bench soak --url "$URL" --collection soak --seed "$CORPUS" --queries "$QUERIES" --minutes "$MINUTES" \
	--kill-pid "$killed_pid" --acked "$OUT/soak-acked.txt" --json
wait "$killed_pid" 2>/dev/null || true
server_pid=""
start_server "$OUT/soak-data" "$OUT/soak-restart.log"
"$V" bench soak --url "$URL" --collection soak --verify "$OUT/soak-acked.txt" --json
stop_server
log "done: logs and data in $OUT"
