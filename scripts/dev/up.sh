#!/usr/bin/env bash
# `make up`: installs dependencies, makes sure PostgreSQL and RabbitMQ run, creates the database
# and one role per service, migrates, seeds the demo practice, and starts every service and a
# mail catcher in the background. `make down` stops them.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/dev/services.sh

say() { printf '[up] %s\n' "$*"; }

# `make` has put the pinned Node.js first on PATH; run directly, this script does it itself.
node_bin=$(bash scripts/node-bin.sh)
export PATH="$node_bin:$PATH"
say "Node.js $(node -p process.version)"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] ||
  [ "$(cat node_modules/.otk-node-version 2>/dev/null)" != "$(node -p process.version)" ]; then
  say "installing dependencies"
  npm ci --no-audit --no-fund
  node -p process.version >node_modules/.otk-node-version
fi

bash scripts/ensure-infra.sh

# psql_admin DATABASE ARGS…: runs psql as a PostgreSQL administrator in DATABASE.
psql_admin() { local db=$1; shift; psql "${PG_ADMIN_URL%/*}/$db" -v ON_ERROR_STOP=1 -qtA "$@"; }
if ! psql_admin postgres -c 'select 1' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
    psql_admin() { local db=$1; shift; runuser -u postgres -- psql -d "$db" -v ON_ERROR_STOP=1 -qtA "$@"; }
  else
    say "cannot log in to PostgreSQL as an administrator with $PG_ADMIN_URL; set PG_ADMIN_URL"
    exit 1
  fi
fi

say "preparing database $OTK_DB"
if [ "$(psql_admin postgres -c "select 1 from pg_database where datname = '$OTK_DB'")" != 1 ]; then
  psql_admin postgres -c "create database $OTK_DB"
fi
for service in "${SERVICES[@]}"; do
  role=$(role_of "$service")
  psql_admin "$OTK_DB" <<SQL
do \$\$ begin
  if not exists (select from pg_roles where rolname = '$role') then
    create role $role login password '$DEV_DB_PASSWORD';
  end if;
end \$\$;
grant connect, create on database $OTK_DB to $role;
SQL
done

mkdir -p "$STATE_DIR/logs" "$STATE_DIR/pids"
say "migrating every service"
bash scripts/dev/migrate.sh

say "seeding the demo practice"
AVAILABILITY_DATABASE_URL="$(database_url_of availability)" \
  PIXELMEDICS_SYNC_DATABASE_URL="$(database_url_of pixelmedics-sync)" \
  NOTIFICATION_DATABASE_URL="$(database_url_of notification)" \
  node --conditions=development --import tsx scripts/dev/seed.ts

# A demo admin for the console, with a new generated password on every `make up` (demo only: a
# real installation creates its first admin with the same command and keeps the password secret).
DEMO_ADMIN_EMAIL=admin@demo.otk.test
say "creating the demo admin $DEMO_ADMIN_EMAIL"
DEMO_ADMIN_PASSWORD=$(DATABASE_URL="$(database_url_of gateway)" \
  node --conditions=development --import tsx services/gateway/src/main.ts create-admin --email "$DEMO_ADMIN_EMAIL" |
  sed -n 's/^password (shown once): //p')

start() { # name command...
  local name=$1
  shift
  if [ -f "$STATE_DIR/pids/$name" ] && kill -0 "$(cat "$STATE_DIR/pids/$name")" 2>/dev/null; then
    say "$name is already running"
    return
  fi
  # Its own session and process group, so `make down` can stop it with all its children.
  setsid "$@" >"$STATE_DIR/logs/$name.log" 2>&1 < /dev/null &
  echo $! >"$STATE_DIR/pids/$name"
}

start mail-catcher node_modules/.bin/maildev --smtp "$SMTP_PORT" --web "$MAIL_WEB_PORT" --ip 127.0.0.1 --web-ip 127.0.0.1
for service in "${SERVICES[@]}"; do
  mapfile -t environment < <(service_env "$service")
  start "$service" env "${environment[@]}" node --conditions=development --import tsx "services/$service/src/main.ts"
done

say "waiting for the services to be ready"
for service in "${SERVICES[@]}"; do
  port=${MANAGEMENT_PORT[$service]}
  for ((i = 0; i < 60; i++)); do
    if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$(cat "$STATE_DIR/pids/$service")" 2>/dev/null; then
      say "$service stopped; its log ($STATE_DIR/logs/$service.log) ends with:"
      tail -n 20 "$STATE_DIR/logs/$service.log"
      exit 1
    fi
    sleep 1
  done
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { say "$service is not ready; see $STATE_DIR/logs/$service.log"; exit 1; }
done

# The booking site: built when its sources are newer than the last build, then served with /api/
# passed on to the gateway, so site and API share one origin (ADR 0050). The demo practice's
# messages link to this address.
SITE_PORT=${SITE_PORT:-4321}
if [ ! -f site/dist/index.html ] ||
  [ -n "$(find site/src site/build site/astro.config.ts site/package.json -newer site/dist/index.html -print -quit)" ]; then
  say "building the booking site"
  npm run build -w site >"$STATE_DIR/logs/site-build.log" 2>&1 ||
    { say "the site build failed; see $STATE_DIR/logs/site-build.log"; exit 1; }
  grep -o 'flow JavaScript: .*' "$STATE_DIR/logs/site-build.log" | sed 's/^/[up] /' || true
fi
start site env GATEWAY_URL=http://127.0.0.1:8080 SITE_PORT="$SITE_PORT" \
  node --conditions=development --import tsx scripts/dev/site-server.ts
for ((i = 0; i < 30; i++)); do
  if curl -fs "http://127.0.0.1:$SITE_PORT/" >/dev/null 2>&1; then break; fi
  sleep 1
done
curl -fs "http://127.0.0.1:$SITE_PORT/" >/dev/null || { say "the booking site did not start; see $STATE_DIR/logs/site.log"; exit 1; }

# The first slot the demo practice offers, for the example request below (only offered slots can be held).
DEMO_START=$(curl -fs "http://127.0.0.1:8080/api/v1/availability?appointmentType=checkup&practitioner=dr-muster&from=$(date +%F)&to=$(date -d '+30 days' +%F)" |
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => process.stdout.write(JSON.parse(s).days.flatMap((d) => d.slots)[0]?.start ?? ""))' || true)

cat <<TXT

OTK is running.
  Booking site         http://127.0.0.1:$SITE_PORT
  API (gateway)        http://127.0.0.1:8080/api/v1
  Practice console     http://127.0.0.1:$SITE_PORT/admin/
  Demo admin           $DEMO_ADMIN_EMAIL / $DEMO_ADMIN_PASSWORD  (demo only; new on every make up)
  Mail inbox           http://127.0.0.1:$MAIL_WEB_PORT
  Health and metrics   http://127.0.0.1:<port>/healthz, /readyz, /metrics
                       ports: gateway 9080, availability 9081, hold-manager 9082, notification 9083, pixelmedics-sync 9084
  Logs                 $STATE_DIR/logs/

Try a provisional request; the e-mail appears in the inbox:
  curl -s -X POST http://127.0.0.1:8080/api/v1/holds -H 'content-type: application/json' \\
    -d '{"appointmentTypeId":"checkup","practitionerId":"dr-muster","start":"$DEMO_START","channel":"email","language":"de","patient":{"firstName":"Anna","lastName":"Beispiel","birthDate":"1985-04-12","email":"anna@example.ch"},"consent":{"accepted":true,"privacyPolicyVersion":"2026-01"}}'

Stop everything with: make down
TXT
