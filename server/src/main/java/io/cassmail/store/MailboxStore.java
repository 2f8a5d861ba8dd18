package io.cassmail.store;

import java.util.UUID;

/** The 2011 CassMail model: {@code user:mailbox → timeuuid → message}. */
public interface MailboxStore {
    String INBOX = "INBOX";

    /** Idempotent: the key is the message id, so a repeat is an upsert. */
    void add(String address, String mailbox, MailboxEntry entry);

    /** In arrival order (timeuuid order); pages through the driver. */
    Iterable<MailboxEntry> list(String address, String mailbox);

    void remove(String address, String mailbox, UUID messageId);

    /** Newest first, at most {@code limit} entries. */
    Iterable<MailboxEntry> newest(String address, String mailbox, int limit);

    void createMailbox(String address, String mailbox);

    Iterable<String> mailboxNames(String address);
}
