package io.cassmail.queue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/** A parked job: its body as it was queued and why it was parked. */
public record ParkedJob(byte[] body, String reason) {

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
