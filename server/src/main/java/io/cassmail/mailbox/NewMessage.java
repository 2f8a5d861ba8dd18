package io.cassmail.mailbox;

import java.time.Instant;
import java.util.UUID;

/** A stored body to list in a folder, with the summary a listing shows. */
public record NewMessage(UUID messageId, long size, Instant internalDate, String sender, String subject) {
}
