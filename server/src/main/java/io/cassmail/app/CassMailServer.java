package io.cassmail.app;

import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.config.CassMailConfig;
import io.cassmail.delivery.BounceSender;
import io.cassmail.delivery.DeliveryProcessor;
import io.cassmail.delivery.DeliveryWorkers;
import io.cassmail.ingest.MessageIntake;
import io.cassmail.queue.BrokerConnection;
import io.cassmail.queue.JobPublisher;
import io.cassmail.queue.QueueTopology;
import io.cassmail.schema.Migration;
import io.cassmail.schema.SchemaMigrator;
import io.cassmail.pop3.Pop3Listener;
import io.cassmail.smtp.SmtpListener;
import io.cassmail.store.CassandraConnector;
import io.cassmail.store.CassandraDeliveryLedger;
import io.cassmail.store.CassandraDirectory;
import io.cassmail.store.CassandraMailboxStore;
import io.cassmail.store.CassandraMessageStore;
import io.cassmail.store.Directory;
import io.cassmail.store.MessageStore;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running CassMail process: wires the stores, the queue and the asked-for roles, and stops them in reverse. */
public final class CassMailServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CassMailServer.class);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private SmtpListener smtp;
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

        MessageStore messages = new CassandraMessageStore(session);
        CassandraDeliveryLedger ledger = new CassandraDeliveryLedger(session);
        Directory directory = new CassandraDirectory(session);
        QueueTopology topology = new QueueTopology(config.amqp().queuePrefix(), config.delivery().retryDelays(),
                config.delivery().deliveryLimit());

        BrokerConnection publishing = new BrokerConnection(config.amqp().uri(), "cassmail-publish", null);
        resources.push(publishing);
        try (var channel = publishing.newChannel()) {
            topology.declare(channel);
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot declare queues on RabbitMQ at " + publishing.displayUri() + ": "
                    + e.getMessage(), e);
        }
        JobPublisher publisher = new JobPublisher(publishing, topology);
        MessageIntake intake = new MessageIntake(messages, ledger, publisher);

        if (roles.contains(Role.WORKER)) {
            ExecutorService consumerThreads = Executors.newFixedThreadPool(config.delivery().threads(),
                    r -> new Thread(r, "delivery-worker"));
            BrokerConnection consuming = new BrokerConnection(config.amqp().uri(), "cassmail-worker", consumerThreads);
            resources.push(consumerThreads::shutdown);
            resources.push(consuming);
            DeliveryProcessor processor = new DeliveryProcessor(messages, new CassandraMailboxStore(session), ledger,
                    directory, new BounceSender(intake, messages, directory, config.hostname()),
                    config.delivery().giveUpAfter(), Clock.systemUTC());
            DeliveryWorkers workers = new DeliveryWorkers(consuming, topology, publisher, processor,
                    config.delivery().threads(), config.delivery().prefetch());
            workers.start();
            resources.push(workers);
        }
        if (roles.contains(Role.SMTP)) {
            smtp = new SmtpListener(config.smtp(), config.hostname(), directory, intake);
            smtp.start();
            resources.push(smtp);
            log.info("SMTP listening on {}:{}", config.smtp().bind(), smtp.port());
        }
        if (roles.contains(Role.POP3)) {
            pop3 = new Pop3Listener(config.pop3(), directory, new CassandraMailboxStore(session), messages, ledger);
            pop3.start();
            resources.push(pop3);
            log.info("POP3 listening on {}:{}", config.pop3().bind(), pop3.port());
        }
        log.info("CassMail started with roles {}", roles);
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

    /** The SMTP port actually bound (tests bind port 0), or -1 without the smtp role. */
    public int smtpPort() {
        return smtp == null ? -1 : smtp.port();
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
