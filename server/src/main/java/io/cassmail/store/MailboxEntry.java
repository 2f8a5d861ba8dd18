package io.cassmail.store;

import java.util.UUID;

/**
 * One message listed in a mailbox. {@code entryId} is the entry's own key, a time-based id taken when the
 * worker listed it: it fixes the entry's position and bucket. {@code messageId} names the stored message.
 */
public record MailboxEntry(UUID entryId, UUID messageId, long size, String sender, String subject) {
}
