package io.cassmail.app;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.cassmail.auth.LoginPenalty;
import io.cassmail.http.StatusHttpServer;
import io.cassmail.http.admin.AdminHttpServer;
import io.cassmail.operations.Operations;
import io.cassmail.operations.QueueOperations;
import io.cassmail.store.cassandra.CassandraAdminStore;
import io.cassmail.store.cassandra.CassandraClusterView;
import io.cassmail.store.cassandra.UnavailableReplicas;
import io.cassmail.metrics.CassMailMetrics;
import io.cassmail.queue.QueueDepth;
import io.cassmail.relay.DkimSigning;
import io.cassmail.relay.MxResolver;
import io.cassmail.relay.RemoteRelayTransport;
import io.cassmail.store.CachingDirectory;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.Directory;
import io.cassmail.auth.PasswordAuthenticator;
import io.cassmail.config.CassMailConfig;
import io.cassmail.delivery.BounceSender;
import io.cassmail.delivery.SendingLease;
import io.cassmail.delivery.DeliveryProcessor;
import io.cassmail.delivery.DeliveryWorker;
import io.cassmail.delivery.LocalMailboxTransport;
import io.cassmail.delivery.Reconciler;
import io.cassmail.ingest.IntakeMemory;
import io.cassmail.ingest.MessageIntake;
import io.cassmail.mailbox.MailboxWriter;
import io.cassmail.mailbox.Mailboxes;
import io.cassmail.mailbox.Quotas;
import io.cassmail.imap.ImapListener;
import io.cassmail.mailbox.LocalMailboxEvents;
import io.cassmail.mailbox.MailboxEvents;
import io.cassmail.pop3.Pop3Listener;
import io.cassmail.queue.RabbitMailboxEvents;
import io.cassmail.queue.BrokerConnection;
import io.cassmail.queue.RabbitSessionLocks;
import io.cassmail.queue.RabbitWriterLink;
import io.cassmail.queue.SweepLock;
import io.cassmail.queue.RabbitJobConsumers;
import io.cassmail.queue.RabbitQueues;
import io.cassmail.schema.Migration;
import io.cassmail.schema.SchemaMigrator;
import io.cassmail.net.MemoryBudget;
import io.cassmail.net.SendingLimits;
import io.cassmail.smtp.SmtpListener;
import io.cassmail.smtp.SmtpProfile;
import io.cassmail.smtp.SubmissionPolicy;
import io.cassmail.store.Stores;
import io.cassmail.store.cassandra.CassandraConnector;
import io.cassmail.store.cassandra.CassandraStores;
import io.cassmail.tls.ServerTls;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running CassMail process: wires the stores, the queue and the asked-for roles, and stops them in reverse. */
public final class CassMailServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CassMailServer.class);

    /** How often the workers check that every delivery consumer is still subscribed. */
    private static final Duration CONSUMER_CHECK = Duration.ofSeconds(5);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final Map<String, SmtpListener> smtp = new LinkedHashMap<>();
    private final Map<String, Pop3Listener> pop3 = new LinkedHashMap<>();
    private final Map<String, ImapListener> imap = new LinkedHashMap<>();
    private Monitoring monitoring;
    private AdminHttpServer admin;
    private CqlSession session;

    private CassMailServer() {
    }

    /** Starts the roles; on failure everything already started is stopped and the exception says why. */
    public static CassMailServer start(CassMailConfig config, Set<Role> roles) {
        CassMailServer server = new CassMailServer();
        try {
            server.startRoles(config, roles);
            return server;
        } catch (RuntimeException | IOException e) {
            // a quorum Cassandra cannot reach, in words that name the nodes down (read before the session closes)
            String unavailable = server.session == null ? null
                    : UnavailableReplicas.explain(e, UnavailableReplicas.downNodes(server.session));
            server.close();
            if (unavailable != null) {
                throw new IllegalStateException(unavailable, e);
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void startRoles(CassMailConfig config, Set<Role> roles) throws IOException {
        Monitoring monitoring = new Monitoring(config.metrics(), roles);
        resources.push(monitoring);
        this.monitoring = monitoring;
        CassMailMetrics metrics = monitoring.metrics();
        CqlSession session = monitoring.driverRegistry() == null ? CassandraConnector.connect(config.cassandra())
                : CassandraConnector.connect(config.cassandra(), monitoring.driverRegistry());
        resources.push(session);
        this.session = session;
        monitoring.check("cassandra", () -> {
            session.execute(SimpleStatement.newInstance("SELECT release_version FROM system.local")
                    .setTimeout(StatusHttpServer.PROBE_TIMEOUT));
            return null;
        });
        requireCurrentSchema(session, config.cassandra().keyspace());
        Stores stores = CassandraStores.on(session);
        Mailboxes mailboxes = Mailboxes.on(stores, writerSettings(config));
        if (roles.contains(Role.WORKER) || roles.contains(Role.POP3) || roles.contains(Role.IMAP)
                || config.admin().port() != CassMailConfig.OFF) {
            linkWriters(config, mailboxes.writer());
        }
        MailboxEvents events = startEvents(config, mailboxes.writer());

        RabbitQueues queues = new RabbitQueues(config, "cassmail-publish");
        resources.push(queues);
        queues.declare();
        monitoring.queueDepths(queues);
        monitoring.check("rabbitmq", () -> {
            List<QueueDepth> depths = queues.depths();
            return depths.stream().anyMatch(d -> d.ready() == null)
                    ? "queue missing: " + depths.stream().filter(d -> d.ready() == null).map(QueueDepth::queue).toList()
                    : null;
        });
        // SMTP's per-recipient lookups are remembered (README "Configuration"); delivery shares them, and reads
        // the account afresh before it bounces a recipient as unknown
        Directory lookups = new CachingDirectory(stores.directory(), config.mailbox().directoryCacheTtl());
        MessageIntake intake = new MessageIntake(stores, queues.jobs(), queues.relayJobs(),
                new IntakeMemory(config.smtp().inFlightMemory()));

        if (roles.contains(Role.WORKER)) {
            ExecutorService consumerThreads = Executors.newFixedThreadPool(config.delivery().threads(),
                    r -> new Thread(r, "delivery-worker"));
            BrokerConnection consuming = new BrokerConnection(config.amqp().uri(), "cassmail-worker", consumerThreads);
            resources.push(consumerThreads::shutdown);
            resources.push(consuming);
            // one sender for both lanes, so the remote report limits count every report this process sends
            BounceSender bounces = new BounceSender(intake, stores.messages(), stores.directory(), config.hostname(),
                    new SendingLimits(config.delivery().remoteReportsPerAddress(), Clock.systemUTC()),
                    new SendingLimits(config.delivery().remoteReportsPerHour(), Clock.systemUTC()));
            DeliveryProcessor processor = new DeliveryProcessor(stores,
                    new LocalMailboxTransport(mailboxes.writer(), lookups, stores.directory()), bounces,
                    config.delivery().giveUpAfter(), Clock.systemUTC(), metrics, DeliveryProcessor.LOCAL_LANE);
            RabbitJobConsumers workers = new RabbitJobConsumers(consuming, queues.topology(),
                    new DeliveryWorker(processor, queues.jobs(), metrics), config.delivery().threads(),
                    config.delivery().prefetch(), CONSUMER_CHECK);
            workers.start();
            resources.push(workers);
            RabbitJobConsumers relayWorkers = startRelay(config, stores, queues, bounces, metrics);
            int expected = config.delivery().threads();
            int expectedRelay = config.relay().threads();
            monitoring.check("consumers", () -> workers.subscribed() == expected && relayWorkers.subscribed() == expectedRelay
                    ? null : workers.subscribed() + " of " + expected + " delivery and " + relayWorkers.subscribed() + " of "
                    + expectedRelay + " relay consumers subscribed");
            startReconciler(config, stores, queues);
        }
        Quotas quotas = new Quotas(lookups, mailboxes.reader(), config.mailbox().maxMessages(),
                config.mailbox().maxBytes(), config.mailbox().usageCacheTtl());
        ServerTls tls = null;
        boolean listeners = roles.contains(Role.SMTP) || roles.contains(Role.POP3) || roles.contains(Role.IMAP);
        if (listeners || config.admin().port() != CassMailConfig.OFF) {
            if (config.tls().enabled()) {
                tls = new ServerTls(config.tls().cert(), config.tls().key());
                log.info("TLS certificate {}: {}, valid until {}", config.tls().cert(),
                        tls.certificate().getSubjectX500Principal(), tls.certificate().getNotAfter().toInstant());
            } else if (listeners) {
                log.warn("no tls.cert/tls.key: STARTTLS and STLS are not offered, and the submission and POP3S"
                        + " listeners do not run");
            }
        }
        PasswordAuthenticator authenticator = new PasswordAuthenticator(stores.directory(), config.password().hasher(),
                new io.cassmail.auth.VerifiedLogins(config.auth().cacheTtl(), 100_000, Clock.systemUTC()));
        LoginPenalty penalty = new LoginPenalty(config.auth().maxFailuresPerIp(), config.auth().failureWindow(),
                Clock.systemUTC());
        if (roles.contains(Role.SMTP)) {
            SubmissionPolicy submission = new SubmissionPolicy(authenticator, penalty, config.pop3().authFailureDelay(),
                    config.pop3().maxAuthFailures(),
                    new SendingLimits(config.submission().maxMessagesPerHour(), Clock.systemUTC()),
                    config.submission().maxRecipients(), config.submission().receivedAuthUser(), lookups);
            List<SmtpProfile> profiles = new ArrayList<>();
            if (config.smtp().port() != CassMailConfig.OFF) {
                profiles.add(SmtpProfile.mx(config.smtp(), tls != null));
            }
            if (tls != null && config.submission().port() != CassMailConfig.OFF) {
                profiles.add(SmtpProfile.submission(config.submission(), config.smtp()));
            }
            if (tls != null && config.submission().implicitPort() != CassMailConfig.OFF) {
                profiles.add(SmtpProfile.submissions(config.submission(), config.smtp()));
            }
            CassMailConfig.InboundConfig in = config.inbound();
            io.cassmail.inbound.InboundChecks inbound = new io.cassmail.inbound.InboundChecks(in.checks(),
                    new io.cassmail.dns.DnsClient(in.dns(), in.dnsTimeout()), config.hostname(), metrics);
            resources.push(inbound);
            log.info("inbound checks: SPF/DKIM/DMARC {} (authserv-id {}), {} milter(s), {} DNS blocklist(s)",
                    in.checks().enabled() ? "on" : "off", in.checks().authservId(), in.checks().milters().size(),
                    in.checks().dnsbl().size());
            for (SmtpProfile profile : profiles) {
                SmtpListener listener = new SmtpListener(profile, config.smtp(), config.hostname(), lookups,
                        quotas, intake, tls, submission, metrics, inbound, in.trusted());
                listener.start();
                resources.push(listener);
                smtp.put(profile.name(), listener);
                log.info("SMTP listener '{}' on {}:{} ({})", profile.name(), profile.bind(), listener.port(),
                        profile.tls() == SmtpProfile.TlsMode.IMPLICIT ? "implicit TLS"
                                : profile.tls() == SmtpProfile.TlsMode.STARTTLS ? "STARTTLS" : "plain text");
            }
        }
        if (roles.contains(Role.POP3)) {
            // one POP3 session per account across every front end: the locks live in RabbitMQ (README "Reliability")
            BrokerConnection locking = new BrokerConnection(config.amqp().uri(), "cassmail-pop3-locks", null);
            resources.push(locking);
            Pop3Listener.Guards guards = new Pop3Listener.Guards(new RabbitSessionLocks(locking,
                    config.amqp().queuePrefix() + ".pop3-lock."), new MemoryBudget(config.pop3().snapshotMemory()));
            if (config.pop3().port() != CassMailConfig.OFF) {
                startPop3("pop3", config.pop3().port(), false, tls, config, stores, mailboxes, authenticator, penalty, metrics,
                        guards);
            }
            if (tls != null && config.pop3().tlsPort() != CassMailConfig.OFF) {
                startPop3("pop3s", config.pop3().tlsPort(), true, tls, config, stores, mailboxes, authenticator, penalty, metrics,
                        guards);
            }
        }
        if (roles.contains(Role.IMAP)) {
            ImapListener.Shared shared = new ImapListener.Shared(config.imap());
            resources.push(shared);
            ImapListener.Parts parts = new ImapListener.Parts(mailboxes, stores.messages(), stores.writes(), quotas,
                    authenticator, penalty, events, metrics);
            if (config.imap().port() != CassMailConfig.OFF) {
                startImap("imap", config.imap().port(), false, tls, config, parts, shared);
            }
            if (tls != null && config.imap().tlsPort() != CassMailConfig.OFF) {
                startImap("imaps", config.imap().tlsPort(), true, tls, config, parts, shared);
            }
        }
        if (!smtp.isEmpty() || !pop3.isEmpty() || !imap.isEmpty()) {
            monitoring.check("listeners", () -> {
                List<String> down = new ArrayList<>();
                smtp.forEach((name, l) -> {
                    if (!l.running()) {
                        down.add(name);
                    }
                });
                pop3.forEach((name, l) -> {
                    if (!l.running()) {
                        down.add(name);
                    }
                });
                imap.forEach((name, l) -> {
                    if (!l.running()) {
                        down.add(name);
                    }
                });
                return down.isEmpty() ? null : "not accepting connections: " + down;
            });
        }
        monitoring.start();
        if (monitoring.port() > 0) {
            log.info("metrics and status on http://{}:{}/ (/metrics, /health, /ready)", config.metrics().bind(),
                    monitoring.port());
        }
        if (config.admin().port() != CassMailConfig.OFF) {
            startAdmin(config, session, stores, mailboxes, queues, tls, authenticator, penalty);
        }
        log.info("CassMail started with roles {}", roles);
    }

    /** The admin API and web admin on the operations layer (README "Admin API and web admin"). */
    private void startAdmin(CassMailConfig config, CqlSession session, Stores stores, Mailboxes mailboxes,
                            RabbitQueues queues, ServerTls tls, PasswordAuthenticator authenticator,
                            LoginPenalty penalty) throws IOException {
        Operations operations = Operations.on(stores, mailboxes, new CassandraAdminStore(session),
                config.password().hasher(), config.mailbox().maxMessages(), config.mailbox().maxBytes(),
                new QueueOperations.Parts(queues::depths, queues.parkingLot(), stale -> new Reconciler(stores.accepted(),
                        stores.ledger(), queues.jobs(), queues.relayJobs(), stale, config.delivery().giveUpAfter(),
                        Clock.systemUTC())), new CassandraClusterView(session, config.cassandra().keyspace()),
                Clock.systemUTC());
        AdminHttpServer admin = new AdminHttpServer(config.admin(), tls, operations, authenticator, penalty,
                config.reconcile().staleAfter(), monitoring.http(), Clock.systemUTC());
        admin.start();
        resources.push(admin);
        this.admin = admin;
        log.info("admin API and web admin on {} (the first admin: cassmail-admin admins add NAME --password-stdin)",
                admin.url());
    }

    /** The admin listener's port actually bound, or -1 when it is off. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    /**
     * Lets this process serve mailbox writes for accounts it holds, and send its own to whichever process holds
     * theirs; at shutdown it gives its leases back, so the accounts move on at once.
     */
    private void linkWriters(CassMailConfig config, MailboxWriter writer) throws IOException {
        ExecutorService threads = Executors.newFixedThreadPool(Math.max(4, config.delivery().threads()),
                r -> new Thread(r, "mailbox-writer"));
        BrokerConnection connection = new BrokerConnection(config.amqp().uri(), "cassmail-mailbox-writer", null);
        RabbitWriterLink link = new RabbitWriterLink(connection, config.amqp().queuePrefix() + ".mailbox-writer.");
        resources.push(threads::shutdown);
        resources.push(connection);
        resources.push(link);
        resources.push(writer::releaseAll);
        link.serve(writer.owner(), writer::serve, threads);
        writer.link(link);
    }

    /**
     * Mailbox change notices: this process's writer tells every process (a RabbitMQ topic exchange) what it
     * committed, and this process's IMAP sessions hear every process's notices.
     */
    private MailboxEvents startEvents(CassMailConfig config, MailboxWriter writer) {
        LocalMailboxEvents local = new LocalMailboxEvents();
        resources.push(local);
        BrokerConnection connection = new BrokerConnection(config.amqp().uri(), "cassmail-mailbox-events", null);
        resources.push(connection);
        RabbitMailboxEvents events = new RabbitMailboxEvents(connection, config.amqp().queuePrefix() + ".mailbox-events",
                local).start();
        resources.push(events);
        writer.events(events);
        return events;
    }

    private void startImap(String name, int port, boolean implicit, ServerTls tls, CassMailConfig config,
                           ImapListener.Parts parts, ImapListener.Shared shared) {
        ImapListener listener = new ImapListener(config.imap(), port, implicit, tls, parts, shared);
        listener.start();
        resources.push(listener);
        imap.put(name, listener);
        log.info("IMAP listener '{}' on {}:{} ({})", name, config.imap().bind(), listener.port(),
                implicit ? "implicit TLS" : tls != null ? "STARTTLS" : "plain text");
    }

    /** The mailbox writer's settings (README "Data model"). */
    public static MailboxWriter.Settings writerSettings(CassMailConfig config) {
        return new MailboxWriter.Settings(config.mailbox().writerId(), config.mailbox().writerLease(),
                config.mailbox().writerGrace(), config.mailbox().vanishedWindow());
    }

    private void startPop3(String name, int port, boolean implicit, ServerTls tls, CassMailConfig config, Stores stores,
                           Mailboxes mailboxes, PasswordAuthenticator authenticator, LoginPenalty penalty, CassMailMetrics metrics,
                           Pop3Listener.Guards guards) {
        Pop3Listener listener = new Pop3Listener(config.pop3(), port, implicit, tls, mailboxes, stores.messages(),
                authenticator, penalty, metrics, guards);
        listener.start();
        resources.push(listener);
        pop3.put(name, listener);
        log.info("POP3 listener '{}' on {}:{} ({})", name, config.pop3().bind(), listener.port(),
                implicit ? "implicit TLS" : tls != null ? "STLS" : "plain text");
    }

    /**
     * The relay lane: its own connection, consumers and thread pool on the relay queue, so remote hosts that are slow
     * or dead hold up only relay workers, never local delivery.
     */
    private RabbitJobConsumers startRelay(CassMailConfig config, Stores stores, RabbitQueues queues, BounceSender bounces,
                                          CassMailMetrics metrics) throws IOException {
        CassMailConfig.RelayConfig relay = config.relay();
        ExecutorService threads = Executors.newFixedThreadPool(relay.threads(), r -> new Thread(r, "relay-worker"));
        BrokerConnection consuming = new BrokerConnection(config.amqp().uri(), "cassmail-relay", threads);
        resources.push(threads::shutdown);
        resources.push(consuming);
        RemoteRelayTransport transport = new RemoteRelayTransport(new MxResolver(relay.dns(), relay.dnsTimeout()),
                stores.messages(), new RemoteRelayTransport.RelaySettings(config.hostname(), relay.port(),
                        relay.connectTimeout(), relay.commandTimeout(), relay.dataTimeout(), relay.verifyTls(),
                        relay.maxPerDestination(), relay.smarthost() == null ? null
                        : new RemoteRelayTransport.Smarthost(relay.smarthost().host(), relay.smarthost().port(),
                        relay.smarthost().tls(), relay.smarthost().user(), relay.smarthost().password(), relay.smarthost().ca()),
                        new RemoteRelayTransport.Limits(relay.limits().allowPrivateMx(), relay.limits().mxAddressLimit(),
                                relay.limits().mxSessionLimit(), relay.limits().transactionTimeout(),
                                relay.limits().jobTimeout(), relay.limits().dataBlockTimeout(), relay.limits().slotWait())),
                new DkimSigning(stores.directory()));
        DeliveryProcessor processor = new DeliveryProcessor(stores, new SendingLease(transport, stores.ledger(), relay.limits().lease(), Clock.systemUTC()), bounces,
                config.delivery().giveUpAfter(), Clock.systemUTC(), metrics, DeliveryRecord::isRemote);
        RabbitJobConsumers workers = new RabbitJobConsumers(consuming, queues.topology().relayLane(),
                new DeliveryWorker(processor, queues.relayJobs(), metrics), relay.threads(), 1, CONSUMER_CHECK);
        workers.start();
        resources.push(workers);
        log.info("relay: {} workers on {}, DNS {}, remote port {}", relay.threads(),
                queues.topology().relayLane().deliveryQueue(), relay.dns().isEmpty() ? "of the system" : relay.dns(),
                relay.port());
        return workers;
    }

    /** Every reconcile.interval (0 turns it off), republishes jobs of accepted messages that made no progress. */
    private void startReconciler(CassMailConfig config, Stores stores, RabbitQueues queues) {
        Duration every = config.reconcile().interval();
        if (every.isZero()) {
            log.info("reconciler off (reconcile.interval=0)");
            return;
        }
        Reconciler reconciler = new Reconciler(stores.accepted(), stores.ledger(), queues.jobs(), queues.relayJobs(),
                config.reconcile().staleAfter(), config.delivery().giveUpAfter(), Clock.systemUTC());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reconciler");
            t.setDaemon(true);
            return t;
        });
        // one sweep at a time across every process that runs a reconciler (README "Reliability")
        BrokerConnection lockConnection = new BrokerConnection(config.amqp().uri(), "cassmail-reconciler", null);
        SweepLock lock = new SweepLock(lockConnection, config.amqp().queuePrefix() + ".reconciler-lock");
        timer.scheduleWithFixedDelay(() -> {
            try {
                Optional<SweepLock.Held> held = lock.tryAcquire();
                if (held.isEmpty()) {
                    log.info("reconcile: another process is sweeping; next try in {}", every);
                    return;
                }
                try (SweepLock.Held h = held.get()) {
                    reconciler.sweep(null);
                }
            } catch (IOException | RuntimeException e) {
                log.warn("reconcile sweep failed, next in {}: {}", every, e.getMessage());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        resources.push(lockConnection);
        resources.push(timer::shutdownNow);
    }

    /** Refuses to run against a keyspace whose schema is behind this build. */
    static void requireCurrentSchema(CqlSession session, String keyspace) {
        List<Migration> pending = new SchemaMigrator(session, keyspace).pending();
        if (!pending.isEmpty()) {
            throw new IllegalStateException("keyspace '" + keyspace + "' lacks schema " + pending.get(0).name()
                    + (pending.size() > 1 ? " and " + (pending.size() - 1) + " more" : "")
                    + "; run: tools/cassmail-admin schema apply");
        }
    }

    /** The metrics/status HTTP port actually bound, or -1 when it is off. */
    public int metricsPort() {
        return monitoring == null ? -1 : monitoring.port();
    }

    /** The MX port actually bound (tests bind port 0), or -1 when it does not run. */
    public int smtpPort() {
        return port("mx");
    }

    /** The plain POP3 port actually bound, or -1 when it does not run. */
    public int pop3Port() {
        return port("pop3");
    }

    /** The port a listener ({@code mx}, {@code submission}, {@code submissions}, {@code pop3}, {@code pop3s}) bound, or -1. */
    public int port(String listener) {
        if (listener.equals("metrics")) {
            return metricsPort();
        }
        SmtpListener s = smtp.get(listener);
        if (s != null) {
            return s.port();
        }
        Pop3Listener p = pop3.get(listener);
        if (p != null) {
            return p.port();
        }
        ImapListener i = imap.get(listener);
        return i == null ? -1 : i.port();
    }

    @Override
    public void close() {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                log.warn("while stopping: {}", e.toString());
            }
        }
    }
}
