package io.cassmail.store;

import java.util.UUID;

/** One message listed in a mailbox, keyed by the message id. */
public record MailboxEntry(UUID messageId, long size, String sender, String subject) {
}
