package io.cassmail.store.cassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import java.util.ArrayList;
import java.util.List;

/**
 * Cassandra's "not enough replicas" in one sentence for an operator: which nodes are down and what to do, for the
 * CLI and for a server that cannot start.
 */
public final class UnavailableReplicas {

    private UnavailableReplicas() {
    }

    /** The nodes {@code session} knows that are not up, as {@code address (STATE)}, sorted; empty on any doubt. */
    public static List<String> downNodes(CqlSession session) {
        List<String> down = new ArrayList<>();
        try {
            for (Node n : session.getMetadata().getNodes().values()) {
                if (n.getState() != NodeState.UP) {
                    down.add(n.getEndPoint().toString().replaceFirst("^/", "") + " (" + n.getState() + ")");
                }
            }
        } catch (RuntimeException e) {
            return List.of();
        }
        down.sort(null);
        return down;
    }

    /**
     * The sentence for the UnavailableException behind {@code e} (its causes, and each node's errors of an
     * AllNodesFailedException), naming the nodes in {@code down}; null when {@code e} is something else.
     */
    public static String explain(Throwable e, List<String> down) {
        UnavailableException u = find(e, 0);
        if (u == null) {
            return null;
        }
        String start = "Cassandra cannot answer at " + u.getConsistencyLevel() + ": it needs " + u.getRequired()
                + " replicas of the data and only " + u.getAlive() + " " + (u.getAlive() == 1 ? "is" : "are") + " up. ";
        if (down.isEmpty()) {
            return start + "No node this process knows of is down: the keyspace's replication may ask for more replicas"
                    + " than the ring has nodes (cassmail-admin cluster status shows both). Start the missing nodes (on one"
                    + " machine: tools/cassandra-local status, then tools/cassandra-local start; in Docker: docker compose"
                    + " ps), or lower the replication with cassmail-admin schema apply --set replication=..., then try again";
        }
        return start + (down.size() == 1 ? "Down: " : "Down (" + down.size() + "): ") + String.join(", ", down)
                + ". Start " + (down.size() == 1 ? "it" : "them") + " (on one machine: tools/cassandra-local start"
                + " starts every node its data directory holds; in Docker: docker compose start cassandra-N), then try"
                + " again";
    }

    private static UnavailableException find(Throwable e, int depth) {
        if (e == null || depth > 8) {
            return null;
        }
        if (e instanceof UnavailableException u) {
            return u;
        }
        if (e instanceof AllNodesFailedException all) {
            for (List<Throwable> errors : all.getAllErrors().values()) {
                for (Throwable t : errors) {
                    UnavailableException u = find(t, depth + 1);
                    if (u != null) {
                        return u;
                    }
                }
            }
        }
        return find(e.getCause(), depth + 1);
    }
}
