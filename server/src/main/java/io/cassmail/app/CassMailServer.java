package io.cassmail.app;

import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.auth.LoginPenalty;
import io.cassmail.auth.PasswordAuthenticator;
import io.cassmail.config.CassMailConfig;
import io.cassmail.delivery.BounceSender;
import io.cassmail.delivery.DeliveryProcessor;
import io.cassmail.delivery.DeliveryWorker;
import io.cassmail.delivery.LocalMailboxTransport;
import io.cassmail.delivery.Reconciler;
import io.cassmail.ingest.IntakeMemory;
import io.cassmail.ingest.MessageIntake;
import io.cassmail.mailbox.Quotas;
import io.cassmail.pop3.Pop3Listener;
import io.cassmail.queue.BrokerConnection;
import io.cassmail.queue.RabbitJobConsumers;
import io.cassmail.queue.RabbitQueues;
import io.cassmail.schema.Migration;
import io.cassmail.schema.SchemaMigrator;
import io.cassmail.smtp.SmtpListener;
import io.cassmail.smtp.SmtpProfile;
import io.cassmail.store.Stores;
import io.cassmail.store.cassandra.CassandraConnector;
import io.cassmail.store.cassandra.CassandraStores;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
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
    private final List<SmtpListener> smtp = new ArrayList<>();
    private Pop3Listener pop3;

    private CassMailServer() {
    }

    /** Starts the roles; on failure everything already started is stopped and the exception says why. */
    public static CassMailServer start(CassMailConfig config, Set<Role> roles) {
        CassMailServer server = new CassMailServer();
        try {
            server.startRoles(config, roles);
            return server;
        } catch (RuntimeException | IOException e) {
            server.close();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void startRoles(CassMailConfig config, Set<Role> roles) throws IOException {
        CqlSession session = CassandraConnector.connect(config.cassandra());
        resources.push(session);
        requireCurrentSchema(session, config.cassandra().keyspace());
        Stores stores = CassandraStores.on(session, config.mailbox().visibilityMargin());

        RabbitQueues queues = new RabbitQueues(config, "cassmail-publish");
        resources.push(queues);
        queues.declare();
        MessageIntake intake = new MessageIntake(stores.messages(), stores.ledger(), stores.accepted(), queues.jobs(),
                new IntakeMemory(config.smtp().inFlightMemory()));

        if (roles.contains(Role.WORKER)) {
            ExecutorService consumerThreads = Executors.newFixedThreadPool(config.delivery().threads(),
                    r -> new Thread(r, "delivery-worker"));
            BrokerConnection consuming = new BrokerConnection(config.amqp().uri(), "cassmail-worker", consumerThreads);
            resources.push(consumerThreads::shutdown);
            resources.push(consuming);
            DeliveryProcessor processor = new DeliveryProcessor(stores.messages(), stores.ledger(),
                    new LocalMailboxTransport(stores.mailboxes(), stores.directory(), stores.ledger(),
                            config.mailbox().visibilityMargin()),
                    new BounceSender(intake, stores.messages(), stores.directory(), config.hostname()),
                    config.delivery().giveUpAfter(), Clock.systemUTC());
            RabbitJobConsumers workers = new RabbitJobConsumers(consuming, queues.topology(),
                    new DeliveryWorker(processor, queues.jobs()), config.delivery().threads(), config.delivery().prefetch(),
                    CONSUMER_CHECK);
            workers.start();
            resources.push(workers);
            startReconciler(config, stores, queues);
        }
        Quotas quotas = new Quotas(stores.directory(), stores.mailboxes(), config.mailbox().maxMessages(),
                config.mailbox().maxBytes());
        if (roles.contains(Role.SMTP)) {
            for (SmtpProfile profile : List.of(SmtpProfile.mx(config.smtp()))) {
                SmtpListener listener = new SmtpListener(profile, config.smtp(), config.hostname(), stores.directory(), quotas,
                        intake);
                listener.start();
                resources.push(listener);
                smtp.add(listener);
                log.info("SMTP listener '{}' on {}:{}", profile.name(), profile.bind(), listener.port());
            }
        }
        if (roles.contains(Role.POP3)) {
            pop3 = new Pop3Listener(config.pop3(), stores.mailboxes(), stores.messages(), stores.ledger(),
                    new PasswordAuthenticator(stores.directory(), config.password().hasher()),
                    new LoginPenalty(config.auth().maxFailuresPerIp(), config.auth().failureWindow(), Clock.systemUTC()));
            pop3.start();
            resources.push(pop3);
            log.info("POP3 listening on {}:{}", config.pop3().bind(), pop3.port());
        }
        log.info("CassMail started with roles {}", roles);
    }

    /** Every reconcile.interval (0 turns it off), republishes jobs of accepted messages that made no progress. */
    private void startReconciler(CassMailConfig config, Stores stores, RabbitQueues queues) {
        Duration every = config.reconcile().interval();
        if (every.isZero()) {
            log.info("reconciler off (reconcile.interval=0)");
            return;
        }
        Reconciler reconciler = new Reconciler(stores.accepted(), stores.ledger(), queues.jobs(),
                config.reconcile().staleAfter(), config.delivery().giveUpAfter(), Clock.systemUTC());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reconciler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                reconciler.sweep(null);
            } catch (IOException | RuntimeException e) {
                log.warn("reconcile sweep failed, next in {}: {}", every, e.getMessage());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
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

    /** The MX port actually bound (tests bind port 0), or -1 without the smtp role. */
    public int smtpPort() {
        return smtp.isEmpty() ? -1 : smtp.get(0).port();
    }

    /** The POP3 port actually bound, or -1 without the pop3 role. */
    public int pop3Port() {
        return pop3 == null ? -1 : pop3.port();
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
