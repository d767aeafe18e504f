# syntax=docker/dockerfile:1
# The image of every OTK service: one image, the service chosen by the command (ADR 0060), e.g.
#   services/gateway/dist/main.js serve     the service
#   services/gateway/dist/main.js migrate   its migration job
# Build from the repository root: docker build -t otk-services .

# The project's pinned Node.js (.node-version); a test checks that the two agree.
ARG NODE_VERSION=26.10.0
# Any Debian-based image with that Node.js in /usr/local/bin; CI builds from a local base without a registry.
ARG NODE_IMAGE=node:${NODE_VERSION}-bookworm-slim

FROM ${NODE_IMAGE} AS build
# tini as PID 1 forwards signals and reaps children; its static build needs no library at run time.
RUN if [ ! -x /usr/bin/tini-static ]; then \
      apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /src
COPY . .
ENV npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
RUN --mount=type=cache,target=/root/.npm \
    npm ci \
 && npm run build -w packages/config -w packages/telemetry -w packages/contracts -w packages/db \
      -w packages/messaging -w packages/runtime \
      -w services/availability -w services/hold-manager -w services/notification \
      -w services/pixelmedics-sync -w services/gateway
# The runtime tree: each workspace without its sources and tests (compiled output, package.json,
# files read at run time such as the platform migrations of packages/db), and only the production
# dependencies of the shared packages and services (not the site's, not the test kit's).
RUN --mount=type=cache,target=/root/.npm \
    mkdir -p /app \
 && for ws in packages/config packages/telemetry packages/contracts packages/db packages/messaging \
      packages/runtime services/availability services/hold-manager services/notification \
      services/pixelmedics-sync services/gateway; do \
      mkdir -p "/app/$ws" && cp -r "$ws/." "/app/$ws/" \
      && rm -rf "/app/$ws/src" "/app/$ws/test" "/app/$ws/scripts" "/app/$ws/node_modules" "/app/$ws"/tsconfig*.json; \
    done \
 && cp package.json package-lock.json /app/ \
 && cd /app \
 && npm ci --omit=dev --ignore-scripts \
      -w packages/config -w packages/telemetry -w packages/contracts -w packages/db \
      -w packages/messaging -w packages/runtime \
      -w services/availability -w services/hold-manager -w services/notification \
      -w services/pixelmedics-sync -w services/gateway \
 && rm -rf /app/package-lock.json

FROM ${NODE_IMAGE} AS service
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG CREATED=1970-01-01T00:00:00Z
LABEL org.opencontainers.image.title="otk-services" \
      org.opencontainers.image.description="OTK services (availability, hold-manager, notification, pixelmedics-sync, gateway); the command chooses one" \
      org.opencontainers.image.licenses="AGPL-3.0-only" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"
COPY --from=build /usr/bin/tini-static /usr/bin/tini
COPY --from=build /app /app
WORKDIR /app
ENV NODE_ENV=production
# A numeric user of no account: Kubernetes can check runAsNonRoot, and nothing in the image is its own.
USER 10001:10001
# PORT (the gateway's API) and MANAGEMENT_PORT (health and metrics) of the gateway; each service has its own defaults.
EXPOSE 8080 9080
ENTRYPOINT ["/usr/bin/tini", "--", "node"]
CMD ["services/gateway/dist/main.js", "serve"]
