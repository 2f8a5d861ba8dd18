package io.cassmail.mailbox;

import java.time.Duration;
import java.util.Optional;

/**
 * How a change reaches the process that writes an account now (its lease holder): through RabbitMQ between
 * CassMail processes ({@code io.cassmail.queue.RabbitWriterLink}), nowhere for a process on its own.
 */
public interface WriterLink {

    /**
     * Sends an encoded {@link WriteRequest} to {@code owner}'s writer and returns its encoded answer; empty when
     * {@code owner} cannot be reached (not running: its lease will run out).
     */
    Optional<byte[]> call(String owner, byte[] request, Duration timeout);

    /** No other process to reach. */
    WriterLink NONE = (owner, request, timeout) -> Optional.empty();
}
