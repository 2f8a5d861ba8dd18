package io.cassmail.store;

import java.util.BitSet;
import java.util.UUID;

/**
 * The 2011 CassMail model, {@code user:mailbox → time-ordered entries}, laid out so that no read scans
 * what was removed (README "Data model"). Entries are keyed by their entry id; a repeat is an upsert.
 */
public interface MailboxStore {
    String INBOX = "INBOX";

    /**
     * Lists the entry and counts it in the owner's usage. Call once per entry id: the entry itself is an
     * upsert, the usage count is not.
     */
    void add(String address, String mailbox, MailboxEntry entry);

    /** Whether the entry is stored and a listing shows it. */
    boolean isListed(String address, String mailbox, UUID entryId);

    /** Oldest first; pages through the store, so a large mailbox is never all on the heap. */
    Iterable<MailboxEntry> list(String address, String mailbox);

    /** Newest first, at most {@code limit} entries. */
    Iterable<MailboxEntry> newest(String address, String mailbox, int limit);

    /** At most {@code max} entries, oldest first, in compact form. */
    MailboxSnapshot snapshot(String address, String mailbox, int max);

    /** Removes one listed entry and counts it out of the usage (admin delete). */
    void remove(String address, String mailbox, UUID entryId, long size);

    /**
     * Deletes an entry a failed delivery attempt may still write (a timed-out write can land later; this
     * later delete wins). Not counted: a write that failed was never counted in.
     */
    void cancel(String address, String mailbox, UUID entryId);

    /** Removes the entries of a snapshot whose indexes are set, and lets later reads skip them. */
    void expunge(String address, String mailbox, MailboxSnapshot snapshot, BitSet removed);

    void createMailbox(String address, String mailbox);

    Iterable<String> mailboxNames(String address);

    /** Drops a mailbox with every entry in it (the bodies are the caller's business). */
    void deleteMailbox(String address, String mailbox);

    /** Messages and bytes over all of the user's mailboxes; Cassandra's count may drift (see README). */
    MailboxUsage usage(String address);

    /** Adds a correction to the usage count (the recount of {@code cassmail-admin users recount}). */
    void adjustUsage(String address, long messages, long bytes);
}
