package io.cassmail.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
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
    private final Map<String, AtomicInteger> imapSessions = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> imapIdle = new ConcurrentHashMap<>();
    private final Map<List<String>, Meter> meters = new ConcurrentHashMap<>();

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
        counter("cassmail.smtp.connections", null, "SMTP connections accepted by the socket",
                "listener", listener, "result", admitted ? "admitted" : "refused").increment();
    }

    /** An admitted SMTP session started ({@code +1}) or ended ({@code -1}). */
    public void smtpSessions(String listener, int delta) {
        sessions(smtpSessions, "cassmail.smtp.sessions", "SMTP sessions open now", listener).addAndGet(delta);
    }

    /** One SMTP reply (its last line): class {@code 2xx}/{@code 4xx}/{@code 5xx} and the RFC 3463 code. */
    public void smtpReply(String listener, char replyClass, String enhancedCode) {
        counter("cassmail.smtp.replies", null, "SMTP replies sent, by class and enhanced status code",
                "listener", listener, "class", replyClass + "xx", "code", enhancedCode == null ? "none" : enhancedCode)
                .increment();
    }

    /** SMTP AUTH: a success or a failure (wrong credentials). */
    public void smtpAuth(String listener, boolean success) {
        counter("cassmail.smtp.auth", null, "SMTP AUTH attempts that reached a password check",
                "listener", listener, "result", success ? "success" : "failure").increment();
    }

    /** A message got its 250: its size and the time from the end of DATA to the 250 (the durable writes). */
    public void messageAccepted(String listener, long bytes, Duration intake) {
        counter("cassmail.smtp.messages.accepted", null, "messages answered 250", "listener", listener).increment();
        counter("cassmail.smtp.accepted", "bytes", "bytes of messages answered 250", "listener", listener)
                .increment(bytes);
        timer("cassmail.smtp.intake", "end of DATA to 250: storing the message and queueing its job",
                "listener", listener).record(intake);
    }

    /** A recipient's delivery attempt ended: {@code delivered}, {@code retried}, {@code bounced} or {@code parked}. */
    public void deliveryOutcome(String transport, String outcome) {
        counter("cassmail.delivery.outcomes", null, "recipient delivery attempts by outcome",
                "transport", transport, "outcome", outcome).increment();
    }

    /** From acceptance (the message id's time) to the recipient's mailbox entry. */
    public void deliveryLatency(String transport, Duration sinceAccepted) {
        timer("cassmail.delivery.latency", "accepted (250) to delivered", "transport", transport)
                .record(sinceAccepted.isNegative() ? Duration.ZERO : sinceAccepted);
    }

    /** A POP3 password check: a success or a failure. */
    public void pop3Login(String listener, boolean success) {
        counter("cassmail.pop3.logins", null, "POP3 logins that reached a password check",
                "listener", listener, "result", success ? "success" : "failure").increment();
    }

    /** A POP3 session started ({@code +1}) or ended ({@code -1}). */
    public void pop3Sessions(String listener, int delta) {
        sessions(pop3Sessions, "cassmail.pop3.sessions", "POP3 sessions open now", listener).addAndGet(delta);
    }

    /** Bytes of one message sent by RETR (before byte-stuffing). */
    public void pop3Retrieved(String listener, long bytes) {
        counter("cassmail.pop3.retr", "bytes", "message bytes sent by RETR", "listener", listener).increment(bytes);
    }

    /** An IMAP password check (LOGIN, AUTHENTICATE): a success or a failure. */
    public void imapLogin(String listener, boolean success) {
        counter("cassmail.imap.logins", null, "IMAP logins that reached a password check",
                "listener", listener, "result", success ? "success" : "failure").increment();
    }

    /** An IMAP session started ({@code +1}) or ended ({@code -1}). */
    public void imapSessions(String listener, int delta) {
        sessions(imapSessions, "cassmail.imap.sessions", "IMAP sessions open now", listener).addAndGet(delta);
    }

    /** An IMAP session started ({@code +1}) or ended ({@code -1}) an IDLE. */
    public void imapIdle(int delta) {
        sessions(imapIdle, "cassmail.imap.idle", "IMAP sessions in IDLE now", "imap").addAndGet(delta);
    }

    /** One IMAP command by name ({@code UID FETCH} and so on). */
    public void imapCommand(String name) {
        counter("cassmail.imap.commands", null, "IMAP commands run, by name", "command", name).increment();
    }

    /** How long an IMAP command took, from its line read to its tagged answer. */
    public void imapLatency(String name, long nanos) {
        timer("cassmail.imap.latency", "IMAP command latency", "command", name)
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** A mailbox change notice reached this process's IMAP sessions. */
    public void imapNotice() {
        counter("cassmail.imap.notices", null, "mailbox change notices heard by IMAP sessions").increment();
    }

    /** One inbound check's outcome on the MX ({@code check}: spf, dkim, dmarc, milter, dnsbl; {@code result} as RFC 8601 names it). */
    public void inboundCheck(String check, String result) {
        counter("cassmail.inbound.checks", null, "outcomes of the MX's SPF, DKIM, DMARC, milter and DNSBL checks",
                "check", check, "result", result).increment();
    }

    /** The counter of this name and tags ({@code key, value, ...}); {@code baseUnit} null for a plain count. */
    private Counter counter(String name, String baseUnit, String description, String... tags) {
        return (Counter) meter(name, tags, () -> Counter.builder(name).baseUnit(baseUnit).description(description)
                .tags(tags).register(registry));
    }

    /** The latency timer of this name and tags, with the histogram buckets of {@link #LATENCY_BUCKETS}. */
    private Timer timer(String name, String description, String... tags) {
        return (Timer) meter(name, tags, () -> Timer.builder(name).description(description)
                .serviceLevelObjectives(LATENCY_BUCKETS).tags(tags).register(registry));
    }

    /**
     * The meter of this name and tags, built and registered on its first event only: a lookup by name and tags
     * instead of a builder, a sorted tag list and a registry lookup on every reply and every message.
     */
    private Meter meter(String name, String[] tags, Supplier<Meter> register) {
        String[] key = Arrays.copyOf(tags, tags.length + 1);
        key[tags.length] = name;
        List<String> k = List.of(key);
        Meter m = meters.get(k);
        return m != null ? m : meters.computeIfAbsent(k, x -> register.get());
    }

    private AtomicInteger sessions(Map<String, AtomicInteger> all, String name, String description, String listener) {
        return all.computeIfAbsent(listener, l -> {
            AtomicInteger open = new AtomicInteger();
            Gauge.builder(name, open, AtomicInteger::get).description(description).tag("listener", l).register(registry);
            return open;
        });
    }
}
