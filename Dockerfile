# One image for every service: the command picks the entrypoint (npm start runs them all).
# Node 24, the same major version the project pins for development and CI.
FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# Runtime dependencies only: the image's own Node 24 runs the TypeScript sources directly.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY platform ./platform
COPY collectors ./collectors
COPY detectors ./detectors
# Alert enrichment links each platform alert to its runbook, served at /runbooks/.
COPY runbooks ./runbooks
USER node
ENV PORT=8080 DATA_DIR=/tmp/insitechart
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "--import", "./platform/telemetry/register.ts"]
CMD ["platform/main.ts"]
