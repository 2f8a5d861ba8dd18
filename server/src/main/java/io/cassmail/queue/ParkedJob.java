package io.cassmail.queue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * A parked job: its body as it was queued, why it was parked, and the lane it came from ({@link QueueTopology#DELIVERY}
 * or {@link QueueTopology#RELAY}), which is where a requeue sends it back.
 */
public record ParkedJob(byte[] body, String reason, String lane) {

    /** A job parked from the delivery lane. */
    public ParkedJob(byte[] body, String reason) {
        this(body, reason, QueueTopology.DELIVERY);
    }

    /** The message the job is about, when the body can be read at all. */
    public Optional<UUID> messageId() {
        try {
            return Optional.of(DeliveryJob.decode(body).messageId());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The body on one line, for listings. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8).strip().replace('\n', ' ');
    }
}
