package io.cassmail.testing;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.cassmail.app.CassMailServer;
import io.cassmail.app.Role;
import io.cassmail.config.CassMailConfig;
import io.cassmail.mailbox.Accounts;
import io.cassmail.mailbox.MailboxWriter;
import io.cassmail.mailbox.Mailboxes;
import io.cassmail.queue.BrokerConnection;
import io.cassmail.queue.QueueTopology;
import io.cassmail.queue.RabbitQueues;
import io.cassmail.schema.SchemaMigrator;
import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.Directory;
import io.cassmail.store.MessageStore;
import io.cassmail.store.Stores;
import io.cassmail.store.cassandra.CassandraConnector;
import io.cassmail.store.cassandra.CassandraStores;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * A test's own slice of the real infrastructure: a fresh keyspace with the schema applied, its own
 * queue names, and optionally a running CassMail with some roles. Closing drops all of it.
 */
public final class MailStack implements AutoCloseable {
    public final CassMailConfig config;
    public final CqlSession session;
    public final Directory directory;
    public final MessageStore messages;
    /** The mailbox model with a writer of the test's own that gives each lease back after its change. */
    public final Mailboxes mailboxes;
    public final DeliveryLedger ledger;
    public final QueueTopology topology;
    public final Accounts accounts;
    public final Stores stores;
    /** The settings this stack runs with, as {@code key=value} (for starting real cassmail-server processes). */
    public final java.util.List<String> settings;
    private CassMailServer server;

    private MailStack(java.util.List<String> settings) {
        this.settings = java.util.List.copyOf(settings);
        this.config = TestInfra.config(settings);
        try (CqlSession admin = CassandraConnector.connectWithoutKeyspace(config.cassandra())) {
            new SchemaMigrator(admin, config.cassandra().keyspace()).apply(config.cassandra().replication());
        }
        this.session = CassandraConnector.connect(config.cassandra());
        this.stores = CassandraStores.on(session);
        this.directory = stores.directory();
        this.messages = stores.messages();
        MailboxWriter.Settings server = CassMailServer.writerSettings(config);
        // a writer id of the test's own, apart from the in-process server this stack may start with the same config
        this.mailboxes = Mailboxes.on(stores, new MailboxWriter.Settings("mailstack/" + java.util.UUID.randomUUID(),
                server.lease(), server.grace(), server.vanishedWindow()).passing());
        this.ledger = stores.ledger();
        this.accounts = new Accounts(directory, mailboxes);
        this.topology = QueueTopology.from(config);
    }

    /** Schema applied, nothing running yet. */
    public static MailStack create(String testName, String... overrides) {
        String id = testName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "_"
                + UUID.randomUUID().toString().substring(0, 8);
        String keyspace = ("t_" + id).substring(0, Math.min(48, 2 + id.length()));
        return new MailStack(TestInfra.settings(keyspace, "test." + id, overrides));
    }

    /**
     * A stack whose relay finds remote domains through {@code dns} and their servers on {@code port} (loopback
     * addresses, so private MX addresses are allowed), with TLS for submission (a certificate made in {@code dir}),
     * cheap password hashes, and {@code alice@cassmail.test} (password {@code secret}) to submit as.
     */
    public static MailStack relaying(String testName, TestDnsServer dns, int port, java.nio.file.Path dir,
                                     String... overrides) throws java.io.IOException, InterruptedException {
        java.nio.file.Path[] tls = TestCerts.create(dir.resolve("tls"), "relay.cassmail.test", "ec");
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("tls.cert=" + tls[0],
                "tls.key=" + tls[1], "relay.dns=" + dns.address().getHostString() + ":" + dns.address().getPort(),
                "relay.port=" + port, "relay.allow-private-mx=true", "password.argon2-memory=64K",
                "password.argon2-iterations=1"));
        all.addAll(java.util.List.of(overrides));
        return create(testName, all.toArray(String[]::new)).withDomain("cassmail.test")
                .withUser("alice@cassmail.test", "secret");
    }

    /** Closes the stack (if it was made) and then the test's own peers, whatever fails first. */
    public static void closeAll(MailStack stack, AutoCloseable... peers) throws Exception {
        try {
            if (stack != null) {
                stack.close();
            }
        } finally {
            for (AutoCloseable p : peers) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }

    public MailStack start(Role... roles) {
        server = CassMailServer.start(config, Set.of(roles));
        return this;
    }

    public void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    public int smtpPort() {
        return server.smtpPort();
    }

    public MailStack withDomain(String domain) {
        directory.addDomain(domain);
        return this;
    }

    public MailStack withUser(String address) {
        accounts.create(address, null);
        return this;
    }

    public MailStack withUser(String address, String password) {
        accounts.create(address, io.cassmail.auth.PasswordHasher.OWASP.hash(password));
        return this;
    }

    /** The admin listener's port (start the stack with admin.port=0). */
    public int adminPort() {
        return server.adminPort();
    }

    public int pop3Port() {
        return server.pop3Port();
    }

    /** The port of a listener by name ({@code submission}, {@code submissions}, {@code pop3s}, ...), or -1. */
    public int port(String listener) {
        return server.port(listener);
    }

    /** Opens a channel on a fresh connection to the test broker (closed with the returned connection). */
    public static Connection broker() throws Exception {
        ConnectionFactory f = BrokerConnection.factory(TestInfra.amqpUri());
        f.setConnectionTimeout(5000);
        return f.newConnection("cassmail-test");
    }

    @Override
    public void close() throws Exception {
        stopServer();
        try (RabbitQueues queues = new RabbitQueues(config, "cassmail-test")) {
            queues.deleteAll();
        } finally {
            try {
                dropKeyspace();
            } finally {
                session.close();
            }
        }
    }

    /** Drops the test keyspace, waiting up to 90 s for the driver to reconnect to a node a test restarted. */
    private void dropKeyspace() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                session.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + config.cassandra().keyspace())
                        .setTimeout(Duration.ofSeconds(60)));
                return;
            } catch (AllNodesFailedException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(1000);
            }
        }
    }
}
