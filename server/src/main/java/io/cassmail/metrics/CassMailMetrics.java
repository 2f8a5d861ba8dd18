package io.cassmail.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Every metric CassMail records, named once (README "Metrics"). Protocol and delivery code call these methods;
 * Micrometer turns {@code cassmail.smtp.connections} into Prometheus's {@code cassmail_smtp_connections_total}.
 */
public final class CassMailMetrics {
    /** Buckets of the latency histograms, from a fast local write to a slow retry. */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2)};

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> smtpSessions = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> pop3Sessions = new ConcurrentHashMap<>();
    private final Map<List<Object>, Meter> meters = new ConcurrentHashMap<>();

    public CassMailMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records nothing (a registry without children): for tests and tools that do not publish metrics. */
    public static CassMailMetrics none() {
        return new CassMailMetrics(new CompositeMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A connection reached an SMTP listener; {@code admitted} false when a connection limit refused it. */
    public void smtpConnection(String listener, boolean admitted) {
        this.<Counter>meter(() -> Counter.builder("cassmail.smtp.connections").description("SMTP connections accepted by the socket")
                .tags("listener", listener, "result", admitted ? "admitted" : "refused").register(registry),
                "smtp.connections", listener, admitted).increment();
    }

    /** An admitted SMTP session started ({@code +1}) or ended ({@code -1}). */
    public void smtpSessions(String listener, int delta) {
        sessions(smtpSessions, "cassmail.smtp.sessions", "SMTP sessions open now", listener).addAndGet(delta);
    }

    /** One SMTP reply (its last line): class {@code 2xx}/{@code 4xx}/{@code 5xx} and the RFC 3463 code. */
    public void smtpReply(String listener, char replyClass, String enhancedCode) {
        this.<Counter>meter(() -> Counter.builder("cassmail.smtp.replies")
                .description("SMTP replies sent, by class and enhanced status code")
                .tags("listener", listener, "class", replyClass + "xx", "code", enhancedCode == null ? "none" : enhancedCode)
                .register(registry), "smtp.replies", listener, replyClass, enhancedCode == null ? "none" : enhancedCode)
                .increment();
    }

    /** SMTP AUTH: a success or a failure (wrong credentials). */
    public void smtpAuth(String listener, boolean success) {
        this.<Counter>meter(() -> Counter.builder("cassmail.smtp.auth").description("SMTP AUTH attempts that reached a password check")
                .tags("listener", listener, "result", success ? "success" : "failure").register(registry),
                "smtp.auth", listener, success).increment();
    }

    /** A message got its 250: its size and the time from the end of DATA to the 250 (the durable writes). */
    public void messageAccepted(String listener, long bytes, Duration intake) {
        this.<Counter>meter(() -> Counter.builder("cassmail.smtp.messages.accepted").description("messages answered 250")
                .tag("listener", listener).register(registry), "smtp.messages.accepted", listener).increment();
        this.<Counter>meter(() -> Counter.builder("cassmail.smtp.accepted").baseUnit("bytes")
                .description("bytes of messages answered 250").tag("listener", listener).register(registry),
                "smtp.accepted", listener).increment(bytes);
        this.<Timer>meter(() -> Timer.builder("cassmail.smtp.intake")
                .description("end of DATA to 250: storing the message and queueing its job")
                .serviceLevelObjectives(LATENCY_BUCKETS).tag("listener", listener).register(registry),
                "smtp.intake", listener).record(intake);
    }

    /** A recipient's delivery attempt ended: {@code delivered}, {@code retried}, {@code bounced} or {@code parked}. */
    public void deliveryOutcome(String transport, String outcome) {
        this.<Counter>meter(() -> Counter.builder("cassmail.delivery.outcomes").description("recipient delivery attempts by outcome")
                .tags("transport", transport, "outcome", outcome).register(registry),
                "delivery.outcomes", transport, outcome).increment();
    }

    /** From acceptance (the message id's time) to the recipient's mailbox entry. */
    public void deliveryLatency(String transport, Duration sinceAccepted) {
        this.<Timer>meter(() -> Timer.builder("cassmail.delivery.latency").description("accepted (250) to delivered")
                .serviceLevelObjectives(LATENCY_BUCKETS).tag("transport", transport).register(registry),
                "delivery.latency", transport).record(sinceAccepted.isNegative() ? Duration.ZERO : sinceAccepted);
    }

    /** A POP3 password check: a success or a failure. */
    public void pop3Login(String listener, boolean success) {
        this.<Counter>meter(() -> Counter.builder("cassmail.pop3.logins").description("POP3 logins that reached a password check")
                .tags("listener", listener, "result", success ? "success" : "failure").register(registry),
                "pop3.logins", listener, success).increment();
    }

    /** A POP3 session started ({@code +1}) or ended ({@code -1}). */
    public void pop3Sessions(String listener, int delta) {
        sessions(pop3Sessions, "cassmail.pop3.sessions", "POP3 sessions open now", listener).addAndGet(delta);
    }

    /** Bytes of one message sent by RETR (before byte-stuffing). */
    public void pop3Retrieved(String listener, long bytes) {
        this.<Counter>meter(() -> Counter.builder("cassmail.pop3.retr").baseUnit("bytes").description("message bytes sent by RETR")
                .tag("listener", listener).register(registry), "pop3.retr", listener).increment(bytes);
    }

    /**
     * The meter for these tag values, built and registered on its first event only: a lookup by the values
     * instead of a builder, a sorted tag list and a registry lookup on every reply and every message.
     */
    @SuppressWarnings("unchecked")
    private <M extends Meter> M meter(Supplier<M> register, Object... tagValues) {
        List<Object> key = List.of(tagValues);
        Meter m = meters.get(key);
        return (M) (m != null ? m : meters.computeIfAbsent(key, k -> register.get()));
    }

    private AtomicInteger sessions(Map<String, AtomicInteger> all, String name, String description, String listener) {
        return all.computeIfAbsent(listener, l -> {
            AtomicInteger open = new AtomicInteger();
            Gauge.builder(name, open, AtomicInteger::get).description(description).tag("listener", l).register(registry);
            return open;
        });
    }
}
