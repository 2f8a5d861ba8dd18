package io.cassmail.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code tools/bench} sampled from /proc while the benchmark ran: resident memory (KiB) and CPU time
 * (clock ticks) of the CassMail, Cassandra and RabbitMQ processes, summed over each one's processes.
 */
record ResourceSamples(List<Sample> samples) {
    static final int TICKS_PER_SECOND = 100;

    /** One line: {@code epoch_ms,server_rss_kb,server_ticks,cassandra_rss_kb,cassandra_ticks,rabbitmq_rss_kb,rabbitmq_ticks}. */
    record Sample(long millis, long serverRssKb, long serverTicks, long cassandraRssKb, long cassandraTicks,
                  long rabbitRssKb, long rabbitTicks) {
    }

    static ResourceSamples read(Path csv) throws IOException {
        List<Sample> samples = new ArrayList<>();
        if (Files.exists(csv)) {
            for (String line : Files.readAllLines(csv, StandardCharsets.US_ASCII)) {
                String[] f = line.split(",");
                if (f.length == 7 && f[0].matches("\\d+")) {
                    samples.add(new Sample(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                            Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6])));
                }
            }
        }
        return new ResourceSamples(samples);
    }

    long maxServerRssMiB() {
        return samples.stream().mapToLong(Sample::serverRssKb).max().orElse(0) / 1024;
    }

    long maxCassandraRssMiB() {
        return samples.stream().mapToLong(Sample::cassandraRssKb).max().orElse(0) / 1024;
    }

    /** CPU seconds used between the first and the last sample, per process group. */
    double[] cpuSeconds() {
        if (samples.size() < 2) {
            return new double[] {0, 0, 0};
        }
        Sample a = samples.get(0);
        Sample b = samples.get(samples.size() - 1);
        return new double[] {
            (b.serverTicks() - a.serverTicks()) / (double) TICKS_PER_SECOND,
            (b.cassandraTicks() - a.cassandraTicks()) / (double) TICKS_PER_SECOND,
            (b.rabbitTicks() - a.rabbitTicks()) / (double) TICKS_PER_SECOND};
    }
}
