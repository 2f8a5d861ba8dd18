package io.cassmail.bench;

import java.util.List;

/** Nearest-rank percentiles of an ascending list. */
final class Percentiles {
    private Percentiles() {
    }

    static long of(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
