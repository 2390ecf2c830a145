# syntax=docker/dockerfile:1
# One image for the three services (ingest, aggregator, query-api) and the admin CLI:
#   docker build -t tally .
#   docker run tally services/query-api/dist/main.js      (the default is ingest)
#   docker run tally services/cli/dist/main.js migrate
# docker-compose.yml runs each service from it. Every service listens on $PORT (3001 unless set),
# which the health check reads. Not built here: this repository's CI has no Docker engine, so the
# image is checked by what can be checked without one (infra/image/image.test.ts lints this file
# and the compose file; tests/e2e/runtime-tree.int.test.ts starts the services from the tree the
# build stage assembles). See docs/operations.md.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---- build: install everything, compile (pnpm build), assemble the production tree in /app ----
FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION=10.34.9
ENV CI=true
RUN npm install --global "pnpm@${PNPM_VERSION}"
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm build \
 && node --import tsx scripts/runtime-tree.ts /app --offline

# ---- runtime: compiled code and production dependencies only, run by an unprivileged user ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3001
WORKDIR /app
# owned by root and read-only to the service user: the process cannot rewrite its own code
COPY --from=build /app /app
USER node
EXPOSE 3001 3002 3003
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# exec form: node is PID 1 and receives SIGTERM itself (each service stops in order on it)
ENTRYPOINT ["node"]
CMD ["services/ingest/dist/main.js"]
