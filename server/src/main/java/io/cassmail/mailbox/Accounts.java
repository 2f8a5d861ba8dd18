package io.cassmail.mailbox;

import io.cassmail.mail.Addresses;
import io.cassmail.store.Directory;
import io.cassmail.store.FolderRow;
import java.util.List;

/**
 * Creates and removes accounts: the one place where a user and its folders come into being, and where they go
 * together, so a recreated account never inherits the old owner's mail.
 */
public final class Accounts {
    private final Directory directory;
    private final Mailboxes mailboxes;

    public Accounts(Directory directory, Mailboxes mailboxes) {
        this.directory = directory;
        this.mailboxes = mailboxes;
    }

    /**
     * Creates or replaces the account ({@code passwordHash} null: no login) and gives it INBOX and the special-use
     * folders (RFC 6154).
     */
    public String create(String address, String passwordHash) {
        String a = createLater(address, passwordHash);
        mailboxes.writer().open(a);
        return a;
    }

    /**
     * Creates or replaces the account and leaves its folders to its mailbox writer's first change (bulk imports:
     * opening folders costs two lightweight transactions an account, taking the lease and giving it back).
     */
    public String createLater(String address, String passwordHash) {
        String a = Addresses.normalize(address);
        directory.addUser(a, passwordHash);
        return a;
    }

    /** Folders, messages and bytes the user has, from the folder rows (one read, exact). */
    public MailboxCount count(String address) {
        List<FolderRow> folders = mailboxes.reader().folders(Addresses.normalize(address));
        return new MailboxCount(folders.size(), folders.stream().mapToLong(FolderRow::messages).sum(),
                folders.stream().mapToLong(FolderRow::bytes).sum());
    }

    /**
     * Deletes the account with its aliases and every folder and message; each body goes once nothing else keeps
     * it. Returns how many messages were removed.
     */
    public long purge(String address) {
        String a = Addresses.normalize(address);
        long removed = mailboxes.writer().purge(a);
        for (String alias : List.copyOf(toList(directory.aliases(a)))) {
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

    /** Counts every folder again and fixes its counts (disasters only); returns the correction. */
    public io.cassmail.store.MailboxUsage recount(String address) {
        return mailboxes.writer().recount(Addresses.normalize(address));
    }

    /** Folders, messages and bytes a user has. */
    public record MailboxCount(int mailboxes, long messages, long bytes) {
    }
}
