package io.cassmail.imap;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** How many IMAP sessions each account has open on this front end, within {@code imap.max-connections-per-account}. */
final class AccountSessions {
    private final int max;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();

    AccountSessions(int max) {
        this.max = max;
    }

    boolean tryOpen(String address) {
        boolean[] ok = {false};
        open.compute(address, (a, n) -> {
            int count = n == null ? 0 : n;
            ok[0] = count < max;
            return ok[0] ? count + 1 : n;
        });
        return ok[0];
    }

    void close(String address) {
        open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    int max() {
        return max;
    }
}
