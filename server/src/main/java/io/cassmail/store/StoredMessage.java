package io.cassmail.store;

import io.cassmail.mail.HeaderSummary;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The message row: envelope, size, chunk count and the header summary. */
public record StoredMessage(UUID id, String envelopeFrom, List<String> recipients, long size, int chunkCount,
                            Instant received, InetAddress clientIp, String helo, HeaderSummary headers) {
}
