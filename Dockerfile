# fedz container image: `docker build -t fedz .` (see deploy/README.md).
# Stage 1 builds the release binaries with the Swift toolchain image; stage 2 is a slim
# Debian runtime with only the shared libraries the binaries load (ZeroMQ, OpenBLAS, SQLite,
# zlib), the data sets the default run needs, and a non-root user.
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
# Unpinned on purpose: Debian stable's packages only take security fixes.
# hadolint ignore=DL3008
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libzmq3-dev zlib1g-dev libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so that a source change does not fetch them again.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product fedz \
    && swift build -c release --static-swift-stdlib --product fedz-node \
    && mkdir -p /out/bin \
    && cp "$(swift build -c release --show-bin-path)/fedz" "$(swift build -c release --show-bin-path)/fedz-node" /out/bin/

FROM ${RUNTIME_IMAGE} AS runtime
# hadolint ignore=DL3008
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libzmq5 libopenblas0-pthread libsqlite3-0 zlib1g libstdc++6 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 fedz \
    && useradd --system --uid 10001 --gid fedz --home-dir /var/lib/fedz --shell /usr/sbin/nologin fedz \
    && mkdir -p /var/lib/fedz /etc/fedz/keys \
    && chown fedz:fedz /var/lib/fedz /etc/fedz/keys \
    && chmod 0700 /etc/fedz/keys
COPY --from=build /out/bin/ /opt/fedz/bin/
COPY data/ /opt/fedz/data/
COPY deploy/docker/fedz-node-entrypoint.sh /opt/fedz/bin/fedz-node-entrypoint
COPY deploy/docker/fedz-node-ready /opt/fedz/bin/fedz-node-ready
ENV PATH=/opt/fedz/bin:$PATH \
    FEDZ_DATA_DIR=/opt/fedz/data
USER 10001:10001
WORKDIR /var/lib/fedz
VOLUME ["/var/lib/fedz"]
# PUB, PULL (coordinator) and the monitor's alert PUB.
EXPOSE 7001 7002 7003
CMD ["fedz", "--help"]
