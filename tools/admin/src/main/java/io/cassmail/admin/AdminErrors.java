package io.cassmail.admin;

import io.cassmail.store.cassandra.UnavailableReplicas;
import java.util.List;
import java.util.function.Supplier;

/** Turns an exception into the one sentence an operator sees. */
final class AdminErrors {
    /** The nodes the CLI's Cassandra session sees down; each command's session sets it when it connects. */
    private static volatile Supplier<List<String>> downNodes = List::of;

    private AdminErrors() {
    }

    /** Where {@link #sentence} finds the nodes that are down. */
    static void downNodesFrom(Supplier<List<String>> source) {
        downNodes = source;
    }

    static String sentence(Throwable e) {
        String unavailable = UnavailableReplicas.explain(e, downNodes.get());
        if (unavailable != null) {
            return unavailable;
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
