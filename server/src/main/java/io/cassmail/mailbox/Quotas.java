package io.cassmail.mailbox;

import io.cassmail.store.Directory;
import io.cassmail.store.LookupCache;
import io.cassmail.store.MailboxUsage;
import io.cassmail.store.UserQuota;
import java.time.Duration;

/**
 * Per-user storage and message-count limits: the user's own, else the configured defaults, checked against
 * the usage the folder rows hold (exact; a burst of parallel deliveries can overshoot by what is in flight). The usage
 * read is remembered for {@code usageTtl}, so the check at RCPT and the one at the end of DATA share one read;
 * what arrives within that time can overshoot the limit by as much.
 */
public final class Quotas {
    private final Directory directory;
    private final MailboxReader mailboxes;
    private final long defaultMaxMessages;
    private final long defaultMaxBytes;
    private final LookupCache<String, MailboxUsage> usage;

    /** Reads the usage on every check. */
    public Quotas(Directory directory, MailboxReader mailboxes, long defaultMaxMessages, long defaultMaxBytes) {
        this(directory, mailboxes, defaultMaxMessages, defaultMaxBytes, Duration.ZERO);
    }

    /** @param usageTtl how long a usage read is reused (setting {@code quota.usage-cache-ttl}; zero: never) */
    public Quotas(Directory directory, MailboxReader mailboxes, long defaultMaxMessages, long defaultMaxBytes,
                  Duration usageTtl) {
        this.usage = new LookupCache<>(usageTtl, 100_000);
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
        MailboxUsage u = usage.get(address, mailboxes::usage);
        return u.messages() + 1 > l.maxMessages() || u.bytes() + incomingBytes > l.maxBytes();
    }

    /** Limits in force. */
    public record Limits(long maxMessages, long maxBytes) {
    }
}
