FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci
COPY . .
EXPOSE 3000
USER node
CMD ["npx", "tsx", "src/server.ts"]
