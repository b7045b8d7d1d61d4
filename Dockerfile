# syntax=docker/dockerfile:1
# Sawmill: one image for every service. The entrypoint is `sawmill`; the command picks the part:
#   docker run sawmill:0.1.0 registry | topics reconcile | demo | stream | sink opensearch |
#                            sink postgres | notifier | api | agent
# and `sawmill` is on PATH inside the container (kubectl exec ... -- sawmill agent status).
# Configuration comes from SAWMILL_<COMPONENT>__<KEY>__<SUBKEY> environment variables
# (docker-compose.yml shows a complete deployment).
#
# Health: the HEALTHCHECK runs `node dist/infra/docker/healthcheck.js`, which calls
#   GET http://127.0.0.1:$SAWMILL_HEALTHCHECK_PORT/healthz
# and is healthy on a 2xx. Set SAWMILL_HEALTHCHECK_PORT to the port where the service serves
# /healthz (its metrics port: stream 9401, sink-opensearch 9402, sink-postgres 9403, notifier 9404,
# agent 9405, demo 9406; the registry 8081 and the API 8080 serve it on their HTTP port).
# The default is 8080. A one-shot command (`topics reconcile`) has no HTTP port: run it with
# --no-healthcheck (compose: `healthcheck: { disable: true }`).

# The base image, pinned to an exact release (the Node.js the project is tested with). For
# byte-for-byte reproducible builds add its digest, e.g. node:20.20.2-bookworm-slim@sha256:<digest>
# (`docker buildx imagetools inspect node:20.20.2-bookworm-slim` prints it).
# infra/deploy/dockerfile.test.ts refuses a floating tag.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---- build: compile the TypeScript sources to dist/ -------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# patches/ is applied by npm ci's postinstall (patch-package): a fix to kafkajs' producer retry.
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund --loglevel=error
COPY . .
# npm run build compiles and copies the data files (Avro schemas, SQL migrations) next to their
# compiled modules (infra/build/copy-assets.mjs), so code resolving them from import.meta.url works.
RUN npm run build

# ---- runtime: production dependencies and the compiled code, run as a non-root user ----------
FROM ${NODE_IMAGE} AS runtime
ARG SAWMILL_VERSION=0.1.0
LABEL org.opencontainers.image.title="sawmill" \
      org.opencontainers.image.description="Sawmill log observability platform: agent, stream topology, sinks, notifier, API and schema registry" \
      org.opencontainers.image.version="${SAWMILL_VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
ENV NODE_ENV=production \
    SAWMILL_HEALTHCHECK_PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force
COPY --from=build /app/dist ./dist
# State the services keep on disk, each a volume in compose: the agent's checkpoints and spool,
# the stream's state stores, the demo's log files. Created here so that a fresh named volume
# takes this ownership and the non-root user can write to it.
RUN mkdir -p /var/lib/sawmill/agent /var/lib/sawmill/stream /var/lib/sawmill/demo-logs \
 && chown -R node:node /var/lib/sawmill \
 && chmod 0755 dist/bin/sawmill.js \
 && ln -s /app/dist/bin/sawmill.js /usr/local/bin/sawmill
# The node user (uid 1000) ships with the base image.
USER node
EXPOSE 8080 8081 9401 9402 9403 9404 9405 9406
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "dist/infra/docker/healthcheck.js"]
ENTRYPOINT ["sawmill"]
CMD ["--help"]
