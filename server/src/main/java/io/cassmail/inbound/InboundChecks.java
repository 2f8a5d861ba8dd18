package io.cassmail.inbound;

import io.cassmail.dns.DnsClient;
import io.cassmail.inbound.milter.MilterAddress;
import io.cassmail.metrics.CassMailMetrics;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The MX's checks on mail from outside, shared by all its sessions: SPF, DKIM and DMARC built in (when
 * {@code enabled}), DNS blocklists, and milters in the order configured. {@link #begin} starts one message.
 */
public final class InboundChecks implements AutoCloseable {
    /**
     * @param enabled          SPF, DKIM, DMARC and Authentication-Results: on (milters and blocklists work either way)
     * @param authservId       the name in this server's Authentication-Results: (RFC 8601 §2.5)
     * @param maxSignatures    DKIM signatures checked per message at most
     * @param enforceDmarc     whether a DMARC {@code reject} is refused and {@code quarantine} filed in Junk
     * @param milterTempfail   a milter that cannot be reached: tempfail the message (true) or go on without it
     */
    public record Settings(boolean enabled, String authservId, int maxSignatures, boolean enforceDmarc,
                           List<String> dnsbl, List<MilterAddress> milters, Duration milterTimeout,
                           boolean milterTempfail) {
    }

    final Settings settings;
    final DnsClient dns;
    final SpfCheck spf;
    final DmarcCheck dmarc;
    final Dnsbl dnsbl;
    final CassMailMetrics metrics;
    final String hostname;
    /** SPF evaluations beside the transfer: at most 64 at once; past that a session evaluates its own (bounded) SPF. */
    final ExecutorService executor = new java.util.concurrent.ThreadPoolExecutor(0, 64, 60, java.util.concurrent.TimeUnit.SECONDS,
            new java.util.concurrent.SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "inbound-check");
                t.setDaemon(true);
                return t;
            }, new java.util.concurrent.ThreadPoolExecutor.CallerRunsPolicy());
    /** Bounds every write to a milter (one that stops reading must not hold a session forever). */
    final io.cassmail.net.ConnectionWatchdog milterWatchdog = new io.cassmail.net.ConnectionWatchdog("milter");

    public InboundChecks(Settings settings, DnsClient dns, String hostname, CassMailMetrics metrics) {
        this.settings = settings;
        this.dns = dns;
        this.spf = new SpfCheck(dns);
        this.dmarc = new DmarcCheck(dns);
        this.dnsbl = new Dnsbl(dns, settings.dnsbl());
        this.metrics = metrics;
        this.hostname = hostname;
    }

    /** Whether anything is checked at all (else the MX stores messages as they come). */
    public boolean active() {
        return settings.enabled() || !settings.milters().isEmpty();
    }

    /** Starts the blocklist lookups for a client; the future gives the refusal for a listed one, or null. */
    public CompletableFuture<String> blocklisted(InetAddress client) {
        return dnsbl.check(client).thenApply(reply -> {
            if (dnsbl.enabled()) {
                metrics.inboundCheck("dnsbl", reply == null ? "pass" : "listed");
            }
            return reply;
        });
    }

    public boolean blocklistsEnabled() {
        return dnsbl.enabled();
    }

    /**
     * Starts the checks of one message: SPF at once, milters' connection steps at once. A client in the trusted
     * networks gets no SPF, DKIM or DMARC check (and no Authentication-Results:); milters see its mail all the same.
     */
    public InboundMessage begin(InboundEnvelope envelope, boolean trusted) {
        return new InboundMessage(this, envelope, settings.enabled() && !trusted);
    }

    public boolean hasMilters() {
        return !settings.milters().isEmpty();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        milterWatchdog.close();
    }
}
