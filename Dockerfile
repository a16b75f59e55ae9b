# Node 24 LTS (Node 20 reached end of life in April 2026).
# Stage 1 compiles the TypeScript to dist/ with the dev dependencies; stage 2 ships dist/ with the
# production dependencies only, so the image never compiles anything at start-up.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
# `npm ci` runs `prepare`, which is `npm run build` (tsc -p tsconfig.build.json → dist/).
RUN npm ci --no-audit --no-fund

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would need TypeScript, which is a dev dependency; dist/ comes from stage 1.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY config ./config
COPY samples ./samples
USER node
CMD ["node", "bin/frontera.mjs", "worker"]
