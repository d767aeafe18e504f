#!/usr/bin/env bash
# Makes sure PostgreSQL and RabbitMQ answer on 127.0.0.1, starting (or, on Debian as root,
# installing) them when they do not. Idempotent: a running service is left alone.
set -euo pipefail

PGHOST_CHECK=${PGHOST_CHECK:-127.0.0.1}
PGPORT_CHECK=${PGPORT_CHECK:-5432}
AMQP_PORT_CHECK=${AMQP_PORT_CHECK:-5672}

say() { printf '[infra] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_for_port() { # host port name seconds
  local i
  for ((i = 0; i < $4; i++)); do
    port_open "$1" "$2" && return 0
    sleep 1
  done
  say "$3 did not come up on $1:$2 within $4 s"
  return 1
}

can_apt_install() { command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; }

apt_install() {
  say "installing $* with apt-get"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  if port_open "$PGHOST_CHECK" "$PGPORT_CHECK"; then return 0; fi
  if ! command -v pg_ctlcluster >/dev/null; then
    if can_apt_install; then
      apt_install postgresql postgresql-contrib
    else
      say "PostgreSQL is not running and not installed. Install PostgreSQL 15 or newer (Debian/Ubuntu: sudo apt-get install postgresql) and start it on $PGHOST_CHECK:$PGPORT_CHECK."
      return 1
    fi
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  say "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for_port "$PGHOST_CHECK" "$PGPORT_CHECK" PostgreSQL 60
}

ensure_rabbitmq() {
  if port_open 127.0.0.1 "$AMQP_PORT_CHECK"; then return 0; fi
  if ! command -v rabbitmq-server >/dev/null; then
    if can_apt_install; then
      apt_install rabbitmq-server
    else
      say "RabbitMQ is not running and not installed. Install RabbitMQ 3.10 or newer (Debian/Ubuntu: sudo apt-get install rabbitmq-server) and start it on 127.0.0.1:$AMQP_PORT_CHECK."
      return 1
    fi
  fi
  say "starting RabbitMQ"
  rabbitmq-server -detached || true
  wait_for_port 127.0.0.1 "$AMQP_PORT_CHECK" RabbitMQ 120
  rabbitmqctl -q await_startup --timeout 120 >/dev/null 2>&1 || true
}

ensure_postgres
ensure_rabbitmq
say "PostgreSQL and RabbitMQ are up"
