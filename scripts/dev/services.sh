# The services of a local stack, their ports and database roles; sourced by up.sh and down.sh.
# shellcheck shell=bash
SERVICES=(availability hold-manager notification pixelmedics-sync gateway)
declare -A SERVICE_PORT=([gateway]=8080 [availability]=8081 [hold-manager]=8082 [notification]=8083 [pixelmedics-sync]=8084)
# /healthz, /readyz and /metrics answer on each service's management port, apart from its API.
declare -A MANAGEMENT_PORT=([gateway]=9080 [availability]=9081 [hold-manager]=9082 [notification]=9083 [pixelmedics-sync]=9084)

OTK_DB=${OTK_DB:-otk}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
AMQP_URL=${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672}
SMTP_PORT=${SMTP_PORT:-1025}
MAIL_WEB_PORT=${MAIL_WEB_PORT:-1080}
STATE_DIR=${STATE_DIR:-.otk}
# Local development only: every service logs in with its own role and this password.
DEV_DB_PASSWORD=otk-dev

role_of() { echo "otk_${1//-/_}"; }
database_url_of() { echo "postgres://$(role_of "$1"):$DEV_DB_PASSWORD@127.0.0.1:5432/$OTK_DB"; }

# service_env NAME: the environment `make up` starts the service with, one VARIABLE=value a line
# (test/dev/make-up-environment.spec.ts starts the services with it too). Both ports listen on
# loopback only: a laptop's stack is not for its network (the chart's pods bind every interface,
# the default).
service_env() {
  local service=$1
  cat <<ENV
DATABASE_URL=$(database_url_of "$service")
AMQP_URL=$AMQP_URL
HOST=127.0.0.1
PORT=${SERVICE_PORT[$service]}
MANAGEMENT_HOST=127.0.0.1
MANAGEMENT_PORT=${MANAGEMENT_PORT[$service]}
SMTP_URL=smtp://127.0.0.1:$SMTP_PORT
ADMIN_COOKIE_SECURE=false
ENV
}
