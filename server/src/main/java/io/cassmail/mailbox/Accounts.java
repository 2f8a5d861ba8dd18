package io.cassmail.mailbox;

import io.cassmail.mail.Addresses;
import io.cassmail.store.Directory;
import io.cassmail.store.MailboxEntry;
import io.cassmail.store.MailboxSnapshot;
import io.cassmail.store.MailboxStore;
import io.cassmail.store.MailboxUsage;
import java.util.BitSet;
import java.util.List;

/**
 * Creates and removes accounts: the one place where a user and its first mailbox come into being, and
 * where they go together, so a recreated account never inherits the old owner's mail.
 */
public final class Accounts {
    private static final int PURGE_BATCH = 10_000;

    private final Directory directory;
    private final MailboxStore mailboxes;

    public Accounts(Directory directory, MailboxStore mailboxes) {
        this.directory = directory;
        this.mailboxes = mailboxes;
    }

    /** Creates or replaces the account ({@code passwordHash} null: no login) and makes sure it has an INBOX. */
    public String create(String address, String passwordHash) {
        String a = Addresses.normalize(address);
        directory.addUser(a, passwordHash);
        mailboxes.createMailbox(a, MailboxStore.INBOX);
        return a;
    }

    /** Messages and mailboxes the user still has: a count over every mailbox (reads it all). */
    public MailboxCount count(String address) {
        String a = Addresses.normalize(address);
        long messages = 0;
        long bytes = 0;
        int boxes = 0;
        for (String mailbox : mailboxes.mailboxNames(a)) {
            boxes++;
            for (MailboxEntry e : mailboxes.list(a, mailbox)) {
                messages++;
                bytes += e.size();
            }
        }
        return new MailboxCount(boxes, messages, bytes);
    }

    /**
     * Deletes the account with its aliases and every mailbox and entry; each body goes once nothing else keeps it.
     * Returns how many messages were removed.
     */
    public long purge(String address, MessageRemover remover) {
        String a = Addresses.normalize(address);
        long removed = 0;
        for (String mailbox : mailboxes.mailboxNames(a)) {
            MailboxSnapshot batch;
            do {
                batch = mailboxes.snapshot(a, mailbox, PURGE_BATCH);
                BitSet all = new BitSet();
                all.set(0, batch.size());
                remover.removeAll(a, mailbox, batch, all);
                removed += batch.size();
            } while (!batch.complete());
            mailboxes.deleteMailbox(a, mailbox);
        }
        for (String alias : toList(directory.aliases(a))) {
            directory.removeAlias(alias);
        }
        directory.removeUser(a);
        return removed;
    }

    private static List<String> toList(Iterable<String> items) {
        List<String> list = new java.util.ArrayList<>();
        items.forEach(list::add);
        return list;
    }

    /** Sets the usage counters to what the mailboxes really list; returns the correction applied. */
    public MailboxUsage recount(String address) {
        MailboxCount actual = count(address);
        MailboxUsage counted = mailboxes.usage(address);
        long messages = actual.messages() - counted.messages();
        long bytes = actual.bytes() - counted.bytes();
        if (messages != 0 || bytes != 0) {
            mailboxes.adjustUsage(address, messages, bytes);
        }
        return new MailboxUsage(messages, bytes);
    }

    /** Mailboxes, messages and bytes a user has. */
    public record MailboxCount(int mailboxes, long messages, long bytes) {
    }
}
