package io.cassmail.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.store.ClusterView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** {@link ClusterView} from the driver's metadata of its session. */
public final class CassandraClusterView implements ClusterView {
    private final CqlSession session;
    private final String keyspace;

    public CassandraClusterView(CqlSession session, String keyspace) {
        this.session = session;
        this.keyspace = keyspace;
    }

    @Override
    public Status status() {
        List<ClusterView.Node> nodes = new ArrayList<>();
        for (com.datastax.oss.driver.api.core.metadata.Node n : session.getMetadata().getNodes().values()) {
            nodes.add(new ClusterView.Node(address(n), n.getState().name(), n.getDatacenter(), n.getRack(),
                    n.getCassandraVersion() == null ? null : n.getCassandraVersion().toString(),
                    n.getHostId() == null ? null : n.getHostId().toString()));
        }
        nodes.sort(Comparator.comparing(ClusterView.Node::address));
        boolean agreement = CassandraCalls.call(session::checkSchemaAgreement);
        Optional<ReplicationCheck> replication = ReplicationCheck.of(session, keyspace);
        return new Status(session.getMetadata().getClusterName().orElse(null), agreement, nodes, keyspace,
                replication.map(r -> r.replication().toSetting()).orElse(null),
                replication.map(ReplicationCheck::warnings).orElse(List.of()));
    }

    /** The node's CQL address as it broadcasts it (a contact point given by name shows unresolved otherwise). */
    private static String address(com.datastax.oss.driver.api.core.metadata.Node n) {
        return n.getBroadcastRpcAddress()
                .map(a -> a.getAddress().getHostAddress() + ":" + a.getPort())
                .orElseGet(() -> n.getEndPoint().toString().replaceFirst("^/", ""));
    }
}
