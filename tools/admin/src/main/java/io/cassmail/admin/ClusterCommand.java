package io.cassmail.admin;

import io.cassmail.store.ClusterView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
            try (StoreAccess store = new StoreAccess(options.load())) {
                ClusterView.Status status = store.ops.cluster().status();
                List<Map<String, Object>> nodes = new ArrayList<>();
                for (ClusterView.Node n : status.nodes()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("address", n.address());
                    row.put("state", n.state());
                    row.put("datacenter", n.datacenter());
                    row.put("rack", n.rack());
                    row.put("version", n.version());
                    row.put("host_id", n.hostId());
                    nodes.add(row);
                }
                if (json) {
                    Map<String, Object> all = new LinkedHashMap<>();
                    all.put("cluster", status.cluster());
                    all.put("schema_agreement", status.schemaAgreement());
                    all.put("nodes", nodes);
                    if (status.replication() != null) {
                        all.put("keyspace", status.keyspace());
                        all.put("replication", status.replication());
                        all.put("warnings", status.warnings());
                    }
                    System.out.println(Json.write(all));
                } else {
                    System.out.println("cluster: " + (status.cluster() == null ? "?" : status.cluster())
                            + "   schema agreement: " + (status.schemaAgreement() ? "yes" : "NO"));
                    for (ClusterView.Node n : status.nodes()) {
                        System.out.printf("%-5s %-22s dc=%s rack=%s version=%s%n", n.state(), n.address(),
                                n.datacenter(), n.rack(), n.version());
                    }
                    if (status.replication() != null) {
                        System.out.println("keyspace " + status.keyspace() + ": replication " + status.replication());
                        status.warnings().forEach(w -> System.out.println("WARNING: " + w));
                    }
                }
            }
            return 0;
        }
    }
}
