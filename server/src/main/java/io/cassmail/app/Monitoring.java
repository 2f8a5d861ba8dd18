package io.cassmail.app;

import io.cassmail.config.CassMailConfig;
import io.cassmail.http.ReadinessCheck;
import io.cassmail.http.StatusHttpServer;
import io.cassmail.metrics.CassMailMetrics;
import io.cassmail.queue.QueueDepth;
import io.cassmail.queue.RabbitQueues;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The process's metrics registry (Prometheus, every meter tagged with the process's roles), the JVM and queue-depth
 * gauges, and the HTTP status listener with its readiness checks (README "Metrics").
 */
final class Monitoring implements AutoCloseable {
    /** Queue depths come from the broker by passive declares: at most one round per this interval. */
    static final Duration QUEUE_DEPTH_CACHE = Duration.ofSeconds(3);

    private final CassMailConfig.MetricsConfig config;
    private final PrometheusMeterRegistry registry;
    private final CassMailMetrics metrics;
    private final String roles;
    private final List<ReadinessCheck> checks = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private StatusHttpServer http;

    Monitoring(CassMailConfig.MetricsConfig config, Set<Role> roles) {
        this.config = config;
        TreeSet<String> names = new TreeSet<>();
        roles.forEach(r -> names.add(r.name().toLowerCase(Locale.ROOT)));
        this.roles = String.join("+", names);
        if (config.port() == CassMailConfig.OFF) {
            this.registry = null;
            this.metrics = CassMailMetrics.none();
            return;
        }
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("role", this.roles);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        closeables.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.metrics = new CassMailMetrics(registry);
    }

    CassMailMetrics metrics() {
        return metrics;
    }

    /** Where the Cassandra driver publishes its metrics; null when metrics are off. */
    io.micrometer.core.instrument.MeterRegistry driverRegistry() {
        return registry;
    }

    void check(String name, ReadinessCheck.Probe probe) {
        checks.add(new ReadinessCheck(name, probe));
    }

    /** One gauge per CassMail queue ({@code cassmail_queue_messages{queue=...}}), NaN while the broker cannot say. */
    void queueDepths(RabbitQueues queues) {
        if (registry == null) {
            return;
        }
        DepthCache cache = new DepthCache(queues);
        for (String queue : queues.topology().allQueues()) {
            Gauge.builder("cassmail.queue.messages", () -> cache.ready(queue))
                    .description("messages ready in the queue (from the broker, cached " + QUEUE_DEPTH_CACHE.toSeconds() + " s)")
                    .tag("queue", queue).register(registry);
            Gauge.builder("cassmail.queue.consumers", () -> cache.consumers(queue))
                    .description("consumers subscribed to the queue").tag("queue", queue).register(registry);
        }
    }

    /** Starts the HTTP listener, unless metrics.port is off. */
    void start() throws IOException {
        if (registry == null) {
            return;
        }
        http = new StatusHttpServer(config.bind(), config.port(), registry::scrape, checks, roles);
        http.start();
    }

    /** The running status server, or null when metrics are off. */
    StatusHttpServer http() {
        return http;
    }

    /** The HTTP port actually bound, or -1. */
    int port() {
        return http == null ? -1 : http.port();
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** The broker's queue depths, fetched at most once per {@link #QUEUE_DEPTH_CACHE} so scrapes cannot overload it. */
    private static final class DepthCache {
        private final RabbitQueues queues;
        private List<QueueDepth> last = List.of();
        private long fetchedAt;

        DepthCache(RabbitQueues queues) {
            this.queues = queues;
        }

        double ready(String queue) {
            QueueDepth d = find(queue);
            return d == null || d.ready() == null ? Double.NaN : d.ready();
        }

        double consumers(String queue) {
            QueueDepth d = find(queue);
            return d == null || d.consumers() == null ? Double.NaN : d.consumers();
        }

        private synchronized QueueDepth find(String queue) {
            long now = System.nanoTime();
            if (fetchedAt == 0 || now - fetchedAt > QUEUE_DEPTH_CACHE.toNanos()) {
                fetchedAt = now;
                try {
                    last = queues.depths();
                } catch (IOException | RuntimeException e) {
                    last = List.of();
                }
            }
            return last.stream().filter(d -> d.queue().equals(queue)).findFirst().orElse(null);
        }
    }
}
