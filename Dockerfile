# sluiced and sluice in an image: built on Debian 12 with its packages, run as a non-root user,
# the store on a volume (docs/operations.md).
#   docker build -t sluice .
#   docker run -p 8081:8081 -v sluice-data:/var/lib/sluice sluice
FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN scripts/deps.sh build \
 && make \
 && make install DESTDIR=/out PREFIX=/usr/local

FROM debian:12-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libmicrohttpd12 libsqlite3-0 libjansson4 libprotobuf-c1 libnettle8 libgnutls30 libcrypt1 \
      libgit2-1.5 libcurl4 libyaml-0-2 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/sluice --shell /usr/sbin/nologin sluice \
 && mkdir -p /var/lib/sluice /etc/sluice \
 && chown sluice:sluice /var/lib/sluice \
 && chmod 0750 /var/lib/sluice \
 && printf '%s\n' 'listeners=http://0.0.0.0:8081' 'sluice.db.path=/var/lib/sluice/sluice.db' \
      > /etc/sluice/sluice.properties
COPY --from=build /out/usr/local/ /usr/local/
USER sluice
VOLUME /var/lib/sluice
EXPOSE 8081
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/sluiced", "--config", "/etc/sluice/sluice.properties"]
