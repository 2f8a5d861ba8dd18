package io.cassmail.mailbox;

import io.cassmail.mail.Addresses;
import io.cassmail.store.Directory;
import io.cassmail.store.MailboxStore;

/** Creates accounts with their INBOX: the one place where a user and its first mailbox come into being. */
public final class Accounts {
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
}
