# Orchard's server image: the built packages installed from their npm tarballs, run as a non-root
# user, configured by environment variables (each `orchard server` flag as MLFLOW_<FLAG>), data under
# /data. Build: docker build -t orchard .   Run: docker run -p 5000:5000 -v orchard-data:/data orchard
#
# The install step is scripts/install-packed.mjs, the same script CI runs in a temporary folder
# (tests/packaging), so what this image holds is tested even where no image can be built.

FROM node:22-bookworm-slim AS build
# better-sqlite3 compiles its native addon when no prebuilt binary can be had.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund && node scripts/install-packed.mjs /opt/orchard

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    MLFLOW_HOST=0.0.0.0 \
    MLFLOW_PORT=5000 \
    MLFLOW_BACKEND_STORE_URI=sqlite:////data/orchard.db \
    MLFLOW_ARTIFACTS_DESTINATION=/data/artifacts
COPY --from=build /opt/orchard/app /opt/orchard
RUN mkdir -p /data && chown node:node /data \
 && ln -s /opt/orchard/node_modules/.bin/orchard /usr/local/bin/orchard
USER node
WORKDIR /data
VOLUME /data
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.MLFLOW_PORT || 5000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
ENTRYPOINT ["orchard"]
CMD ["server"]
