package io.cassmail.relay;

import io.cassmail.delivery.DeliveryTransport;
import io.cassmail.delivery.RecipientOutcome;
import io.cassmail.mail.Addresses;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.MessageStore;
import io.cassmail.store.StoredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers to remote recipients by SMTP (RFC 5321): all recipients of one domain in one transaction, MX hosts
 * tried in order until one gives an answer for the message, the outcome of each recipient from its own RCPT
 * reply and the final reply. Opportunistic STARTTLS (a certificate that does not verify is accepted unless
 * {@code relay.verify-tls}); a handshake that fails is retried once without TLS. At most
 * {@code relay.max-per-destination} transactions per domain at once across this process's relay workers.
 */
public final class RemoteRelayTransport implements DeliveryTransport {
    private static final Logger log = LoggerFactory.getLogger(RemoteRelayTransport.class);
    /** RFC 5321 §4.5.3.2.5: the initiation of DATA. */
    private static final Duration DATA_INITIATION = Duration.ofMinutes(2);

    private final MxResolver resolver;
    private final MessageStore messages;
    private final RelaySettings settings;
    private final SSLContext tls;
    /** The destinations with a delivery in progress, each with its slots; a destination leaves with its last delivery. */
    private final Map<String, Slots> perDestination = new ConcurrentHashMap<>();
    private final DkimSigning dkim;
    private final ConnectionCache connections;

    /** What the relay needs from the configuration; {@code smarthost} null for MX delivery. */
    public record RelaySettings(String heloName, int port, Duration connectTimeout, Duration commandTimeout,
                                Duration dataTimeout, boolean verifyTls, int maxPerDestination, Smarthost smarthost) {
        public RelaySettings(String heloName, int port, Duration connectTimeout, Duration commandTimeout,
                             Duration dataTimeout, boolean verifyTls, int maxPerDestination) {
            this(heloName, port, connectTimeout, commandTimeout, dataTimeout, verifyTls, maxPerDestination, null);
        }
    }

    /**
     * A relay host that takes all outbound mail (for networks that block port 25): where, how TLS is reached
     * ({@code starttls} required, {@code implicit}, or {@code none}), and AUTH PLAIN credentials (null: no AUTH;
     * only ever sent over TLS).
     */
    public record Smarthost(String host, int port, String tls, String user, String password) {
    }

    public RemoteRelayTransport(MxResolver resolver, MessageStore messages, RelaySettings settings) {
        this(resolver, messages, settings, null);
    }

    /** @param dkim signs mail from local domains that have a key; null sends everything unsigned */
    public RemoteRelayTransport(MxResolver resolver, MessageStore messages, RelaySettings settings, DkimSigning dkim) {
        this.dkim = dkim;
        this.connections = new ConnectionCache(settings.maxPerDestination());
        this.resolver = resolver;
        this.messages = messages;
        this.settings = settings;
        this.tls = settings.verifyTls() ? defaultContext() : io.cassmail.tls.TrustingClientTls.context();
    }

    @Override
    public String name() {
        return "relay";
    }

    @Override
    public List<RecipientOutcome> deliver(StoredMessage message, List<DeliveryRecord> recipients) {
        Map<String, List<DeliveryRecord>> byDomain = new LinkedHashMap<>();
        for (DeliveryRecord r : recipients) {
            byDomain.computeIfAbsent(Addresses.domainOf(Addresses.normalize(r.recipient())), d -> new ArrayList<>()).add(r);
        }
        byte[] signature;
        try {
            signature = dkim == null ? new byte[0] : dkim.signature(message, () -> messages.openBody(message));
        } catch (IOException | RuntimeException e) {
            log.warn("message {}: {}", message.id(), e.getMessage());
            return recipients.stream().map(r -> RecipientOutcome.temporary(r.recipient(), "4.3.0",
                    "not sent: " + e.getMessage())).toList();
        }
        Map<String, RecipientOutcome> outcomes = new LinkedHashMap<>();
        for (Map.Entry<String, List<DeliveryRecord>> e : byDomain.entrySet()) {
            for (RecipientOutcome o : toDomain(message, signature, e.getKey(), e.getValue())) {
                outcomes.put(o.recipient(), o);
            }
        }
        return recipients.stream().map(r -> outcomes.get(r.recipient())).toList();
    }

    private List<RecipientOutcome> toDomain(StoredMessage message, byte[] signature, String domain,
                                            List<DeliveryRecord> recipients) {
        Slots slots = perDestination.compute(domain, (d, s) -> (s == null ? new Slots(settings.maxPerDestination()) : s).join());
        try {
            try {
                if (!slots.permits.tryAcquire(30, TimeUnit.SECONDS)) {
                    return all(recipients, r -> RecipientOutcome.temporary(r, "4.4.5",
                            "too many concurrent deliveries to " + domain + " from this relay; deferred"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return all(recipients, r -> RecipientOutcome.temporary(r, "4.3.0", "relay worker interrupted"));
            }
            try {
                return route(message, signature, domain, recipients);
            } finally {
                slots.permits.release();
            }
        } finally {
            perDestination.compute(domain, (d, s) -> s.leave()); // the last one out forgets the destination
        }
    }

    /** How many destinations have a delivery waiting or in progress now (the map forgets idle ones). */
    int destinationsTracked() {
        return perDestination.size();
    }

    /** How many servers have idle connections kept for reuse now. */
    int serversWithIdleConnections() {
        return connections.serversTracked();
    }

    /**
     * One destination's concurrency slots and how many workers hold a reference to them; only changed inside
     * the map's {@code compute}, so the entry goes exactly when the last worker leaves.
     */
    private static final class Slots {
        final Semaphore permits;
        int users;

        Slots(int max) {
            this.permits = new Semaphore(max);
        }

        Slots join() {
            users++;
            return this;
        }

        Slots leave() {
            return --users == 0 ? null : this;
        }
    }

    private List<RecipientOutcome> route(StoredMessage message, byte[] signature, String domain,
                                         List<DeliveryRecord> recipients) {
        if (settings.smarthost() != null) {
            return viaSmarthost(message, signature, recipients);
        }
        MxResolver.Route route = resolver.route(domain);
        if (!route.found()) {
            return all(recipients, r -> route.permanent() ? RecipientOutcome.permanent(r, route.status(), route.reason())
                    : RecipientOutcome.temporary(r, route.status(), route.reason()));
        }
        String lastFailure = "no MX host answered";
        for (String host : route.hosts()) {
            List<InetAddress> addresses;
            try {
                addresses = resolver.addresses(host);
            } catch (IOException e) {
                lastFailure = e.getMessage();
                continue;
            }
            if (addresses.isEmpty()) {
                lastFailure = "MX host " + host + " has no address";
                continue;
            }
            for (InetAddress address : addresses) {
                String mta = host + "[" + address.getHostAddress() + "]";
                try {
                    List<RecipientOutcome> result = transaction(message, signature, recipients, host, address, true);
                    if (result != null) {
                        return result.stream().map(o -> o.from(host)).toList();
                    }
                    lastFailure = mta + " refused the connection with a 4xx/5xx greeting";
                } catch (TlsFailedException e) {
                    log.info("message {}: TLS with {} failed ({}); trying again without TLS", message.id(), mta,
                            e.getMessage());
                    try {
                        List<RecipientOutcome> result = transaction(message, signature, recipients, host, address, false);
                        if (result != null) {
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
        }
        String failure = lastFailure;
        return all(recipients, r -> RecipientOutcome.temporary(r, "4.4.1", failure));
    }

    /** Everything goes to the smarthost; any failure to reach it or to log in is temporary (an operator fixes it). */
    private List<RecipientOutcome> viaSmarthost(StoredMessage message, byte[] signature, List<DeliveryRecord> recipients) {
        Smarthost sh = settings.smarthost();
        String failure;
        try {
            for (InetAddress address : InetAddress.getAllByName(sh.host())) {
                try (SmtpClient c = sh.tls().equals("implicit")
                        ? SmtpClient.connectTls(new InetSocketAddress(address, sh.port()), settings.connectTimeout(),
                        settings.commandTimeout(), tls, sh.host(), settings.verifyTls())
                        : SmtpClient.connect(new InetSocketAddress(address, sh.port()), settings.connectTimeout(),
                        settings.commandTimeout())) {
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
                        c.startTls(tls, sh.host(), settings.verifyTls());
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
                    List<RecipientOutcome> result = send(c, message, signature, recipients, true);
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

    /**
     * One SMTP transaction for the domain's recipients on one address; null when the greeting or EHLO/HELO refused
     * us (try the next host). An {@link IOException} means the connection failed before the server took the message.
     */
    private List<RecipientOutcome> transaction(StoredMessage message, byte[] signature, List<DeliveryRecord> recipients,
                                               String host, InetAddress address, boolean tryTls) throws IOException {
        String server = address.getHostAddress() + ":" + settings.port() + (tryTls ? "" : "/plain");
        SmtpClient cached = connections.take(server);
        if (cached != null) {
            try {
                List<RecipientOutcome> result = send(cached, message, signature, recipients, cached.esmtp());
                connections.release(server, cached);
                return result;
            } catch (IOException e) {
                cached.close();
                throw e;
            }
        }
        SmtpClient c = SmtpClient.connect(new InetSocketAddress(address, settings.port()),
                settings.connectTimeout(), settings.commandTimeout());
        try {
            SmtpReply greeting = c.read();
            if (!greeting.positive()) {
                c.command("QUIT");
                return null;
            }
            SmtpReply hello = c.ehlo(settings.heloName());
            boolean esmtp = hello.positive();
            if (!esmtp) {
                hello = c.command("HELO " + settings.heloName());
                if (!hello.positive()) {
                    return null;
                }
            }
            if (esmtp && tryTls && c.offers("STARTTLS")) {
                SmtpReply ready = c.command("STARTTLS");
                if (ready.code() == 220) {
                    try {
                        c.startTls(tls, host, settings.verifyTls());
                    } catch (IOException e) {
                        throw new TlsFailedException(e.getMessage());
                    }
                    if (!c.ehlo(settings.heloName()).positive()) {
                        return null;
                    }
                }
            }
            List<RecipientOutcome> result = send(c, message, signature, recipients, esmtp);
            c.esmtp(esmtp);
            connections.release(server, c);
            c = null; // handed to the cache
            return result;
        } finally {
            if (c != null) {
                c.close();
            }
        }
    }

    private List<RecipientOutcome> send(SmtpClient c, StoredMessage message, byte[] signature,
                                        List<DeliveryRecord> recipients, boolean esmtp) throws IOException {
        boolean needsUtf8 = !isAscii(message.envelopeFrom())
                || recipients.stream().anyMatch(r -> !isAscii(r.recipient()));
        if (needsUtf8 && !c.offers("SMTPUTF8")) {
            return all(recipients, r -> RecipientOutcome.permanent(r, "5.6.7",
                    "the remote server does not support SMTPUTF8, which this message's addresses need (RFC 6531)"));
        }
        if (!c.offers("8BITMIME") && eightBit(message)) {
            return all(recipients, r -> RecipientOutcome.permanent(r, "5.6.3", "the remote server does not accept"
                    + " 8-bit data (no 8BITMIME, RFC 6152) and this message has 8-bit content; it is sent as stored,"
                    + " never converted"));
        }
        long limit = c.sizeLimit();
        long size = message.size() + signature.length;
        if (limit > 0 && size > limit) {
            return all(recipients, r -> RecipientOutcome.permanent(r, "5.3.4",
                    "message of " + size + " bytes exceeds the remote server's SIZE limit of " + limit));
        }
        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(message.envelopeFrom()).append('>');
        if (esmtp && c.offers("SIZE")) {
            mail.append(" SIZE=").append(size);
        }
        if (esmtp && c.offers("8BITMIME")) {
            mail.append(" BODY=8BITMIME");
        }
        if (needsUtf8) {
            mail.append(" SMTPUTF8");
        }
        boolean dsn = esmtp && c.offers("DSN"); // RFC 3461 §6.2: pass the parameters on; the next hop notifies
        if (dsn && message.dsn() != null) {
            mail.append(' ').append(message.dsn());
        }
        boolean pipelining = esmtp && c.offers("PIPELINING");
        List<SmtpReply> replies = new ArrayList<>();
        if (pipelining) {
            c.send(mail.toString());
            for (DeliveryRecord r : recipients) {
                c.send(rcpt(r, dsn));
            }
            c.flush();
            for (int i = 0; i <= recipients.size(); i++) {
                replies.add(c.read());
            }
        } else {
            replies.add(c.command(mail.toString()));
            if (replies.get(0).positive()) {
                for (DeliveryRecord r : recipients) {
                    replies.add(c.command(rcpt(r, dsn)));
                }
            }
        }
        SmtpReply mailReply = replies.get(0);
        if (!mailReply.positive()) {
            return all(recipients, r -> failure(r, mailReply, "MAIL FROM"));
        }
        Map<String, RecipientOutcome> outcomes = new LinkedHashMap<>();
        List<DeliveryRecord> accepted = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            SmtpReply rcpt = replies.get(i + 1);
            if (rcpt.positive()) {
                accepted.add(recipients.get(i));
            } else {
                outcomes.put(recipients.get(i).recipient(), failure(recipients.get(i).recipient(), rcpt, "RCPT TO"));
            }
        }
        if (!accepted.isEmpty()) {
            SmtpReply go = c.command("DATA");
            if (go.code() != 354) {
                for (DeliveryRecord r : accepted) {
                    outcomes.put(r.recipient(), failure(r.recipient(), go, "DATA"));
                }
            } else {
                SmtpReply done;
                try (InputStream body = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(signature),
                        messages.openBody(message))) {
                    done = c.data(body, settings.dataTimeout());
                }
                for (DeliveryRecord r : accepted) {
                    outcomes.put(r.recipient(), done.positive() ? RecipientOutcome.delivered(r.recipient())
                            .withReply(done.text()).withDsnPassedOn(dsn) : failure(r.recipient(), done, "end of DATA"));
                }
            }
        }
        return recipients.stream().map(r -> outcomes.get(r.recipient())).toList();
    }

    /** Whether any stored byte is outside 7-bit ASCII (read only for the rare peer without 8BITMIME). */
    private boolean eightBit(StoredMessage message) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(messages.openBody(message), 64 * 1024)) {
            int b;
            while ((b = in.read()) >= 0) {
                if (b >= 0x80) {
                    return true;
                }
            }
            return false;
        }
    }

    private static String rcpt(DeliveryRecord r, boolean dsn) {
        return "RCPT TO:<" + r.recipient() + ">" + (dsn && r.dsn() != null ? " " + r.dsn() : "");
    }

    private static RecipientOutcome failure(String recipient, SmtpReply reply, String after) {
        String text = reply.text() + " (in reply to " + after + ")";
        return reply.temporary() ? RecipientOutcome.temporary(recipient, reply.status(), text)
                : RecipientOutcome.permanent(recipient, reply.status(), text);
    }

    private static List<RecipientOutcome> all(List<DeliveryRecord> recipients,
                                              java.util.function.Function<String, RecipientOutcome> outcome) {
        return recipients.stream().map(r -> outcome.apply(r.recipient())).toList();
    }

    private static boolean isAscii(String s) {
        return s == null || StandardCharsets.US_ASCII.newEncoder().canEncode(s);
    }

    /** A STARTTLS handshake that failed: the transaction is tried once more without TLS (opportunistic TLS). */
    private static final class TlsFailedException extends IOException {
        TlsFailedException(String message) {
            super(message);
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
