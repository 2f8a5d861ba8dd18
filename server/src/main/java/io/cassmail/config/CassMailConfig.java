package io.cassmail.config;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import io.cassmail.schema.Replication;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The whole configuration, parsed once at start and passed through constructors. */
public record CassMailConfig(
        CassandraConfig cassandra,
        AmqpConfig amqp,
        SmtpConfig smtp,
        Pop3Config pop3,
        ImapConfig imap,
        SubmissionConfig submission,
        TlsConfig tls,
        DeliveryConfig delivery,
        MailboxConfig mailbox,
        PasswordConfig password,
        AuthConfig auth,
        ReconcileConfig reconcile,
        MetricsConfig metrics,
        RelayConfig relay,
        String hostname,
        InboundConfig inbound,
        AdminConfig admin) {

    /**
     * The admin API and web admin's HTTPS listener (README "Admin API and web admin"): loopback by default, TLS with
     * the listeners' certificate, browser sessions that last {@code sessionTtl}, request bodies of at most
     * {@code maxBody} bytes; port {@link #OFF} turns it off.
     */
    public record AdminConfig(String bind, int port, Duration sessionTtl, long maxBody) {
    }

    /**
     * The MX's checks on mail from outside (README "Inbound mail authentication"): the {@code dns} servers every
     * check asks, the built-in SPF/DKIM/DMARC and their settings, clients trusted without them, DNS blocklists and
     * milters.
     */
    public record InboundConfig(List<InetSocketAddress> dns, Duration dnsTimeout,
                                io.cassmail.inbound.InboundChecks.Settings checks,
                                io.cassmail.inbound.TrustedNetworks trusted) {
    }

    /** Argon2id cost for new password hashes (OWASP: 19 MiB, 2 iterations). */
    public record PasswordConfig(int argon2MemoryKib, int argon2Iterations) {
        public io.cassmail.auth.PasswordHasher hasher() {
            return new io.cassmail.auth.PasswordHasher(argon2MemoryKib, argon2Iterations);
        }
    }

    /** Where Cassandra is and how CassMail talks to it. */
    public record CassandraConfig(List<InetSocketAddress> contactPoints, String localDc, String keyspace,
                                  Replication replication, DefaultConsistencyLevel consistency,
                                  Duration connectTimeout, Duration requestTimeout, Duration speculativeDelay) {
        public String contactPointsText() {
            return String.join(",", contactPoints.stream().map(a -> a.getHostString() + ":" + a.getPort()).toList());
        }
    }

    /** The RabbitMQ broker and the prefix of every exchange and queue name CassMail declares. */
    public record AmqpConfig(String uri, String queuePrefix, Duration confirmTimeout) {
    }

    /**
     * SMTP listener limits (RFC 5321 §4.5.3). {@code minDataRate}: bytes per second a client must keep up
     * while sending DATA, beyond the read timeout (Postfix's {@code smtpd_min_data_rate}); {@code inFlightMemory}:
     * heap all messages on their way in may hold before DATA is refused with 451 4.3.1.
     */
    public record SmtpConfig(String bind, int port, long maxMessageSize, int maxRecipients, int maxConnections,
                             int maxConnectionsPerIp, Duration readTimeout, Duration sessionTimeout,
                             String postmaster, int minDataRate, long inFlightMemory, int listenBacklog,
                             Duration stressTimeout, int stressMaxConnectionsPerIp) {
    }

    /**
     * POP3 listener limits (RFC 1939 §3: the idle timer is at least 10 minutes); a login shows at most
     * {@code maxMessages}, the oldest, in the manner of a
     * {@code pop3_max_messages} limit.
     */
    public record Pop3Config(String bind, int port, Duration idleTimeout, int maxConnections, Duration authFailureDelay,
                             int maxMessages, int maxAuthFailures, int maxConnectionsPerIp, Duration writeTimeout,
                             int tlsPort, boolean allowPlaintext, Duration sessionTimeout, long snapshotMemory) {
    }

    /**
     * IMAP listener limits (RFC 9051): the idle timer is at least 30 minutes (§5.4); {@code maxLiteral} bounds any
     * literal but APPEND's, whose bound is {@code appendLimit} (RFC 7889); {@code maxLine} bounds a command line
     * between literals; {@code maxPerAccount} sessions of one account at once on this front end; {@code structureCache}
     * bytes of parsed headers kept for every session of the process; {@code selectMemory} bytes all selected folders
     * of the process may hold; {@code accountHiddenCapabilities} what each named account is not shown after login;
     * {@code searchBudget} bytes of mail one SEARCH may read for its text keys.
     */
    public record ImapConfig(String bind, int port, int tlsPort, Duration idleTimeout, int maxConnections,
                             int maxConnectionsPerIp, int maxPerAccount, Duration writeTimeout,
                             Duration authFailureDelay, int maxAuthFailures, boolean allowPlaintext, int maxLine,
                             int maxLiteral, long appendLimit, int maxMessages, List<String> hiddenCapabilities,
                             long structureCache, long selectMemory,
                             java.util.Map<String, List<String>> accountHiddenCapabilities, long searchBudget) {
        /** The same limits with another idle timeout (tests of the watchdog use seconds, below RFC 9051's floor). */
        public ImapConfig withIdleTimeout(Duration idle) {
            return new ImapConfig(bind, port, tlsPort, idle, maxConnections, maxConnectionsPerIp, maxPerAccount,
                    writeTimeout, authFailureDelay, maxAuthFailures, allowPlaintext, maxLine, maxLiteral, appendLimit,
                    maxMessages, hiddenCapabilities, structureCache, selectMemory, accountHiddenCapabilities,
                    searchBudget);
        }
    }

    /**
     * The mail submission listeners (RFC 6409 on {@code port}, implicit TLS per RFC 8314 on {@code implicitPort};
     * {@link #OFF} turns one off) and the per-user sending limits they enforce; {@code receivedAuthUser} names the
     * authenticated user in the Received header.
     */
    public record SubmissionConfig(String bind, int port, int implicitPort, int maxMessagesPerHour, int maxRecipients,
                                   boolean receivedAuthUser) {
    }

    /** PEM certificate chain and PKCS#8 key for every TLS listener; both null: no TLS offered anywhere. */
    public record TlsConfig(java.nio.file.Path cert, java.nio.file.Path key) {
        public boolean enabled() {
            return cert != null;
        }
    }

    /**
     * Outbound relay (RFC 5321 §5.1 MX delivery): its own worker pool, the DNS servers to ask (empty: the system's),
     * the remote port (25), timeouts per §4.5.3.2, whether a remote certificate must verify, and how many
     * transactions per destination domain may run at once.
     */
    public record RelayConfig(int threads, List<InetSocketAddress> dns, Duration dnsTimeout, int port,
                              Duration connectTimeout, Duration commandTimeout, Duration dataTimeout, boolean verifyTls,
                              int maxPerDestination, SmarthostConfig smarthost, RelayLimits limits) {
    }

    /**
     * What one relay attempt may cost (README "Reliability"): private MX addresses dialled or not, MX addresses and
     * sessions tried, wall-clock limits per transaction and per job, per DATA block, and the wait for a busy host.
     */
    public record RelayLimits(boolean allowPrivateMx, int mxAddressLimit, int mxSessionLimit,
                              Duration transactionTimeout, Duration jobTimeout, Duration dataBlockTimeout,
                              Duration slotWait, Duration lease) {
    }

    /** All outbound mail through one host instead of MX delivery; null when {@code relay.smarthost} is empty. */
    public record SmarthostConfig(String host, int port, String tls, String user, String password,
                                  java.nio.file.Path ca) {
    }

    /** The HTTP listener of /metrics, /health, /ready and the status page; port {@link #OFF} turns it off. */
    public record MetricsConfig(String bind, int port) {
    }

    /** A port setting of {@code off}. */
    public static final int OFF = -1;

    /** Failed-login budget per client address, shared by every login (POP3 now, SMTP AUTH later). */
    public record AuthConfig(int maxFailuresPerIp, Duration failureWindow, Duration cacheTtl) {
    }

    /**
     * The mailbox writer and quota defaults (README "Data model"). {@code writerId}: this process's name as an
     * account's writer, unique in the cluster and stable across restarts (blank: hostname and HTTP port);
     * {@code writerLease}/{@code writerGrace}: how long an account's writer holds it, and how long after a lease
     * ended another process waits before taking over; {@code vanishedWindow}: how long expunged UIDs stay
     * answerable (QRESYNC). {@code directoryCacheTtl}: how long SMTP reuses a domain, account, alias or quota
     * lookup; {@code usageCacheTtl}: a usage read.
     */
    public record MailboxConfig(String writerId, Duration writerLease, Duration writerGrace, Duration vanishedWindow,
                                long maxMessages, long maxBytes, Duration directoryCacheTtl, Duration usageCacheTtl) {
    }

    /**
     * Delivery workers, retry tiers and give-up policy; how many reports (DSNs) one process sends to one remote
     * address, and to remote addresses in all, per sliding hour (reflection spam: the sender of MX mail is forgeable).
     */
    public record DeliveryConfig(int threads, int prefetch, List<Duration> retryDelays, Duration giveUpAfter,
                                 int deliveryLimit, int remoteReportsPerAddress, int remoteReportsPerHour) {
    }

    /**
     * The reconciler: every {@code interval} it looks at recently accepted messages and republishes the job of
     * any whose recipients made no progress for {@code staleAfter} beyond their expected wait.
     */
    public record ReconcileConfig(Duration interval, Duration staleAfter) {
    }

    static CassMailConfig from(Settings s) {
        CassandraConfig cassandra = new CassandraConfig(
                contactPoints(s.string("cassandra")),
                s.string("cassandra.local-dc"),
                keyspace(s.string("keyspace")),
                replication(s.string("replication")),
                consistency(s.string("consistency")),
                s.duration("cassandra.connect-timeout"),
                s.duration("cassandra.request-timeout"),
                s.string("cassandra.speculative-delay").strip().equalsIgnoreCase("off") ? null
                        : s.duration("cassandra.speculative-delay"));
        AmqpConfig amqp = new AmqpConfig(s.string("amqp.uri"), s.string("queue.prefix"), s.duration("amqp.confirm-timeout"));
        long maxSize = s.bytes("smtp.max-message-size");
        if (maxSize < 1024 || maxSize > Integer.MAX_VALUE) {
            throw new ConfigException("setting 'smtp.max-message-size' must be between 1K and 2047M");
        }
        SmtpConfig smtp = new SmtpConfig(s.string("smtp.bind"), port(s, "smtp.port"), maxSize,
                atLeastOne(s, "smtp.max-recipients"), atLeastOne(s, "smtp.max-connections"),
                atLeastOne(s, "smtp.max-connections-per-ip"), s.duration("smtp.read-timeout"),
                s.duration("smtp.session-timeout"), s.string("smtp.postmaster").toLowerCase(Locale.ROOT),
                atLeastOne(s, "smtp.min-data-rate"), s.bytes("smtp.in-flight-memory"),
                atLeastOne(s, "smtp.listen-backlog"), s.duration("smtp.stress-timeout"),
                atLeastOne(s, "smtp.stress-max-connections-per-ip"));
        if (smtp.inFlightMemory() < 1024 * 1024) {
            throw new ConfigException("setting 'smtp.in-flight-memory' must be at least 1M");
        }
        Pop3Config pop3 = new Pop3Config(s.string("pop3.bind"), port(s, "pop3.port"), s.duration("pop3.idle-timeout"),
                atLeastOne(s, "pop3.max-connections"), s.duration("pop3.auth-failure-delay"),
                atLeastOne(s, "pop3.max-messages"), atLeastOne(s, "pop3.max-auth-failures"),
                atLeastOne(s, "pop3.max-connections-per-ip"), s.duration("pop3.write-timeout"), port(s, "pop3s.port"),
                s.bool("pop3.allow-plaintext"), s.duration("pop3.session-timeout"), s.bytes("pop3.snapshot-memory"));
        Duration imapIdle = s.duration("imap.idle-timeout");
        if (imapIdle.toMinutes() < 30) {
            throw new ConfigException("setting 'imap.idle-timeout' must be at least 30m (RFC 9051 section 5.4)");
        }
        ImapConfig imap = new ImapConfig(s.string("imap.bind"), port(s, "imap.port"), port(s, "imaps.port"), imapIdle,
                atLeastOne(s, "imap.max-connections"), atLeastOne(s, "imap.max-connections-per-ip"),
                atLeastOne(s, "imap.max-connections-per-account"), s.duration("imap.write-timeout"),
                s.duration("imap.auth-failure-delay"), atLeastOne(s, "imap.max-auth-failures"),
                s.bool("imap.allow-plaintext"), (int) Math.max(1024, Math.min(1 << 20, s.bytes("imap.max-line"))),
                (int) Math.max(1024, Math.min(1 << 24, s.bytes("imap.max-literal"))), maxSize,
                atLeastOne(s, "imap.max-messages"),
                java.util.Arrays.stream(s.string("imap.hide-capabilities").split(",")).map(String::strip)
                        .filter(c -> !c.isEmpty()).map(c -> c.toUpperCase(Locale.ROOT)).toList(),
                s.bytes("imap.structure-cache"), s.bytes("imap.select-memory"),
                accountCapabilities(s.string("imap.account-hide-capabilities")), s.bytes("imap.search-budget"));
        SubmissionConfig submission = new SubmissionConfig(s.string("submission.bind"), port(s, "submission.port"),
                port(s, "submissions.port"), atLeastOne(s, "submission.max-messages-per-hour"),
                atLeastOne(s, "submission.max-recipients"), s.bool("submission.received-auth-user"));
        TlsConfig tls = tls(s.string("tls.cert").strip(), s.string("tls.key").strip());
        AuthConfig auth = new AuthConfig(atLeastOne(s, "auth.max-failures-per-ip"), s.duration("auth.failure-window"),
                s.duration("auth.cache-ttl"));
        Duration lease = s.duration("mailbox.writer-lease");
        if (lease.toSeconds() < 3) {
            throw new ConfigException("setting 'mailbox.writer-lease' must be at least 3s");
        }
        String writerId = s.string("mailbox.writer-id").strip();
        MailboxConfig mailbox = new MailboxConfig(writerId.isEmpty() ? defaultWriterId(port(s, "metrics.port")) : writerId,
                lease,
                s.duration("mailbox.writer-grace"), s.duration("mailbox.vanished-window"),
                atLeastOneLong(s, "quota.max-messages"),
                s.bytes("quota.max-bytes"), s.duration("directory.cache-ttl"), s.duration("quota.usage-cache-ttl"));
        if (mailbox.maxBytes() < 1) {
            throw new ConfigException("setting 'quota.max-bytes' must be at least 1");
        }
        List<Duration> delays = s.durations("delivery.retry-delays");
        if (delays.isEmpty()) {
            throw new ConfigException("setting 'delivery.retry-delays' needs at least one delay");
        }
        DeliveryConfig delivery = new DeliveryConfig(atLeastOne(s, "worker.threads"), atLeastOne(s, "worker.prefetch"),
                delays, s.duration("delivery.give-up-after"), atLeastOne(s, "delivery.limit"),
                atLeastOne(s, "delivery.remote-reports-per-address"), atLeastOne(s, "delivery.remote-reports-per-hour"));
        long memory = s.bytes("password.argon2-memory") / 1024;
        if (memory < 8 || memory > 4 * 1024 * 1024) {
            throw new ConfigException("setting 'password.argon2-memory' must be between 8K and 4G");
        }
        PasswordConfig password = new PasswordConfig((int) memory, atLeastOne(s, "password.argon2-iterations"));
        ReconcileConfig reconcile = new ReconcileConfig(s.duration("reconcile.interval"), s.duration("reconcile.stale-after"));
        return new CassMailConfig(cassandra, amqp, smtp, pop3, imap, submission, tls, delivery, mailbox, password, auth, reconcile,
                new MetricsConfig(s.string("metrics.bind"), port(s, "metrics.port")),
                new RelayConfig(atLeastOne(s, "relay.threads"), dns(s), s.duration("relay.dns-timeout"),
                        port(s, "relay.port"), s.duration("relay.connect-timeout"), s.duration("relay.command-timeout"),
                        s.duration("relay.data-timeout"), s.bool("relay.verify-tls"), atLeastOne(s, "relay.max-per-destination"),
                        smarthost(s), new RelayLimits(s.bool("relay.allow-private-mx"), atLeastOne(s, "relay.mx-address-limit"),
                        atLeastOne(s, "relay.mx-session-limit"), s.duration("relay.transaction-timeout"),
                        s.duration("relay.job-timeout"), s.duration("relay.data-block-timeout"), s.duration("relay.slot-wait"),
                        s.duration("relay.lease"))),
                s.string("hostname"), inbound(s), new AdminConfig(s.string("admin.bind"), port(s, "admin.port"),
                s.duration("admin.session-ttl"), s.bytes("admin.max-body")));
    }

    /** The {@code dns} servers; {@code relay.dns} is the older name, used when {@code dns} is empty. */
    private static List<InetSocketAddress> dns(Settings s) {
        String dns = s.string("dns").strip();
        return dnsServers(dns.isEmpty() ? s.string("relay.dns") : dns);
    }

    private static InboundConfig inbound(Settings s) {
        String action = s.string("milter.default-action").strip().toLowerCase(Locale.ROOT);
        if (!List.of("accept", "tempfail").contains(action)) {
            throw new ConfigException("setting 'milter.default-action' must be accept or tempfail, got '" + action + "'");
        }
        List<io.cassmail.inbound.milter.MilterAddress> milters;
        io.cassmail.inbound.TrustedNetworks trusted;
        try {
            milters = io.cassmail.inbound.milter.MilterAddress.parseList(s.string("milters"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("setting 'milters': " + e.getMessage());
        }
        try {
            trusted = io.cassmail.inbound.TrustedNetworks.parse(s.string("inbound.trusted-networks"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("setting 'inbound.trusted-networks': " + e.getMessage());
        }
        String authserv = s.string("inbound.authserv-id").strip();
        List<String> dnsbl = java.util.Arrays.stream(s.string("dnsbl").split("[,\\s]+")).map(String::strip)
                .filter(z -> !z.isEmpty()).map(z -> z.toLowerCase(Locale.ROOT)).toList();
        return new InboundConfig(dns(s), s.duration("dns.timeout"), new io.cassmail.inbound.InboundChecks.Settings(
                s.bool("inbound.checks"), authserv.isEmpty() ? s.string("hostname") : authserv,
                atLeastOne(s, "inbound.dkim-max-signatures"), s.bool("inbound.dmarc-enforce"), dnsbl, milters,
                s.duration("milter.timeout"), action.equals("tempfail")), trusted);
    }

    /** {@code user@example.org=CONDSTORE QRESYNC;other@example.org=LIST-STATUS}: capabilities hidden per account. */
    static java.util.Map<String, List<String>> accountCapabilities(String text) {
        java.util.Map<String, List<String>> result = new java.util.LinkedHashMap<>();
        for (String entry : text.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("setting 'imap.account-hide-capabilities' needs ADDRESS=CAPABILITY ...;"
                        + " entries separated by ';' (got '" + entry.strip() + "')");
            }
            result.put(entry.substring(0, eq).strip().toLowerCase(Locale.ROOT), java.util.Arrays.stream(
                    entry.substring(eq + 1).strip().split("[\\s,]+")).filter(c -> !c.isEmpty())
                    .map(c -> c.toUpperCase(Locale.ROOT)).toList());
        }
        return java.util.Map.copyOf(result);
    }

    private static List<InetSocketAddress> contactPoints(String value) {
        List<InetSocketAddress> result = hostPorts("cassandra", value, 9042, false);
        if (result.isEmpty()) {
            throw new ConfigException("setting 'cassandra' names no contact point");
        }
        return result;
    }

    /** {@code host[:port][,host[:port]...]}; {@code resolve} false keeps names unresolved (the driver resolves them). */
    private static List<InetSocketAddress> hostPorts(String key, String value, int defaultPort, boolean resolve) {
        List<InetSocketAddress> result = new ArrayList<>();
        for (String part : value.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.lastIndexOf(':');
            try {
                String host = colon < 0 ? p : p.substring(0, colon);
                int port = colon < 0 ? defaultPort : Integer.parseInt(p.substring(colon + 1));
                result.add(resolve ? new InetSocketAddress(host, port) : InetSocketAddress.createUnresolved(host, port));
            } catch (NumberFormatException e) {
                throw new ConfigException("setting '" + key + "' must be host:port[,host:port...], got '" + value + "'");
            }
        }
        return List.copyOf(result);
    }

    private static SmarthostConfig smarthost(Settings s) {
        String value = s.string("relay.smarthost").strip();
        if (value.isEmpty()) {
            return null;
        }
        String tls = s.string("relay.smarthost-tls").strip().toLowerCase(Locale.ROOT);
        if (!List.of("starttls", "implicit", "none").contains(tls)) {
            throw new ConfigException("setting 'relay.smarthost-tls' must be starttls, implicit or none, got '" + tls + "'");
        }
        String user = s.string("relay.smarthost-user");
        if (!user.isEmpty() && tls.equals("none")) {
            throw new ConfigException("settings 'relay.smarthost-user' and 'relay.smarthost-tls=none' do not go together:"
                    + " CassMail sends a password only over TLS");
        }
        int colon = value.lastIndexOf(':');
        try {
            String host = colon < 0 ? value : value.substring(0, colon);
            int port = colon < 0 ? (tls.equals("implicit") ? 465 : 587) : Integer.parseInt(value.substring(colon + 1));
            String ca = s.string("relay.smarthost-ca").strip();
            return new SmarthostConfig(host, port, tls, user.isEmpty() ? null : user,
                    user.isEmpty() ? null : s.string("relay.smarthost-password"), ca.isEmpty() ? null : java.nio.file.Path.of(ca));
        } catch (NumberFormatException e) {
            throw new ConfigException("setting 'relay.smarthost' must be host[:port], got '" + value + "'");
        }
    }

    private static List<InetSocketAddress> dnsServers(String value) {
        return hostPorts("relay.dns", value, 53, true);
    }

    private static String keyspace(String value) {
        if (!value.matches("[a-zA-Z][a-zA-Z0-9_]{0,47}")) {
            throw new ConfigException("setting 'keyspace' must be a letter followed by letters, digits or _, got '" + value + "'");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    private static Replication replication(String value) {
        try {
            return Replication.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("setting 'replication': " + e.getMessage());
        }
    }

    private static DefaultConsistencyLevel consistency(String value) {
        try {
            return DefaultConsistencyLevel.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("setting 'consistency' must be a Cassandra consistency level such as LOCAL_QUORUM, got '" + value + "'");
        }
    }

    private static TlsConfig tls(String cert, String key) {
        if (cert.isEmpty() != key.isEmpty()) {
            throw new ConfigException("settings 'tls.cert' and 'tls.key' go together: set both PEM files, or neither");
        }
        return cert.isEmpty() ? new TlsConfig(null, null)
                : new TlsConfig(java.nio.file.Path.of(cert), java.nio.file.Path.of(key));
    }

    /** A port number, or {@code off} ({@link #OFF}) for a listener that should not run. */
    /**
     * This machine's host name and the HTTP port, which two processes on one host cannot share, so a restarted
     * process takes its accounts back at once; with no fixed HTTP port, the host name, the process id and a random
     * part (two servers in one JVM, as tests run them, are two writers).
     */
    private static String defaultWriterId(int metricsPort) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return metricsPort > 0 ? host + "/" + metricsPort : host + "/pid-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xFFFFFFL);
    }

    private static int port(Settings s, String key) {
        if (s.string(key).strip().equalsIgnoreCase("off")) {
            return OFF;
        }
        int port = s.integer(key);
        if (port < 0 || port > 65535) {
            throw new ConfigException("setting '" + key + "' must be a port between 0 and 65535");
        }
        return port;
    }

    private static long atLeastOneLong(Settings s, String key) {
        try {
            long n = Long.parseLong(s.string(key));
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new ConfigException("setting '" + key + "' must be a whole number, at least 1");
    }

    private static int atLeastOne(Settings s, String key) {
        int n = s.integer(key);
        if (n < 1) {
            throw new ConfigException("setting '" + key + "' must be at least 1");
        }
        return n;
    }
}
