# CassMail: `make run` starts everything on this machine, `make test` runs every test.
.PHONY: build run test bench bench-ceiling bench-imap bench-inbound ring stop clean docker-test docker-tls

build:
	mvn -q -B package -DskipTests

run:
	tools/run-local

test:
	tools/test-run

# The Postal benchmark against a running `make run` (README "Benchmarks"), e.g. make bench BENCH_ARGS="--rabid 120".
bench:
	tools/bench $(BENCH_ARGS)

# CassMail's ceiling with Postfix's smtp-source as the load generator (README "Benchmarks"), against make run.
bench-ceiling:
	tools/bench-ceiling $(BENCH_ARGS)

# IMAP and POP3 session mixes against a running `make run` and a private Dovecot (README "Benchmarks").
bench-imap:
	tools/bench-imap $(BENCH_ARGS)

# What the MX's SPF/DKIM/DMARC checks cost at the smtp-source ceiling: checks off, then on, in one run (README "Benchmarks").
bench-inbound:
	tools/bench-inbound $(BENCH_ARGS)

# A 3-node local ring on 127.0.0.1-3 (see README "Operations").
ring:
	mvn -q -B package -DskipTests
	tools/cassandra-local start --nodes 3
	tools/ensure-rabbitmq
	tools/cassmail-admin schema apply --set replication=datacenter1:3

stop:
	tools/cassandra-local stop
	CASSANDRA_LOCAL_DIR=$(CURDIR)/var/test-cassandra CASSANDRA_LOCAL_PORT=19042 tools/cassandra-local stop

clean:
	-$(MAKE) stop
	mvn -q -B clean
	rm -rf var tools/cassandra/target

# The Docker deployment end to end (README "Docker"): starts a Docker engine if none runs (as root: apt-get install
# docker.io), builds the images locally (no registry needed), brings up docker/compose.yaml and kills a node and a worker.
docker-test:
	tools/docker-test-run

# A development certificate for docker/compose.yaml's front ends, readable by the image's user (uid 10001).
docker-tls:
	tools/dev-cert docker/tls
	chown 10001:10001 docker/tls/key.pem docker/tls/cert.pem 2>/dev/null || chmod 644 docker/tls/key.pem
