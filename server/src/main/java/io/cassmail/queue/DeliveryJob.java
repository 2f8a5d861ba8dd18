package io.cassmail.queue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A delivery job: ids only, never message bytes. The recipients and their state are in the deliveries
 * table; the job says which message, how many attempts were made and when it was first queued.
 */
public record DeliveryJob(UUID messageId, int attempt, Instant firstQueued) {

    public static DeliveryJob first(UUID messageId) {
        return new DeliveryJob(messageId, 0, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    public DeliveryJob nextAttempt() {
        return new DeliveryJob(messageId, attempt + 1, firstQueued);
    }

    public byte[] encode() {
        return ("message-id=" + messageId + "\nattempt=" + attempt + "\nfirst-queued=" + firstQueued.toEpochMilli() + "\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Parses a job body; throws {@link MalformedJobException} saying what is wrong. */
    public static DeliveryJob decode(byte[] body) {
        Map<String, String> fields = new HashMap<>();
        for (String line : new String(body, StandardCharsets.US_ASCII).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        try {
            return new DeliveryJob(UUID.fromString(required(fields, "message-id")),
                    Integer.parseInt(required(fields, "attempt")),
                    Instant.ofEpochMilli(Long.parseLong(required(fields, "first-queued"))));
        } catch (MalformedJobException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new MalformedJobException("malformed delivery job: " + e.getMessage());
        }
    }

    private static String required(Map<String, String> fields, String key) {
        String v = fields.get(key);
        if (v == null) {
            throw new MalformedJobException("malformed delivery job: no " + key);
        }
        return v;
    }

    /** The job body cannot be understood; it goes to the parking queue. */
    public static final class MalformedJobException extends IllegalArgumentException {
        public MalformedJobException(String message) {
            super(message);
        }
    }
}
