package io.cassmail.ingest;

import io.cassmail.mail.Envelope;
import io.cassmail.mail.HeaderSummaryParser;
import io.cassmail.mail.MessageIds;
import io.cassmail.queue.DeliveryJob;
import io.cassmail.queue.JobQueue;
import io.cassmail.queue.UnconfirmedPublishException;
import io.cassmail.store.AcceptedLog;
import io.cassmail.store.AcceptedWrites;
import io.cassmail.store.BodyWriter;
import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.MessageStore;
import io.cassmail.store.Stores;
import io.cassmail.store.StoredMessage;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a message durable and queues its delivery: body chunks, then the last chunk, message row and
 * per-recipient ledger rows in one write where the store allows ({@link AcceptedWrites}), the reconciler's
 * index, then one confirmed job in the queue. Only a completed {@link Submission#commit()}
 * allows a 250 (DESIGN.md §Data flow 1); a failed one removes what it wrote, unless the job may have been
 * queued (an unconfirmed publish): then the message stays and counts as accepted.
 */
public final class MessageIntake {
    private static final Logger log = LoggerFactory.getLogger(MessageIntake.class);

    private final MessageStore messages;
    private final DeliveryLedger ledger;
    private final AcceptedLog accepted;
    private final AcceptedWrites writes;
    private final JobQueue queue;
    private final JobQueue relay;
    private final IntakeMemory memory;

    /**
     * Intake on a set of stores, with their way of writing an accepted message (Cassandra: one batch).
     *
     * @param queue the local delivery lane, for messages with local recipients
     * @param relay the relay lane, for messages with remote recipients (a message with both gets a job in each);
     *              null when every recipient is local
     */
    public MessageIntake(Stores stores, JobQueue queue, JobQueue relay, IntakeMemory memory) {
        this.messages = stores.messages();
        this.writes = stores.writes();
        this.ledger = stores.ledger();
        this.accepted = stores.accepted();
        this.queue = queue;
        this.relay = relay;
        this.memory = memory;
    }

    /**
     * Starts a message; write its bytes (as they will be stored), then commit or abort. Throws
     * {@link IntakeMemory.ExhaustedException} when the in-flight memory budget has no room for another message.
     */
    public Submission begin(Envelope envelope) throws IntakeMemory.ExhaustedException {
        if (relay == null && envelope.recipients().stream().anyMatch(Envelope.Recipient::isRemote)) {
            throw new IllegalArgumentException("a remote recipient, but this intake has no relay lane");
        }
        if (!memory.tryReserve(IntakeMemory.PER_SESSION)) {
            throw new IntakeMemory.ExhaustedException("in-flight message memory budget of " + memory.limit()
                    + " bytes is spent");
        }
        UUID id = MessageIds.next();
        try {
            return new Submission(id, envelope, messages.newBody(id));
        } catch (RuntimeException e) {
            memory.release(IntakeMemory.PER_SESSION);
            throw e;
        }
    }

    /** Convenience for messages CassMail writes itself (bounces). */
    public UUID submit(Envelope envelope, byte[] message) throws IOException {
        Submission s = begin(envelope);
        try {
            s.write(message, 0, message.length);
        } catch (IOException e) {
            s.abort();
            throw e;
        }
        return s.commit();
    }

    /** One message on its way in. */
    public final class Submission {
        private final UUID id;
        private final Envelope envelope;
        private final BodyWriter body;
        private final HeaderCapture headers = new HeaderCapture();
        private long reserved = IntakeMemory.PER_SESSION;
        private boolean done;
        private boolean headLater;
        private String folder;

        private Submission(UUID id, Envelope envelope, BodyWriter body) {
            this.id = id;
            this.envelope = envelope;
            this.body = body;
        }

        public UUID id() {
            return id;
        }

        public long size() {
            return body.size();
        }

        /** Throws {@link IntakeMemory.ExhaustedException} (and drops the message) when the budget is spent. */
        public void write(byte[] b, int off, int len) throws IOException {
            if (done) {
                throw new IOException("message " + id + " was already committed or dropped");
            }
            if (!headLater) {
                headers.write(b, off, len);
            }
            body.write(b, off, len);
            reserve(0);
        }

        /**
         * Counts {@code extra} bytes the caller holds for this message (an MX holds the header section until the
         * end) against the in-flight budget; throws {@link IntakeMemory.ExhaustedException} (and drops the
         * message) when the budget is spent.
         */
        public void reserve(long extra) throws IOException {
            long held = IntakeMemory.PER_SESSION + headers.size() + body.buffered() + extra;
            if (held > reserved) {
                if (!memory.tryReserve(held - reserved)) {
                    abort();
                    throw new IntakeMemory.ExhaustedException("in-flight message memory budget of " + memory.limit()
                            + " bytes is spent");
                }
                reserved = held;
            }
        }

        /** Bytes written from now on are the body; {@link #head(byte[])} gives the header section before commit. */
        public void deferHead() {
            body.deferHead();
            headLater = true;
        }

        /** The header section (trace fields included, with its empty line) of a message whose head was deferred. */
        public void head(byte[] bytes) throws IOException {
            headers.write(bytes, 0, bytes.length);
            body.head(bytes);
            reserve(0);
        }

        /** Files the message for local recipients in {@code folder} instead of INBOX (Junk, for a quarantine). */
        public void folder(String folder) {
            this.folder = folder;
        }

        /** Durable and queued when this returns; throws (after cleaning up) otherwise. */
        public UUID commit() throws IOException {
            if (done) {
                throw new IOException("message " + id + " was already committed or dropped");
            }
            done = true;
            boolean rowsWritten = false;
            try {
                int chunks = body.finishHoldingLast();
                StoredMessage row = new StoredMessage(id, envelope.hasNullSender() ? "" : envelope.sender(),
                        envelope.recipients().stream().map(Envelope.Recipient::address).toList(), body.size(), chunks,
                        Instant.now(), envelope.clientIp(), envelope.helo(),
                        HeaderSummaryParser.parse(headers.bytes()), envelope.dsn(), folder);
                rowsWritten = true;
                writes.write(body, row, queued(envelope));
                accepted.add(AcceptedLog.minuteOf(row.received()), id); // where the reconciler looks (README "Reliability")
                boolean local = envelope.recipients().stream().anyMatch(r -> !r.isRemote());
                if (local) {
                    publish(queue, DeliveryJob.first(id));
                }
                if (envelope.recipients().stream().anyMatch(Envelope.Recipient::isRemote)) {
                    try {
                        publish(relay, DeliveryJob.first(id));
                    } catch (IOException e) {
                        if (!local) {
                            throw e;
                        }
                        // the local job is confirmed and may be delivering now: the message is accepted, and the
                        // reconciler publishes the relay job once it has made no progress (README "Reliability")
                        log.warn("message {}: relay job not queued ({}); accepted, the reconciler will publish it",
                                id, e.getMessage());
                    }
                }
                return id;
            } catch (IOException | RuntimeException e) {
                cleanUp(rowsWritten);
                if (e instanceof IOException io) {
                    throw io;
                }
                throw new IOException(e.getMessage(), e);
            } finally {
                releaseMemory();
            }
        }

        /**
         * Publishes the first job. When the broker took the job but never confirmed it, the job may be queued
         * and a worker may deliver it, so the message must stay and the client must hear 250: one more
         * publish is tried (a duplicate job is harmless, delivery is idempotent), and if that is not confirmed
         * either the reconciler republishes the job once it has made no progress (README "Reliability").
         */
        private void publish(JobQueue queue, DeliveryJob job) throws IOException {
            try {
                queue.publish(job);
            } catch (UnconfirmedPublishException first) {
                try {
                    queue.publish(job);
                    log.warn("message {}: first delivery job not confirmed ({}); published again", id, first.getMessage());
                } catch (IOException again) {
                    log.warn("message {}: delivery job not confirmed ({}, then {}); accepted, the reconciler will"
                            + " republish it if it was lost", id, first.getMessage(), again.getMessage());
                }
            }
        }

        /** Drops the message: nothing of it becomes visible. */
        public void abort() {
            if (!done) {
                done = true;
                body.abort();
                releaseMemory();
            }
        }

        private void releaseMemory() {
            memory.release(reserved);
            reserved = 0;
        }

        private void cleanUp(boolean rowsWritten) {
            try {
                if (rowsWritten) {
                    ledger.forget(id);
                }
            } catch (RuntimeException e) {
                log.warn("message {}: could not remove ledger rows after a failed accept: {}", id, e.getMessage());
            }
            body.abort();
        }
    }

    /**
     * The recipients' QUEUED records. A local one gets its mailbox entry id now, just before the write: the
     * ledger knows it before any worker can list the copy, which is what a first delivery within the write
     * window relies on to need no ledger write before the entry (README "Data model").
     */
    private static List<DeliveryRecord> queued(Envelope envelope) {
        return envelope.recipients().stream()
                .map(r -> DeliveryRecord.queued(r.address(), r.mailbox(), r.dsn()))
                .toList();
    }
}
