# syntax=docker/dockerfile:1.7
# Images per service from one multi-stage build: `docker build --target market-data .` builds that service's
# image; the last stage (the default) runs every service in one process (embedded mode).
# The base is pinned to an exact Node release on Debian bookworm (the project pins Node 24.21 for development
# and CI); Dependabot (.github/dependabot.yml) proposes upgrades.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# Runtime dependencies only, installed from the lockfile without lifecycle scripts of their own.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# What every service image holds: the sources (Node runs the TypeScript directly) and the runbooks served at
# /runbooks/. No compiler, no dev dependencies, no npm cache.
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production PORT=8080 DATA_DIR=/tmp/insitechart
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json ./
COPY --chown=root:root platform ./platform
COPY --chown=root:root collectors ./collectors
COPY --chown=root:root detectors ./detectors
COPY --chown=root:root runbooks ./runbooks
# The sources stay owned by root: the unprivileged user can read them, never rewrite them.
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "--import", "./platform/telemetry/register.ts"]

FROM runtime AS market-feed
CMD ["collectors/market/main.ts"]

FROM runtime AS market-data
CMD ["platform/market-data/main.ts"]

FROM runtime AS analytics
CMD ["platform/analytics/main.ts"]

FROM runtime AS sentiment
CMD ["platform/sentiment/main.ts"]

FROM runtime AS alerts
CMD ["platform/alerts/main.ts"]

FROM runtime AS web
CMD ["platform/web/main.ts"]

FROM runtime AS detectors
CMD ["detectors/main.ts"]

FROM runtime AS portfolio
CMD ["platform/portfolio/main.ts"]

# The remediation service runs `pulumi up` through the Automation API: the pulumi CLI (with its Node language host)
# and the Kubernetes provider's plugin at pinned versions, found on the PATH (no download at run time), plus the
# program and the generated rules and dashboards it reads. The provider matches @pulumi/kubernetes in package.json.
FROM ${NODE_IMAGE} AS pulumi-cli
ARG PULUMI_VERSION=3.248.0
ARG PULUMI_KUBERNETES_VERSION=4.34.2
ADD https://get.pulumi.com/releases/sdk/pulumi-v${PULUMI_VERSION}-linux-x64.tar.gz /tmp/pulumi.tar.gz
ADD https://github.com/pulumi/pulumi-kubernetes/releases/download/v${PULUMI_KUBERNETES_VERSION}/pulumi-resource-kubernetes-v${PULUMI_KUBERNETES_VERSION}-linux-amd64.tar.gz /tmp/kubernetes.tar.gz
RUN mkdir -p /opt/pulumi-kubernetes && tar -xzf /tmp/pulumi.tar.gz -C /opt \
  && tar -xzf /tmp/kubernetes.tar.gz -C /opt/pulumi-kubernetes && rm /tmp/*.tar.gz

FROM runtime AS pulumi-runtime
COPY --from=pulumi-cli --chown=root:root /opt/pulumi /opt/pulumi
COPY --from=pulumi-cli --chown=root:root /opt/pulumi-kubernetes/pulumi-resource-kubernetes /opt/pulumi/
COPY --chown=root:root infra/pulumi ./infra/pulumi
COPY --chown=root:root dashboards/generated ./dashboards/generated
# PULUMI_HOME (workspace state, credentials) goes to a writable volume: the root filesystem is read-only.
ENV PATH=/opt/pulumi:$PATH PULUMI_HOME=/tmp/pulumi PULUMI_SKIP_UPDATE_CHECK=true

FROM pulumi-runtime AS remediation
CMD ["detectors/remediation/main.ts"]

# Default target: every service in one process.
FROM runtime AS all
CMD ["platform/main.ts"]
