package io.cassmail.mailbox;

import io.cassmail.store.Directory;
import io.cassmail.store.MailboxStore;
import io.cassmail.store.MailboxUsage;
import io.cassmail.store.UserQuota;

/**
 * Per-user storage and message-count limits: the user's own, else the configured defaults, checked against
 * the usage counters (no LWT, so a burst of parallel deliveries can overshoot by what is in flight).
 */
public final class Quotas {
    private final Directory directory;
    private final MailboxStore mailboxes;
    private final long defaultMaxMessages;
    private final long defaultMaxBytes;

    public Quotas(Directory directory, MailboxStore mailboxes, long defaultMaxMessages, long defaultMaxBytes) {
        this.directory = directory;
        this.mailboxes = mailboxes;
        this.defaultMaxMessages = defaultMaxMessages;
        this.defaultMaxBytes = defaultMaxBytes;
    }

    /** The limits in force for a user. */
    public Limits limits(String address) {
        UserQuota own = directory.quota(address);
        return new Limits(own.maxMessages() != null ? own.maxMessages() : defaultMaxMessages,
                own.maxBytes() != null ? own.maxBytes() : defaultMaxBytes);
    }

    /** Whether one more message of {@code incomingBytes} would exceed the user's limits. */
    public boolean wouldExceed(String address, long incomingBytes) {
        Limits l = limits(address);
        MailboxUsage u = mailboxes.usage(address);
        return u.messages() + 1 > l.maxMessages() || u.bytes() + incomingBytes > l.maxBytes();
    }

    /** Limits in force. */
    public record Limits(long maxMessages, long maxBytes) {
    }
}
