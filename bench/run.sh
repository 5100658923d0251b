#!/usr/bin/env bash
# `make bench [SCALE=small|tiny]`: make sure PostgreSQL, Redis and wrk are there
# (as .ci/run does for the services), then run bench.run, which generates the
# bench database if needed, serves the app, loads it and writes bench/results.json
# (bench/results-tiny.json for the tiny scale).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:-full}"

log() { printf '== %s\n' "$*" >&2; }

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  log "Starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
fi
for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
pg_isready -h 127.0.0.1 -p 5432 -q

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  log "Starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null

# The tiny scale (CI's pass) needs nothing more: without wrk it loads the
# pages with a Python loop (bench/pyload.py).
if [ "$SCALE" != tiny ] && ! command -v wrk >/dev/null 2>&1; then
  log "Installing wrk"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi

exec .venv/bin/python -m bench.run --scale "$SCALE" ${BENCH_ARGS:-}
