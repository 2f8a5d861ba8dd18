#!/bin/bash
# Writes cassandra.yaml from the official image's environment variables, then runs the node in the foreground.
set -euo pipefail
if [ "${1:-}" != cassandra ]; then exec "$@"; fi

ip=$(hostname --ip-address | awk '{print $1}')
listen=${CASSANDRA_LISTEN_ADDRESS:-auto}; [ "$listen" = auto ] && listen=$ip
broadcast=${CASSANDRA_BROADCAST_ADDRESS:-auto}; [ "$broadcast" = auto ] && broadcast=$listen
rpc=${CASSANDRA_RPC_ADDRESS:-0.0.0.0}
broadcast_rpc=${CASSANDRA_BROADCAST_RPC_ADDRESS:-$broadcast}
seeds=${CASSANDRA_SEEDS:-$broadcast}
snitch=${CASSANDRA_ENDPOINT_SNITCH:-SimpleSnitch}
[ -n "${CASSANDRA_DC:-}${CASSANDRA_RACK:-}" ] && [ "$snitch" = SimpleSnitch ] && snitch=GossipingPropertyFileSnitch
# group (the default): a write is on disk before it is acknowledged, as one node needs; a ring at RF 3 may choose
# periodic (docker/compose.yaml does), where two other replicas hold each write in their commit logs; group and
# batch hold a write thread per write until its fsync, so they get 128 of them (tools/cassandra-local says why)
case "${CASSANDRA_COMMITLOG_SYNC:-group}" in
  group) sync=$'commitlog_sync: group\ncommitlog_sync_group_window: 15ms\nconcurrent_writes: 128' ;;
  periodic) sync=$'commitlog_sync: periodic\ncommitlog_sync_period: 10000ms' ;;
  batch) sync=$'commitlog_sync: batch\nconcurrent_writes: 128' ;;
  *) echo "CASSANDRA_COMMITLOG_SYNC must be group, periodic or batch" >&2; exit 2 ;;
esac
conf=/etc/cassandra
data=/var/lib/cassandra

cat > "$conf/cassandra.yaml" <<YAML
cluster_name: '${CASSANDRA_CLUSTER_NAME:-Test Cluster}'
num_tokens: ${CASSANDRA_NUM_TOKENS:-16}
allocate_tokens_for_local_replication_factor: 3
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: $snitch
data_file_directories: [ '$data/data' ]
commitlog_directory: '$data/commitlog'
saved_caches_directory: '$data/saved_caches'
hints_directory: '$data/hints'
cdc_raw_directory: '$data/cdc_raw'
$sync
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "$seeds"
listen_address: $listen
broadcast_address: $broadcast
rpc_address: $rpc
broadcast_rpc_address: $broadcast_rpc
storage_port: 7000
native_transport_port: 9042
start_native_transport: true
auto_snapshot: false
YAML
printf 'dc=%s\nrack=%s\nprefer_local=true\n' "${CASSANDRA_DC:-datacenter1}" "${CASSANDRA_RACK:-rack1}" \
  > "$conf/cassandra-rackdc.properties"
cat > "$conf/logback.xml" <<'XML'
<configuration scan="false">
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
XML

heap=${MAX_HEAP_SIZE:-512M}
heap_opts=(-Xms"$heap" -Xmx"$heap")
[ -n "${HEAP_NEWSIZE:-}" ] && heap_opts+=(-Xmn"$HEAP_NEWSIZE")
mapfile -t flags < /usr/local/bin/jvm-flags
echo "cassandra: cluster '${CASSANDRA_CLUSTER_NAME:-Test Cluster}', listen $listen, seeds $seeds, snitch $snitch, heap $heap"
# shellcheck disable=SC2086
exec java "${heap_opts[@]}" -XX:+UseG1GC -Xss512k -XX:+ExitOnOutOfMemoryError "${flags[@]}" \
  -Dcassandra.config="file://$conf/cassandra.yaml" -Dcassandra-rackdc.properties="file://$conf/cassandra-rackdc.properties" \
  -Dcassandra-foreground=yes -Dcassandra.storagedir="$data" -Dcassandra.logdir=/var/log/cassandra \
  -Dlogback.configurationFile="$conf/logback.xml" -Dcassandra.jmx.local.port=7199 \
  ${JVM_OPTS:-} ${JVM_EXTRA_OPTS:-} -cp '/opt/cassandra/lib/*' org.apache.cassandra.service.CassandraDaemon
