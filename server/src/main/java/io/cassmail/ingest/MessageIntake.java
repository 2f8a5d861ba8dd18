package io.cassmail.ingest;

import io.cassmail.mail.Envelope;
import io.cassmail.mail.HeaderSummaryParser;
import io.cassmail.mail.MessageIds;
import io.cassmail.queue.DeliveryJob;
import io.cassmail.queue.JobQueue;
import io.cassmail.store.BodyWriter;
import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.MessageStore;
import io.cassmail.store.StoredMessage;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a message durable and queues its delivery: body chunks, message row and per-recipient ledger
 * rows in the stores, then one confirmed job in the queue. Only a completed {@link Submission#commit()}
 * allows a 250 (DESIGN.md §Data flow 1); a failed one removes what it wrote.
 */
public final class MessageIntake {
    private static final Logger log = LoggerFactory.getLogger(MessageIntake.class);

    private final MessageStore messages;
    private final DeliveryLedger ledger;
    private final JobQueue queue;

    public MessageIntake(MessageStore messages, DeliveryLedger ledger, JobQueue queue) {
        this.messages = messages;
        this.ledger = ledger;
        this.queue = queue;
    }

    /** Starts a message; write its bytes (as they will be stored), then commit or abort. */
    public Submission begin(Envelope envelope) {
        UUID id = MessageIds.next();
        return new Submission(id, envelope, messages.newBody(id));
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
        private boolean done;

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

        public void write(byte[] b, int off, int len) throws IOException {
            headers.write(b, off, len);
            body.write(b, off, len);
        }

        /** Durable and queued when this returns; throws (after cleaning up) otherwise. */
        public UUID commit() throws IOException {
            done = true;
            boolean rowsWritten = false;
            try {
                int chunks = body.finish();
                StoredMessage row = new StoredMessage(id, envelope.hasNullSender() ? "" : envelope.sender(),
                        envelope.recipients().stream().map(Envelope.Recipient::address).toList(), body.size(), chunks,
                        Instant.now(), envelope.clientIp(), envelope.helo(),
                        HeaderSummaryParser.parse(headers.bytes()));
                rowsWritten = true;
                messages.save(row);
                ledger.recordQueued(id, queued(envelope));
                queue.publish(DeliveryJob.first(id));
                return id;
            } catch (IOException | RuntimeException e) {
                cleanUp(rowsWritten);
                if (e instanceof IOException io) {
                    throw io;
                }
                throw new IOException(e.getMessage(), e);
            }
        }

        /** Drops the message: nothing of it becomes visible. */
        public void abort() {
            if (!done) {
                done = true;
                body.abort();
            }
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

    private static List<DeliveryRecord> queued(Envelope envelope) {
        return envelope.recipients().stream()
                .map(r -> DeliveryRecord.queued(r.address(), r.mailbox())).toList();
    }
}
