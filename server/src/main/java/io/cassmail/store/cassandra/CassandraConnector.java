package io.cassmail.store.cassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import io.cassmail.config.CassMailConfig.CassandraConfig;
import io.cassmail.store.StoreUnavailableException;
import java.time.Duration;

/** Opens driver sessions from the configuration; failures name the contact points. */
public final class CassandraConnector {

    private CassandraConnector() {
    }

    /** A session bound to the mail keyspace. */
    public static CqlSession connect(CassandraConfig config) {
        return open(config, true, null);
    }

    /**
     * A session whose driver metrics (off by default in the driver) go to {@code registry}: requests and their
     * latency, bytes, timeouts, connected nodes, and per node open connections, in-flight requests and errors.
     */
    public static CqlSession connect(CassandraConfig config, io.micrometer.core.instrument.MeterRegistry registry) {
        return open(config, true, registry);
    }

    /** A session bound to no keyspace (for creating it). */
    public static CqlSession connectWithoutKeyspace(CassandraConfig config) {
        return open(config, false, null);
    }

    private static CqlSession open(CassandraConfig config, boolean useKeyspace,
                                   io.micrometer.core.instrument.MeterRegistry registry) {
        Duration connect = config.connectTimeout();
        var options = DriverConfigLoader.programmaticBuilder();
        if (registry != null) {
            options = options
                    .withString(DefaultDriverOption.METRICS_FACTORY_CLASS, "MicrometerMetricsFactory")
                    .withString(DefaultDriverOption.METRICS_ID_GENERATOR_CLASS, "TaggingMetricIdGenerator")
                    .withString(DefaultDriverOption.METRICS_ID_GENERATOR_PREFIX, "cassandra")
                    .withStringList(DefaultDriverOption.METRICS_SESSION_ENABLED, java.util.List.of("connected-nodes",
                            "cql-requests", "bytes-sent", "bytes-received", "cql-client-timeouts"))
                    .withStringList(DefaultDriverOption.METRICS_NODE_ENABLED, java.util.List.of("pool.open-connections",
                            "pool.in-flight", "errors.request.write-timeouts", "errors.request.read-timeouts",
                            "errors.request.unavailables", "errors.request.others", "errors.connection.init",
                            "retries.total"));
        }
        options = options
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, connect)
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, connect)
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, connect)
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, config.requestTimeout())
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
                // a DDL statement completes after the schema metadata refresh it triggers, which the driver delays by
                // this window (1 s by default): applying the schema's 17 tables took 20 s, a second per table
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(50))
                .withString(DefaultDriverOption.REQUEST_CONSISTENCY, config.consistency().name())
                .withString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY, "LOCAL_SERIAL")
                .withInt(DefaultDriverOption.CONNECTION_POOL_LOCAL_SIZE, 2)
                .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(500))
                .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(10))
                .withBoolean(DefaultDriverOption.REQUEST_WARN_IF_SET_KEYSPACE, false)
                // A replica dying must not cost a client a 4xx: every statement here writes fixed values (no LWT,
                // no counters but mailbox_usage, which opts out), so a request that lost its node is retried on the
                // next one, and a slow one gets a second execution on another coordinator.
                .withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, true)
                // a silent (killed, partitioned) node is noticed within seconds, not the default 30 s
                .withDuration(DefaultDriverOption.HEARTBEAT_INTERVAL, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.HEARTBEAT_TIMEOUT, Duration.ofSeconds(3));
        if (config.speculativeDelay() != null) {
            options = options
                    .withString(DefaultDriverOption.SPECULATIVE_EXECUTION_POLICY_CLASS, "ConstantSpeculativeExecutionPolicy")
                    .withInt(DefaultDriverOption.SPECULATIVE_EXECUTION_MAX, 2)
                    .withDuration(DefaultDriverOption.SPECULATIVE_EXECUTION_DELAY, config.speculativeDelay());
        }
        DriverConfigLoader loader = options.build();
        var builder = CqlSession.builder()
                .withMetricRegistry(registry)
                .withConfigLoader(loader)
                .addContactPoints(config.contactPoints())
                .withLocalDatacenter(config.localDc());
        if (useKeyspace) {
            builder = builder.withKeyspace(config.keyspace());
        }
        try {
            return builder.build();
        } catch (AllNodesFailedException e) {
            throw new StoreUnavailableException("cannot reach Cassandra at " + config.contactPointsText()
                    + " (" + firstCause(e) + ")", e);
        } catch (RuntimeException e) {
            String msg = String.valueOf(e.getMessage());
            if (useKeyspace && msg.contains("does not exist")) {
                throw new StoreUnavailableException("keyspace '" + config.keyspace() + "' does not exist at "
                        + config.contactPointsText() + "; run: tools/cassmail-admin schema apply", e);
            }
            throw new StoreUnavailableException("cannot open a Cassandra session at " + config.contactPointsText()
                    + ": " + msg, e);
        }
    }

    private static String firstCause(AllNodesFailedException e) {
        return e.getAllErrors().values().stream().flatMap(java.util.List::stream)
                .map(t -> t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage())
                .findFirst().orElse(e.getMessage());
    }
}
