# A Java 17 runtime on the debootstrapped Debian (stands in for eclipse-temurin:17-jre where no registry is reachable).
FROM local/debian:bookworm
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless ca-certificates procps \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
