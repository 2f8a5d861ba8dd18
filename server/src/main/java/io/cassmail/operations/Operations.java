package io.cassmail.operations;

import io.cassmail.auth.PasswordHasher;
import io.cassmail.mailbox.Accounts;
import io.cassmail.mailbox.Mailboxes;
import io.cassmail.mailbox.Quotas;
import io.cassmail.store.AdminStore;
import io.cassmail.store.ClusterView;
import io.cassmail.store.Stores;
import java.time.Clock;

/** Everything an operator can do, in one place that the CLI and the admin API both call. */
public record Operations(DomainOperations domains, UserOperations users, MailboxOperations mailboxes, DkimOperations dkim,
                         QueueOperations queue, AdminOperations admins, AuditTrail audit, AdminStore adminStore,
                         ClusterView cluster) {

    /**
     * The operations on these stores; {@code queue} may be null where RabbitMQ is not used, {@code cluster} where
     * there is no cluster (the memory twins).
     */
    public static Operations on(Stores stores, Mailboxes mailboxes, AdminStore adminStore, PasswordHasher hasher,
                                long defaultMaxMessages, long defaultMaxBytes, QueueOperations.Parts queue,
                                ClusterView cluster, Clock clock) {
        AuditTrail audit = new AuditTrail(adminStore, clock);
        DomainOperations domains = new DomainOperations(stores.directory(), audit);
        Quotas quotas = new Quotas(stores.directory(), mailboxes.reader(), defaultMaxMessages, defaultMaxBytes);
        UserOperations users = new UserOperations(stores.directory(), domains, new Accounts(stores.directory(), mailboxes),
                mailboxes.reader(), quotas, hasher, audit);
        return new Operations(domains, users, new MailboxOperations(users, mailboxes.reader(), stores.messages()),
                new DkimOperations(stores.directory(), domains, audit, clock),
                queue == null ? null : new QueueOperations(queue.depths(), queue.parking(), queue.reconciler(), audit),
                new AdminOperations(adminStore, hasher, audit, clock), audit, adminStore, cluster);
    }
}
