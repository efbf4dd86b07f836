# The production image ships the three services and the ops CLIs (apps/, libs/); docker-compose.yml picks
# the entry point of each. The demo and the scenarios (tools/) are built only for `--target tools`.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY docs/openapi.yaml ./docs/
COPY tools/build ./tools/build
COPY libs ./libs
COPY apps ./apps
RUN npm run build:image

# docker-compose.yml's `demo`: the image above plus tools/ and the test kit they share (test/support).
FROM build AS tools-build
COPY tsconfig.tools.json ./
COPY tools ./tools
COPY test/support ./test/support
RUN npm run build && npm prune --omit=dev

FROM build AS production-build
RUN npm prune --omit=dev

# What both images run on: Node, production mode, not root. Each adds its own build's three folders.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
USER node

FROM runtime AS tools
COPY --from=tools-build /app/package.json ./
COPY --from=tools-build /app/node_modules ./node_modules
COPY --from=tools-build /app/dist ./dist
CMD ["node", "dist/tools/demo/main.js", "--no-stack"]

# The production image (the last stage: what `docker build` gives by default).
FROM runtime
COPY --from=production-build /app/package.json ./
COPY --from=production-build /app/node_modules ./node_modules
COPY --from=production-build /app/dist ./dist
# Overridden per service: dist/apps/{gateway,order-service,cancel-service,payment-provider}/src/main.js (the
# gateway with its node flags, apps/gateway/src/node-flags.ts)
CMD ["node", "--max-semi-space-size=64", "--min-semi-space-size=16", "dist/apps/gateway/src/main.js"]
