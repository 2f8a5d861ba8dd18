package io.cassmail.admin;

import com.datastax.oss.driver.api.core.servererrors.UnavailableException;

/** Turns an exception into the one sentence an operator sees. */
final class AdminErrors {

    private AdminErrors() {
    }

    static String sentence(Throwable e) {
        UnavailableException u = find(e, 0);
        if (u != null) {
            return unavailable(u);
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** The driver's UnavailableException behind {@code e}: its causes, and each node's errors of an AllNodesFailed. */
    private static UnavailableException find(Throwable e, int depth) {
        if (e == null || depth > 8) {
            return null;
        }
        if (e instanceof UnavailableException u) {
            return u;
        }
        if (e instanceof com.datastax.oss.driver.api.core.AllNodesFailedException all) {
            for (java.util.List<Throwable> errors : all.getAllErrors().values()) {
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

    /** The driver's "Not enough replicas available" in words, with what to do (a ring with nodes down). */
    static String unavailable(UnavailableException u) {
        return "Cassandra cannot answer at " + u.getConsistencyLevel() + ": it needs " + u.getRequired()
                + " replicas of the data and only " + u.getAlive() + " " + (u.getAlive() == 1 ? "is" : "are")
                + " up. Start the nodes that are down (on one machine: tools/cassandra-local status shows them, and"
                + " tools/cassandra-local start starts every node its data directory holds; in Docker: docker compose"
                + " ps), then try again";
    }
}
