# A Charybdis node image. Build: docker build -t charybdis:dev .  (or docker-compose build)
# The build stage needs a C++ toolchain and cmake for the native addon; the runtime stage
# does not (the addon is copied built).
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ make cmake python3 liburing-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/charybdis
COPY . .
# Same first step as `npm start`: pinned pnpm, dependencies, native addon, TypeScript build.
RUN node tools/dev/bootstrap.mjs \
 && test -f native/build/Release/charybdis_native.node

FROM node:20-bookworm-slim
WORKDIR /opt/charybdis
COPY --from=build /opt/charybdis /opt/charybdis
# Data, commitlog and the lock file live in the volume; clients reach the node from
# outside the container, so the CQL ports listen on every interface. A node refuses that
# without authentication unless it is told to accept it, as here (like ScyllaDB's image,
# the container starts unauthenticated). Publish the port only to machines you trust, or
# run with -e CHARYBDIS_AUTHENTICATOR=PasswordAuthenticator
#          -e CHARYBDIS_AUTH_SUPERUSER_PASSWORD=... (login: cassandra).
ENV CHARYBDIS_WORKDIR=/var/lib/charybdis \
    CHARYBDIS_RPC_ADDRESS=0.0.0.0 \
    CHARYBDIS_PROMETHEUS_ADDRESS=0.0.0.0 \
    CHARYBDIS_ALLOW_UNAUTHENTICATED_REMOTE_ACCESS=true
VOLUME ["/var/lib/charybdis"]
EXPOSE 9042 19042 9180
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "packages/server/dist/src/bin/charybdis.js"]
