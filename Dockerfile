FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY config ./config
COPY samples ./samples
COPY tsconfig.json ./
USER node
CMD ["node", "bin/frontera.mjs", "worker"]
