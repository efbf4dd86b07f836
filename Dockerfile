# One image for the three services; docker-compose.yml picks the entry point of each.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY docs/openapi.yaml ./docs/
COPY scripts ./scripts
COPY libs ./libs
COPY apps ./apps
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
# Overridden per service: dist/apps/{gateway,order-service,cancel-service}/src/main.js
CMD ["node", "dist/apps/gateway/src/main.js"]
