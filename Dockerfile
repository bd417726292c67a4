# wsspec in a container: build it from this repository alone, run it as a non-root user.
#
#   docker build -t wsspec .
#   mkdir -p report
#   docker run --rm --network host --user "$(id -u):$(id -g)" -v "$PWD/report:/report" \
#       wsspec run ws://127.0.0.1:9001/ --out /report
#
# docs/container.md explains each flag. tests/packaging_container/ checks this file: its
# steps statically in every ctest run, and by running them in a Debian 12 root (or with
# docker, where a daemon runs) on demand. That check reads only the instructions used here
# (FROM ... AS, ARG, ENV, WORKDIR, COPY [--from], RUN, USER, ENTRYPOINT, CMD, LABEL), one
# per line: keep each RUN on lines joined by a trailing backslash.

# ---- build stage: the build dependencies come from ci/setup-debian.sh, as everywhere else.
FROM debian:12 AS build
COPY ci/setup-debian.sh /src/ci/setup-debian.sh
RUN /src/ci/setup-debian.sh --build-only && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DWSSPEC_BUILD_TESTS=OFF \
        -DWSSPEC_BUILD_BENCH=OFF -DWSSPEC_BUILD_FUZZ=OFF \
    && cmake --build /build --target wsspec \
    && strip /build/harness/wsspec \
    && /build/harness/wsspec list >/dev/null

# ---- runtime stage: the program and the shared libraries it links, nothing else.
FROM debian:12-slim
LABEL org.opencontainers.image.title="wsspec" \
      org.opencontainers.image.description="WebSocket (RFC 6455/7692) conformance test harness"
# libssl3: TLS for wss:// and SHA-1 for the handshake; zlib1g and libisal2: permessage-deflate;
# ca-certificates: the system store that wss:// certificates are verified against.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libssl3 zlib1g libisal2 ca-certificates \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/*
# A fixed uid and gid, so a host directory can be prepared for them; /report is writable by any
# uid (sticky, like /tmp), so `docker run --user "$(id -u):$(id -g)"` works without a volume too.
RUN groupadd --system --gid 10001 wsspec \
    && useradd --system --uid 10001 --gid 10001 --home-dir /report --no-create-home \
        --shell /usr/sbin/nologin wsspec \
    && mkdir -p /report \
    && chown wsspec:wsspec /report \
    && chmod 1777 /report
COPY --from=build /build/harness/wsspec /usr/local/bin/wsspec
USER wsspec
WORKDIR /report
ENTRYPOINT ["/usr/local/bin/wsspec"]
CMD ["--help"]
