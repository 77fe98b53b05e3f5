#!/usr/bin/env bash
# Make sure the local PostgreSQL and Redis that the tests and the distributed mode use are up.
# Starts a stopped one the way this machine's services are started; fails loudly otherwise.
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
REDIS_PORT=${REDIS_PORT:-6379}

pg_up() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

if ! command -v pg_isready >/dev/null || ! command -v psql >/dev/null; then
  echo "ensure-services: PostgreSQL client tools are missing; installing postgresql" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if ! pg_up; then
  echo "ensure-services: PostgreSQL is down; starting it" >&2
  if command -v pg_ctlcluster >/dev/null; then
    for v in $(ls /etc/postgresql 2>/dev/null); do
      pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
    done
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
if ! pg_up; then
  echo "ensure-services: FAILED: PostgreSQL is not accepting connections on $PGHOST:$PGPORT" >&2
  exit 1
fi
if ! psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -tAc 'select 1' >/dev/null 2>&1; then
  echo "ensure-services: FAILED: cannot log in to PostgreSQL as '$PGUSER' on $PGHOST:$PGPORT" >&2
  exit 1
fi
if [ "$(psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -tAc "select 1 from pg_database where datname='portolan'")" != "1" ]; then
  psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -qc 'create database portolan' >/dev/null
fi

if ! command -v redis-server >/dev/null; then
  echo "ensure-services: redis-server is missing; installing redis-server" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
if ! redis_up; then
  echo "ensure-services: Redis is down; starting it" >&2
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
fi
if ! redis_up; then
  echo "ensure-services: FAILED: Redis is not answering on 127.0.0.1:$REDIS_PORT" >&2
  exit 1
fi
echo "ensure-services: PostgreSQL and Redis are up"
