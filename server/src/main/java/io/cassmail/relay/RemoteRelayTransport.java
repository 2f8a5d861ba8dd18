package io.cassmail.relay;

import io.cassmail.delivery.DeliveryTransport;
import io.cassmail.delivery.RecipientOutcome;
import io.cassmail.mail.Addresses;
import io.cassmail.net.ConnectionWatchdog;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.MessageStore;
import io.cassmail.store.StoredMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers to remote recipients by SMTP (RFC 5321 §5.1): all recipients of one domain in one transaction, MX hosts
 * tried in order until one gives an answer for the message, at most {@code mx-session-limit} sessions and
 * {@code mx-address-limit} addresses per attempt (Postfix's {@code smtp_mx_session_limit} and
 * {@code smtp_mx_address_limit}); addresses that are loopback, private, link-local or unspecified are refused unless
 * {@code relay.allow-private-mx}. Concurrency is counted per MX host with slow start ({@link HostConcurrency}), and
 * every transaction runs under wall-clock deadlines ({@link ConnectionWatchdog}), so hosts that stall hold few threads and mail
 * to the others keeps flowing. Opportunistic STARTTLS; with {@code relay.verify-tls} a failed handshake defers
 * (4.7.5) instead of falling back to plain text.
 */
public final class RemoteRelayTransport implements DeliveryTransport {
    private static final Logger log = LoggerFactory.getLogger(RemoteRelayTransport.class);

    private final MxResolver resolver;
    private final MessageStore messages;
    private final RelaySettings settings;
    private final SSLContext tls;
    private final SSLContext smarthostTls;
    private final HostConcurrency concurrency;
    private final DkimSigning dkim;
    private final ConnectionCache connections;
    private final ConnectionWatchdog watchdog = new ConnectionWatchdog("relay");
    private final Transmitter transmitter;

    /** What the relay needs from the configuration; {@code smarthost} null for MX delivery. */
    public record RelaySettings(String heloName, int port, Duration connectTimeout, Duration commandTimeout,
                                Duration dataTimeout, boolean verifyTls, int maxPerDestination, Smarthost smarthost,
                                Limits limits) {
        public RelaySettings(String heloName, int port, Duration connectTimeout, Duration commandTimeout,
                             Duration dataTimeout, boolean verifyTls, int maxPerDestination) {
            this(heloName, port, connectTimeout, commandTimeout, dataTimeout, verifyTls, maxPerDestination, null,
                    Limits.DEFAULTS);
        }

        public RelaySettings(String heloName, int port, Duration connectTimeout, Duration commandTimeout,
                             Duration dataTimeout, boolean verifyTls, int maxPerDestination, Smarthost smarthost) {
            this(heloName, port, connectTimeout, commandTimeout, dataTimeout, verifyTls, maxPerDestination, smarthost,
                    Limits.DEFAULTS);
        }

        /** The same settings with other limits. */
        public RelaySettings with(Limits other) {
            return new RelaySettings(heloName, port, connectTimeout, commandTimeout, dataTimeout, verifyTls,
                    maxPerDestination, smarthost, other);
        }
    }

    /**
     * What one attempt may cost: whether private MX addresses are dialled, how many addresses and sessions are tried,
     * the wall-clock limit of one transaction and of one job's transactions together (below RabbitMQ's consumer
     * timeout, so the broker never hands a job still being sent to a second worker), how long a block of DATA may
     * take to write (RFC 5321 §4.5.3.2.5), and how long a job waits for a slot at a busy host before it is deferred.
     */
    public record Limits(boolean allowPrivateMx, int mxAddressLimit, int mxSessionLimit, Duration transactionTimeout,
                         Duration jobTimeout, Duration dataBlockTimeout, Duration slotWait) {
        public static final Limits DEFAULTS = new Limits(false, 5, 2, Duration.ofMinutes(20), Duration.ofMinutes(25),
                Duration.ofMinutes(3), Duration.ofSeconds(10));

        /** The same limits, with private MX addresses allowed or not (test rigs and private networks). */
        public Limits allowPrivateMx(boolean allow) {
            return new Limits(allow, mxAddressLimit, mxSessionLimit, transactionTimeout, jobTimeout, dataBlockTimeout,
                    slotWait);
        }
    }

    /**
     * A relay host that takes all outbound mail (for networks that block port 25): where, how TLS is reached
     * ({@code starttls} required, {@code implicit}, or {@code none}), AUTH PLAIN credentials (null: no AUTH), and the
     * PEM file of authorities its certificate must verify against (null: the JVM's). Its certificate and name are
     * always verified: the password only ever goes over TLS to the host it is meant for.
     */
    public record Smarthost(String host, int port, String tls, String user, String password, java.nio.file.Path ca) {
        /** Trusting the JVM's authorities. */
        public Smarthost(String host, int port, String tls, String user, String password) {
            this(host, port, tls, user, password, null);
        }
    }

    public RemoteRelayTransport(MxResolver resolver, MessageStore messages, RelaySettings settings) {
        this(resolver, messages, settings, null);
    }

    /** @param dkim signs mail from local domains that have a key; null sends everything unsigned */
    public RemoteRelayTransport(MxResolver resolver, MessageStore messages, RelaySettings settings, DkimSigning dkim) {
        this.dkim = dkim;
        this.connections = new ConnectionCache(settings.maxPerDestination());
        this.concurrency = new HostConcurrency(settings.maxPerDestination());
        this.resolver = resolver;
        this.messages = messages;
        this.settings = settings;
        this.tls = settings.verifyTls() ? defaultContext() : io.cassmail.tls.TrustingClientTls.context();
        this.smarthostTls = settings.smarthost() == null ? null
                : io.cassmail.tls.VerifyingClientTls.context(settings.smarthost().ca());
        Limits limits = settings.limits();
        this.transmitter = new Transmitter(messages, settings.heloName(), settings.port(),
                new Transmitter.Timeouts(settings.connectTimeout(), settings.commandTimeout(),
                        limits.dataBlockTimeout(), settings.dataTimeout()),
                tls, settings.verifyTls(), connections, watchdog);
    }

    @Override
    public String name() {
        return "relay";
    }

    @Override
    public List<RecipientOutcome> deliver(StoredMessage message, List<DeliveryRecord> recipients) {
        JobDeadline deadline = new JobDeadline(settings.limits());
        Map<String, List<DeliveryRecord>> byDomain = new LinkedHashMap<>();
        for (DeliveryRecord r : recipients) {
            byDomain.computeIfAbsent(Addresses.domainOf(Addresses.normalize(r.recipient())), d -> new ArrayList<>()).add(r);
        }
        Signature signature = new Signature(message);
        Map<String, RecipientOutcome> outcomes = new LinkedHashMap<>();
        for (Map.Entry<String, List<DeliveryRecord>> e : byDomain.entrySet()) {
            List<RecipientOutcome> result = deadline.over()
                    ? all(e.getValue(), r -> RecipientOutcome.temporary(r, "4.4.1", "not tried: this attempt's time"
                    + " (relay.job-timeout) ran out on other domains; tried again later"))
                    : route(message, signature, e.getKey(), e.getValue(), deadline);
            for (RecipientOutcome o : result) {
                outcomes.put(o.recipient(), o);
            }
        }
        return recipients.stream().map(r -> outcomes.get(r.recipient())).toList();
    }

    /** Transactions in progress now, to all hosts. */
    int transactionsInProgress() {
        return concurrency.active();
    }

    /** How many servers have idle connections kept for reuse now. */
    int serversWithIdleConnections() {
        return connections.serversTracked();
    }

    /** Whether mail may be sent to {@code address}: loopback, private, link-local, unspecified and such are refused. */
    static boolean isPrivate(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (b.length == 4) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || first >= 240 || (first == 100 && (second & 0xc0) == 64) // 0/8, 240/4, 100.64/10
                    || (first == 169 && second == 254) || (first == 192 && second == 0 && (b[2] & 0xff) == 0);
        }
        return (b[0] & 0xfe) == 0xfc; // fc00::/7, unique local (RFC 4193)
    }

    /**
     * The message's {@code DKIM-Signature} field, made once per job when the first transaction holds its slot (a job
     * deferred for a busy host reads no body), then reused for every domain.
     */
    private final class Signature {
        private final StoredMessage message;
        private byte[] field;

        Signature(StoredMessage message) {
            this.message = message;
        }

        byte[] get() throws IOException {
            if (field == null) {
                try {
                    field = dkim == null ? new byte[0] : dkim.signature(message, () -> messages.openBody(message));
                } catch (RuntimeException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
            return field;
        }

        /** Every recipient deferred because signing failed (a store outage): not sent unsigned. */
        List<RecipientOutcome> failed(List<DeliveryRecord> recipients, IOException e) {
            log.warn("message {}: {}", message.id(), e.getMessage());
            return all(recipients, r -> RecipientOutcome.temporary(r, "4.3.0", "not sent: " + e.getMessage()));
        }
    }

    private List<RecipientOutcome> route(StoredMessage message, Signature signing, String domain,
                                         List<DeliveryRecord> recipients, JobDeadline deadline) {
        if (settings.smarthost() != null) {
            return withSlot(settings.smarthost().host(), recipients, slot -> {
                try {
                    return viaSmarthost(message, signing.get(), recipients, deadline);
                } catch (IOException e) {
                    return signing.failed(recipients, e);
                }
            });
        }
        MxResolver.Route route = resolver.route(domain);
        if (!route.found()) {
            return all(recipients, r -> route.permanent() ? RecipientOutcome.permanent(r, route.status(), route.reason())
                    : RecipientOutcome.temporary(r, route.status(), route.reason()));
        }
        Limits limits = settings.limits();
        String lastFailure = "no MX host answered";
        String lastStatus = "4.4.1";
        int privateRefused = 0;
        int reachable = 0; // hosts with a public address, or whose lookup failed (maybe they have one)
        int addressesTried = 0;
        int sessions = 0;
        for (String host : route.hosts()) {
            if (addressesTried >= limits.mxAddressLimit() || sessions >= limits.mxSessionLimit()) {
                break;
            }
            List<InetAddress> addresses = new ArrayList<>();
            try {
                for (InetAddress a : resolver.addresses(host)) {
                    if (!limits.allowPrivateMx() && isPrivate(a)) {
                        privateRefused++;
                        log.warn("message {}: MX host {} of {} has the private address {}; not dialled"
                                + " (relay.allow-private-mx)", message.id(), host, domain, a.getHostAddress());
                    } else {
                        addresses.add(a);
                    }
                }
            } catch (IOException e) {
                lastFailure = e.getMessage();
                reachable++;
                continue;
            }
            if (addresses.isEmpty()) {
                lastFailure = "MX host " + host + " has no usable address";
                continue;
            }
            reachable++;
            HostConcurrency.Slot slot;
            try {
                slot = concurrency.acquire(host, limits.slotWait());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return all(recipients, r -> RecipientOutcome.temporary(r, "4.3.0", "relay worker interrupted"));
            }
            if (slot == null) {
                lastStatus = "4.4.5";
                lastFailure = "too many concurrent deliveries to " + host + " from this relay (it has "
                        + concurrency.limit(host) + " slot(s) while it proves itself); deferred";
                continue;
            }
            boolean answered = false;
            try {
                byte[] signature;
                try {
                    signature = signing.get();
                } catch (IOException e) {
                    answered = true; // not the host's fault
                    return signing.failed(recipients, e);
                }
                for (InetAddress address : addresses) {
                    if (addressesTried >= limits.mxAddressLimit() || sessions >= limits.mxSessionLimit()
                            || deadline.over()) {
                        break;
                    }
                    addressesTried++;
                    String mta = host + "[" + address.getHostAddress() + "]";
                    try {
                        sessions++;
                        List<RecipientOutcome> result = transmitter.transaction(message, signature, recipients, host,
                                address, true, deadline.transaction());
                        if (result != null) {
                            answered = result.stream().noneMatch(RecipientOutcome::mayHaveLanded);
                            return result.stream().map(o -> o.from(host)).toList();
                        }
                        answered = true;
                        lastFailure = mta + " refused the connection with a 4xx/5xx greeting";
                    } catch (Transmitter.NoSessionException e) {
                        sessions--;
                        lastFailure = "connection to " + mta + " failed: " + e.getMessage();
                        log.info("message {}: {}", message.id(), lastFailure);
                    } catch (Transmitter.TlsFailedException e) {
                        if (settings.verifyTls()) {
                            lastStatus = "4.7.5";
                            lastFailure = "TLS with " + mta + " failed (" + e.getMessage() + ") and relay.verify-tls"
                                    + " forbids sending in plain text";
                            log.info("message {}: {}", message.id(), lastFailure);
                            continue;
                        }
                        log.info("message {}: TLS with {} failed ({}); trying again without TLS", message.id(), mta,
                                e.getMessage());
                        try {
                            List<RecipientOutcome> result = transmitter.transaction(message, signature, recipients,
                                    host, address, false, deadline.transaction());
                            if (result != null) {
                                answered = result.stream().noneMatch(RecipientOutcome::mayHaveLanded);
                                return result.stream().map(o -> o.from(host)).toList();
                            }
                        } catch (IOException again) {
                            lastFailure = "connection to " + mta + " failed: " + again.getMessage();
                        }
                    } catch (IOException e) {
                        lastFailure = "connection to " + mta + " failed: " + e.getMessage();
                        log.info("message {}: {}", message.id(), lastFailure);
                    }
                }
            } finally {
                if (answered) {
                    slot.completed();
                } else {
                    slot.failed();
                }
            }
        }
        if (reachable == 0 && privateRefused > 0) {
            return all(recipients, r -> RecipientOutcome.permanent(r, "5.4.4", "every MX host of " + domain
                    + " resolves to a loopback, private or otherwise unroutable address; not dialled"
                    + " (relay.allow-private-mx=false)"));
        }
        String failure = lastFailure;
        String status = lastStatus;
        return all(recipients, r -> RecipientOutcome.temporary(r, status, failure));
    }

    /** Runs {@code send} holding a slot for {@code host}, or defers every recipient when none comes free in time. */
    private List<RecipientOutcome> withSlot(String host, List<DeliveryRecord> recipients,
                                            java.util.function.Function<HostConcurrency.Slot, List<RecipientOutcome>> send) {
        HostConcurrency.Slot slot;
        try {
            slot = concurrency.acquire(host, settings.limits().slotWait());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return all(recipients, r -> RecipientOutcome.temporary(r, "4.3.0", "relay worker interrupted"));
        }
        if (slot == null) {
            return all(recipients, r -> RecipientOutcome.temporary(r, "4.4.5",
                    "too many concurrent deliveries to " + host + " from this relay; deferred"));
        }
        List<RecipientOutcome> result = List.of();
        try {
            result = send.apply(slot);
            return result;
        } finally {
            if (result.stream().anyMatch(o -> o.kind() != RecipientOutcome.Kind.TEMPORARY)) {
                slot.completed();
            } else {
                slot.failed();
            }
        }
    }

    /** Everything goes to the smarthost; any failure to reach it or to log in is temporary (an operator fixes it). */
    private List<RecipientOutcome> viaSmarthost(StoredMessage message, byte[] signature, List<DeliveryRecord> recipients,
                                                JobDeadline deadline) {
        Smarthost sh = settings.smarthost();
        String failure;
        try {
            for (InetAddress address : InetAddress.getAllByName(sh.host())) {
                try (SmtpClient c = sh.tls().equals("implicit")
                        ? SmtpClient.connectTls(new InetSocketAddress(address, sh.port()), settings.connectTimeout(),
                        settings.commandTimeout(), watchdog, smarthostTls, sh.host(), true)
                        : SmtpClient.connect(new InetSocketAddress(address, sh.port()), settings.connectTimeout(),
                        settings.commandTimeout(), watchdog)) {
                    c.transactionDeadline(deadline.transaction());
                    SmtpReply greeting = c.read();
                    if (!greeting.positive() || !c.ehlo(settings.heloName()).positive()) {
                        return all(recipients, r -> RecipientOutcome.temporary(r, "4.4.1",
                                "smarthost " + sh.host() + " refused us: " + greeting.text()));
                    }
                    if (sh.tls().equals("starttls")) {
                        SmtpReply ready = c.offers("STARTTLS") ? c.command("STARTTLS") : null;
                        if (ready == null || ready.code() != 220) {
                            return all(recipients, r -> RecipientOutcome.temporary(r, "4.7.4",
                                    "smarthost " + sh.host() + " does not offer STARTTLS, which relay.smarthost-tls requires"));
                        }
                        try {
                            c.startTls(smarthostTls, sh.host(), true);
                        } catch (javax.net.ssl.SSLException e) {
                            return all(recipients, r -> RecipientOutcome.temporary(r, "4.7.5", "smarthost " + sh.host()
                                    + ": TLS failed (" + e.getMessage() + "); its certificate must verify"
                                    + " (relay.smarthost-ca names a private authority), no password goes without"));
                        }
                        c.ehlo(settings.heloName());
                    }
                    if (sh.user() != null) {
                        SmtpReply auth = c.command("AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString(
                                ("\0" + sh.user() + "\0" + sh.password()).getBytes(StandardCharsets.UTF_8)));
                        if (auth.code() != 235) {
                            return all(recipients, r -> RecipientOutcome.temporary(r, "4.7.0",
                                    "smarthost " + sh.host() + " refused our login as " + sh.user() + ": " + auth.text()));
                        }
                    }
                    List<RecipientOutcome> result = transmitter.send(c, message, signature, recipients, true);
                    ConnectionCache.quit(c);
                    return result.stream().map(o -> o.from(sh.host())).toList();
                } catch (IOException e) {
                    failure = "smarthost " + sh.host() + "[" + address.getHostAddress() + "]:" + sh.port() + " failed: "
                            + e.getMessage();
                    log.info("message {}: {}", message.id(), failure);
                }
            }
            failure = "smarthost " + sh.host() + " could not be reached";
        } catch (IOException e) {
            failure = "smarthost " + sh.host() + " does not resolve: " + e.getMessage();
        }
        String why = failure;
        return all(recipients, r -> RecipientOutcome.temporary(r, "4.4.1", why));
    }

    private static List<RecipientOutcome> all(List<DeliveryRecord> recipients,
                                              java.util.function.Function<String, RecipientOutcome> outcome) {
        return recipients.stream().map(r -> outcome.apply(r.recipient())).toList();
    }

    /** The wall-clock budget of one job: each transaction gets its own limit, cut to what is left of the job's. */
    private static final class JobDeadline {
        private final long end;
        private final Duration perTransaction;

        JobDeadline(Limits limits) {
            this.end = System.nanoTime() + limits.jobTimeout().toNanos();
            this.perTransaction = limits.transactionTimeout();
        }

        boolean over() {
            return System.nanoTime() - end >= 0;
        }

        Duration transaction() {
            Duration left = Duration.ofNanos(Math.max(0, end - System.nanoTime()));
            return left.compareTo(perTransaction) < 0 ? left : perTransaction;
        }
    }

    private static SSLContext defaultContext() {
        try {
            return SSLContext.getDefault();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
