package io.cassmail.mailbox;

import io.cassmail.store.Stores;

/** The mailbox model over one keyspace's stores: the writer (this process's), a reader and the verifier. */
public record Mailboxes(MailboxWriter writer, MailboxReader reader, MailboxVerifier verifier) {

    public static Mailboxes on(Stores stores, MailboxWriter.Settings settings) {
        return new Mailboxes(new MailboxWriter(stores.folders(),
                new BodyLifetime(stores.folders(), stores.ledger(), stores.messages()), settings),
                new MailboxReader(stores.folders()), new MailboxVerifier(stores.folders(), stores.messages()));
    }
}
