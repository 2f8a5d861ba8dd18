package io.cassmail.testing;

import io.cassmail.config.CassMailConfig;
import io.cassmail.config.ConfigLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the real Cassandra node and RabbitMQ broker of this test run are. {@code make test} starts a
 * node once per run and exports {@code CASSMAIL_TEST_CASSANDRA}; without it the tests fail, never skip.
 * With {@code CASSMAIL_TEST_INFRA=containers} both come from Testcontainers instead ({@link TestContainers}).
 */
public final class TestInfra {

    private TestInfra() {
    }

    /** CASSMAIL_TEST_INFRA=containers (checked here, so that Testcontainers loads only when asked for). */
    static boolean containers() {
        return "containers".equalsIgnoreCase(System.getenv("CASSMAIL_TEST_INFRA"));
    }

    public static String cassandra() {
        if (containers()) {
            return TestContainers.cassandra();
        }
        String cp = System.getenv("CASSMAIL_TEST_CASSANDRA");
        if (cp == null || cp.isBlank()) {
            throw new IllegalStateException("integration tests need a real Cassandra node: run them with `make test` "
                    + "(it starts one), or set CASSMAIL_TEST_CASSANDRA=host:port");
        }
        return cp;
    }

    public static String amqpUri() {
        if (containers()) {
            return TestContainers.amqpUri();
        }
        String uri = System.getenv("CASSMAIL_TEST_AMQP_URI");
        return uri == null || uri.isBlank() ? "amqp://guest:guest@127.0.0.1:5672/" : uri;
    }

    /** A configuration for a test: its own keyspace and queue prefix, ephemeral ports, short retry tiers. */
    public static CassMailConfig config(String keyspace, String queuePrefix, String... overrides) {
        return config(settings(keyspace, queuePrefix, overrides));
    }

    public static CassMailConfig config(List<String> settings) {
        return ConfigLoader.load(null, Map.of(), settings);
    }

    /** The {@code key=value} settings behind {@link #config(String, String, String...)}. */
    public static List<String> settings(String keyspace, String queuePrefix, String... overrides) {
        List<String> sets = new ArrayList<>(List.of(
                "cassandra=" + cassandra(),
                "keyspace=" + keyspace,
                "amqp.uri=" + amqpUri(),
                "queue.prefix=" + queuePrefix,
                "consistency=ONE",
                "hostname=mx.cassmail.test",
                "smtp.port=0",
                "pop3.port=0",
                "submission.port=0",
                "submissions.port=0",
                "pop3s.port=0",
                "imap.port=0",
                "imaps.port=0",
                "metrics.port=0",
                "admin.port=off",
                "worker.threads=2",
                "delivery.retry-delays=1s,2s",
                "cassandra.connect-timeout=10s"));
        sets.addAll(List.of(overrides));
        return sets;
    }
}
