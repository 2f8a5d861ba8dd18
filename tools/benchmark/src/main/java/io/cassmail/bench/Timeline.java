package io.cassmail.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The run cut into fixed buckets: messages accepted and listed per bucket, latency of those accepted in it. */
final class Timeline {
    /** One bucket; rates are per minute. */
    record Bucket(long startSecond, long accepted, long listed, long p50Millis, long p99Millis) {
        double acceptedPerMinute(long bucketSeconds) {
            return accepted * 60.0 / bucketSeconds;
        }

        double listedPerMinute(long bucketSeconds) {
            return listed * 60.0 / bucketSeconds;
        }
    }

    private Timeline() {
    }

    static List<Bucket> of(Collection<MailboxSweep.Found> found, long startMillis, long bucketSeconds) {
        long end = found.stream().mapToLong(MailboxSweep.Found::listedMillis).max().orElse(startMillis);
        int n = (int) ((end - startMillis) / 1000 / bucketSeconds) + 1;
        long[] accepted = new long[n];
        long[] listed = new long[n];
        List<List<Long>> latencies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            latencies.add(new ArrayList<>());
        }
        for (MailboxSweep.Found f : found) {
            int a = index(f.acceptedMillis(), startMillis, bucketSeconds, n);
            accepted[a]++;
            latencies.get(a).add(f.latencyMillis());
            listed[index(f.listedMillis(), startMillis, bucketSeconds, n)]++;
        }
        List<Bucket> buckets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Long> l = latencies.get(i);
            l.sort(null);
            buckets.add(new Bucket(i * bucketSeconds, accepted[i], listed[i], Percentiles.of(l, 50), Percentiles.of(l, 99)));
        }
        return buckets;
    }

    private static int index(long millis, long startMillis, long bucketSeconds, int n) {
        return (int) Math.max(0, Math.min(n - 1, (millis - startMillis) / 1000 / bucketSeconds));
    }
}
