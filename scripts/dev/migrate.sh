#!/usr/bin/env bash
# `npm run migrate` (or `make migrate`): runs every service's migration job — its SQL migrations
# and the declaration of its consumer queues — against the local stack of `make up`, each service
# with its own database role, as `make up` does before it starts them. In a deployment the chart
# runs the same `migrate` command of each service as a Helm hook Job before every install and
# upgrade (charts/otk/templates/migrations/jobs.yaml); nothing there calls this script.
#
# To migrate other databases, set <SERVICE>_DATABASE_URL (e.g. HOLD_MANAGER_DATABASE_URL) per
# service and AMQP_URL. The databases and roles must exist: `make up` creates the local ones.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/dev/services.sh

node_bin=$(bash scripts/node-bin.sh)
export PATH="$node_bin:$PATH"

for service in "${SERVICES[@]}"; do
  variable="$(tr '[:lower:]-' '[:upper:]_' <<<"$service")_DATABASE_URL"
  printf '[migrate] %s\n' "$service"
  DATABASE_URL="${!variable:-$(database_url_of "$service")}" AMQP_URL="$AMQP_URL" LOG_LEVEL="${LOG_LEVEL:-warn}" \
    node --conditions=development --import tsx "services/$service/src/main.ts" migrate
done
