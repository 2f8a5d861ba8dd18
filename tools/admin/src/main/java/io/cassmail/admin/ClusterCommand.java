package io.cassmail.admin;

import com.datastax.oss.driver.api.core.metadata.Node;
import io.cassmail.config.CassMailConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cluster status}: the Cassandra nodes as the driver sees them. */
@Command(name = "cluster", description = "Cassandra cluster as the driver sees it.", mixinStandardHelpOptions = true,
        subcommands = {ClusterCommand.Status.class})
final class ClusterCommand {

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Nodes up/down, datacenter, schema agreement.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            CassMailConfig config = options.load();
            try (StoreAccess store = new StoreAccess(config)) {
                List<Map<String, Object>> nodes = new ArrayList<>();
                for (Node n : store.session.getMetadata().getNodes().values()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("address", address(n));
                    row.put("state", n.getState().name());
                    row.put("datacenter", n.getDatacenter());
                    row.put("rack", n.getRack());
                    row.put("version", n.getCassandraVersion() == null ? null : n.getCassandraVersion().toString());
                    row.put("host_id", n.getHostId() == null ? null : n.getHostId().toString());
                    nodes.add(row);
                }
                boolean agreement = store.session.checkSchemaAgreement();
                String keyspace = config.cassandra().keyspace();
                Optional<ReplicationCheck> replication = ReplicationCheck.of(store.session, keyspace);
                if (json) {
                    Map<String, Object> all = new LinkedHashMap<>();
                    all.put("cluster", store.session.getMetadata().getClusterName().orElse(null));
                    all.put("schema_agreement", agreement);
                    all.put("nodes", nodes);
                    replication.ifPresent(r -> {
                        all.put("keyspace", keyspace);
                        all.put("replication", r.replication().toSetting());
                        all.put("warnings", r.warnings());
                    });
                    System.out.println(Json.write(all));
                } else {
                    System.out.println("cluster: " + store.session.getMetadata().getClusterName().orElse("?")
                            + "   schema agreement: " + (agreement ? "yes" : "NO"));
                    for (Map<String, Object> n : nodes) {
                        System.out.printf("%-5s %-22s dc=%s rack=%s version=%s%n", n.get("state"), n.get("address"),
                                n.get("datacenter"), n.get("rack"), n.get("version"));
                    }
                    replication.ifPresent(r -> {
                        System.out.println("keyspace " + keyspace + ": replication " + r.replication().toSetting());
                        r.warnings().forEach(w -> System.out.println("WARNING: " + w));
                    });
                }
            }
            return 0;
        }
    }

    /** The node's CQL address as it broadcasts it (a contact point given by name shows unresolved otherwise). */
    private static String address(Node n) {
        return n.getBroadcastRpcAddress()
                .map(a -> a.getAddress().getHostAddress() + ":" + a.getPort())
                .orElseGet(() -> n.getEndPoint().toString().replaceFirst("^/", ""));
    }
}
