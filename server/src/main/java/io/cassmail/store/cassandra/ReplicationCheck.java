package io.cassmail.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.Node;
import io.cassmail.schema.Replication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The live keyspace's replication against the ring's nodes per datacenter, and what an operator should hear about it. */
public record ReplicationCheck(String keyspace, Replication replication, Map<String, Integer> nodesPerDc) {

    /** Most replicas worth asking for: three survives one node down at LOCAL_QUORUM. */
    public static final int ENOUGH = 3;

    public static Optional<ReplicationCheck> of(CqlSession session, String keyspace) {
        return session.getMetadata().getKeyspace(keyspace).map(ks ->
                new ReplicationCheck(keyspace, Replication.fromMetadata(ks.getReplication()), nodesPerDc(session)));
    }

    /** The ring's nodes (up or down) per datacenter, as the driver knows them. */
    public static Map<String, Integer> nodesPerDc(CqlSession session) {
        Map<String, Integer> nodes = new TreeMap<>();
        for (Node n : session.getMetadata().getNodes().values()) {
            nodes.merge(String.valueOf(n.getDatacenter()), 1, Integer::sum);
        }
        return nodes;
    }

    public List<String> warnings() {
        List<String> out = new ArrayList<>();
        nodesPerDc.forEach((dc, nodes) -> {
            int rf = replication.factorIn(dc);
            if (rf > nodes) {
                int quorum = rf / 2 + 1;
                out.add("keyspace " + keyspace + " wants " + rf + " replicas in " + dc + " but " + dc + " has " + nodes
                        + " node(s): LOCAL_QUORUM needs " + quorum + " replicas up, "
                        + (quorum > nodes ? "so every read and write fails" : "so " + (nodes - quorum + 1)
                        + " node(s) down stop all mail") + "; add nodes or lower it with `cassmail-admin schema apply"
                        + " --set replication=" + dc + ":" + Math.min(ENOUGH, nodes) + "`");
            } else if (rf < Math.min(ENOUGH, nodes)) {
                out.add("keyspace " + keyspace + " keeps " + (rf == 0 ? "no" : "only " + rf) + " replica(s) in " + dc
                        + " on " + nodes + " nodes: one node down makes part of the mail unreachable; raise it with"
                        + " `cassmail-admin schema apply --set replication=" + dc + ":" + Math.min(ENOUGH, nodes)
                        + "`, then `nodetool repair -full " + keyspace + "` on every node");
            }
        });
        return out;
    }
}
