# syntax=docker/dockerfile:1
# One image for all Tally services (ingest, aggregator, query-api); the service
# is picked at run time: docker-compose.yml sets `command` per service, or set
# SERVICE=<name> to use the default CMD. Build: docker build -t tally .
# Keep node_modules/ and .tally/ out of the build context (.dockerignore).
FROM node:20-bookworm-slim

ARG PNPM_VERSION=10.34.9
ENV CI=true \
    NODE_ENV=production \
    PNPM_HOME=/pnpm \
    PATH=/pnpm:$PATH
RUN npm install -g "pnpm@${PNPM_VERSION}" && pnpm --version

WORKDIR /app
COPY . .
# Dev dependencies stay installed: services run TypeScript through the
# workspace's own tooling (same as `pnpm --filter ... start` on a dev machine).
RUN pnpm install --frozen-lockfile --prod=false

ENV SERVICE=ingest
CMD ["sh", "-c", "cd services/${SERVICE} && exec node --import tsx src/main.ts"]
