package io.cassmail.store;

import java.util.List;

/** The store's cluster as its client sees it: nodes, schema agreement, the keyspace's replication and its warnings. */
public interface ClusterView {

    /** One node: its CQL address, state (UP, DOWN, UNKNOWN...), datacenter, rack, version and host id. */
    record Node(String address, String state, String datacenter, String rack, String version, String hostId) {
    }

    /** The cluster now; {@code replication} and {@code warnings} are empty when the keyspace does not exist yet. */
    record Status(String cluster, boolean schemaAgreement, List<Node> nodes, String keyspace, String replication,
                  List<String> warnings) {
    }

    Status status();
}
