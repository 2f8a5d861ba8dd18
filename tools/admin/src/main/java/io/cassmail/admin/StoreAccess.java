package io.cassmail.admin;

import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.app.CassMailServer;
import io.cassmail.config.CassMailConfig;
import io.cassmail.mailbox.Accounts;
import io.cassmail.mailbox.MailboxWriter;
import io.cassmail.mailbox.Mailboxes;
import io.cassmail.mailbox.Quotas;
import io.cassmail.delivery.Reconciler;
import io.cassmail.operations.Operations;
import io.cassmail.operations.QueueOperations;
import io.cassmail.queue.BrokerConnection;
import io.cassmail.queue.RabbitQueues;
import io.cassmail.store.cassandra.CassandraAdminStore;
import io.cassmail.store.cassandra.CassandraClusterView;
import java.time.Clock;
import io.cassmail.queue.RabbitWriterLink;
import io.cassmail.store.AcceptedLog;
import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.Directory;
import io.cassmail.store.MessageStore;
import io.cassmail.store.Stores;
import io.cassmail.store.cassandra.CassandraConnector;
import io.cassmail.store.cassandra.CassandraStores;

/**
 * A driver session and the stores the CLI reads and writes, closed together. The CLI changes mailboxes through a
 * writer of its own that gives each account's lease back after its change; an account a running server writes
 * is changed by that server, reached over RabbitMQ.
 */
final class StoreAccess implements AutoCloseable {
    final CassMailConfig config;
    final CqlSession session;
    final Stores stores;
    final Directory directory;
    final Mailboxes mailboxes;
    final MessageStore messages;
    final DeliveryLedger ledger;
    final AcceptedLog accepted;
    final Accounts accounts;
    final Quotas quotas;
    /** The operations layer the API calls too, without the queue's (see {@link #operations(RabbitQueues)}). */
    final Operations ops;
    private final BrokerConnection broker;
    private final RabbitWriterLink link;

    StoreAccess(CassMailConfig config) {
        this.config = config;
        this.session = CassandraConnector.connect(config.cassandra());
        AdminErrors.downNodesFrom(() -> io.cassmail.store.cassandra.UnavailableReplicas.downNodes(session));
        this.stores = CassandraStores.on(session);
        this.directory = stores.directory();
        MailboxWriter.Settings server = CassMailServer.writerSettings(config);
        this.mailboxes = Mailboxes.on(stores, new MailboxWriter.Settings("cassmail-admin@" + config.hostname() + "/"
                + ProcessHandle.current().pid(), server.lease(), server.grace(), server.vanishedWindow()).passing());
        this.broker = new BrokerConnection(config.amqp().uri(), "cassmail-admin", null);
        this.link = new RabbitWriterLink(broker, config.amqp().queuePrefix() + ".mailbox-writer.");
        mailboxes.writer().link(link);
        this.messages = stores.messages();
        this.ledger = stores.ledger();
        this.accepted = stores.accepted();
        this.accounts = new Accounts(directory, mailboxes);
        this.quotas = new Quotas(directory, mailboxes.reader(), config.mailbox().maxMessages(), config.mailbox().maxBytes());
        this.ops = operations(null);
    }

    /** The operations, with the queue's on {@code queues} when it is not null. */
    Operations operations(RabbitQueues queues) {
        return Operations.on(stores, mailboxes, new CassandraAdminStore(session), config.password().hasher(),
                config.mailbox().maxMessages(), config.mailbox().maxBytes(), queues == null ? null
                        : new QueueOperations.Parts(queues::depths, queues.parkingLot(), stale -> new Reconciler(accepted,
                        ledger, queues.jobs(), queues.relayJobs(), stale, config.delivery().giveUpAfter(),
                        Clock.systemUTC())), new CassandraClusterView(session, config.cassandra().keyspace()),
                Clock.systemUTC());
    }

    /** Fails with a sentence unless the account exists. */
    String existingUser(String address) {
        return ops.users().existing(address);
    }

    @Override
    public void close() {
        link.close();
        broker.close();
        session.close();
    }
}
