package io.cassmail.store;

/** How many messages and bytes a user's mailboxes list. */
public record MailboxUsage(long messages, long bytes) {
    public static final MailboxUsage NONE = new MailboxUsage(0, 0);
}
