package io.cassmail.store;

import io.cassmail.mail.HeaderSummary;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The message row: envelope, size, chunk count and the header summary; {@code folder} is where local recipients
 * get it when not INBOX (Junk for a quarantined message), else null.
 */
public record StoredMessage(UUID id, String envelopeFrom, List<String> recipients, long size, int chunkCount,
                            Instant received, InetAddress clientIp, String helo, HeaderSummary headers, String dsn,
                            String folder) {

    /** A message row for the INBOX. */
    public StoredMessage(UUID id, String envelopeFrom, List<String> recipients, long size, int chunkCount,
                         Instant received, InetAddress clientIp, String helo, HeaderSummary headers, String dsn) {
        this(id, envelopeFrom, recipients, size, chunkCount, received, clientIp, helo, headers, dsn, null);
    }

    /** A message row without RFC 3461 RET/ENVID ({@code dsn}: {@code KEY=value ...}). */
    public StoredMessage(UUID id, String envelopeFrom, List<String> recipients, long size, int chunkCount,
                         Instant received, InetAddress clientIp, String helo, HeaderSummary headers) {
        this(id, envelopeFrom, recipients, size, chunkCount, received, clientIp, helo, headers, null);
    }
}
