# Production image: `docker compose -f docker-compose.prod.yml up -d --build`.

# Build stage: every dependency (postinstall generates the Prisma client into src/generated),
# compile src/ to dist/ with source maps, and install the production dependencies alone
# into /prod (scripts/production-deps.mjs says why not `npm prune`).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && node scripts/production-deps.mjs /prod

# Run stage: the compiled server with production dependencies only, its views, static files
# and migrations (applied at start), as the unprivileged `node` user. Files stay root-owned,
# so the server cannot rewrite its own code; only ./data (embedded PGlite, when DATABASE_URL
# is unset) is writable.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /prod/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY scripts/launch.mjs ./scripts/launch.mjs
COPY prisma ./prisma
COPY views ./views
COPY public ./public
RUN mkdir data && chown node:node data
USER node
EXPOSE 3000
# node directly (not npm) so SIGTERM reaches the server's graceful shutdown.
# One-off commands: docker compose exec app node dist/cli/main.js <command>
CMD ["node", "--enable-source-maps", "dist/server.js"]
