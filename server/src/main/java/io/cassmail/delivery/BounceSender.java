package io.cassmail.delivery;

import io.cassmail.ingest.MessageIntake;
import io.cassmail.mail.Addresses;
import io.cassmail.mail.DsnParameters;
import io.cassmail.mail.Envelope;
import io.cassmail.mail.HeaderSection;
import io.cassmail.net.SendingLimits;
import io.cassmail.store.Directory;
import io.cassmail.store.MessageStore;
import io.cassmail.store.StoredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a DSN for recipients we gave up on to the envelope sender, through the normal pipeline. Never
 * for a null sender (no bounce loops, RFC 5321 §4.5.5). A remote sender's DSN goes out through the relay
 * lane, and only while the remote report limits allow: per remote address and in all, per sliding hour, so a
 * flood of forged senders cannot turn this server into a source of backscatter.
 */
public final class BounceSender {
    private static final Logger log = LoggerFactory.getLogger(BounceSender.class);
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    /** RET=FULL returns messages up to this size whole; bigger ones come back as their header section. */
    private static final long MAX_RETURNED_BYTES = 10L * 1024 * 1024;
    private static final String ALL_REMOTE = "*";

    private final MessageIntake intake;
    private final MessageStore messages;
    private final Directory directory;
    private final String hostname;
    private final SendingLimits perRemoteAddress;
    private final SendingLimits toRemote;

    /** With the default remote report limits (10 per remote address and 500 in all per hour). */
    public BounceSender(MessageIntake intake, MessageStore messages, Directory directory, String hostname) {
        this(intake, messages, directory, hostname, new SendingLimits(10, java.time.Clock.systemUTC()),
                new SendingLimits(500, java.time.Clock.systemUTC()));
    }

    /**
     * @param perRemoteAddress reports to one remote address per hour
     * @param toRemote reports to all remote addresses per hour (counted under one key)
     */
    public BounceSender(MessageIntake intake, MessageStore messages, Directory directory, String hostname,
                        SendingLimits perRemoteAddress, SendingLimits toRemote) {
        this.perRemoteAddress = perRemoteAddress;
        this.toRemote = toRemote;
        this.intake = intake;
        this.messages = messages;
        this.directory = directory;
        this.hostname = hostname;
    }

    /**
     * Queues the DSN (durable and confirmed when this returns, like any accepted message), or throws: the caller
     * then keeps the recipients pending and retries, so a bounce is never lost.
     */
    public void send(StoredMessage original, List<DeliveryProcessor.Bounce> failed) throws IOException {
        send(original, failed, DsnBuilder.Kind.FAILED);
    }

    /**
     * A success report (RFC 3461 NOTIFY=SUCCESS) for recipients delivered to their mailbox, or relayed to servers that
     * do not take DSN duties over. Best effort: the delivery happened whatever becomes of this report.
     */
    public void sendSuccess(StoredMessage original, List<DeliveryProcessor.Bounce> delivered, boolean relayed) {
        try {
            send(original, delivered, relayed ? DsnBuilder.Kind.RELAYED : DsnBuilder.Kind.DELIVERED);
        } catch (IOException e) {
            log.warn("message {}: success report not queued: {}", original.id(), e.getMessage());
        }
    }

    private void send(StoredMessage original, List<DeliveryProcessor.Bounce> failed, DsnBuilder.Kind kind)
            throws IOException {
        String sender = original.envelopeFrom();
        if (sender == null || sender.isEmpty()) {
            log.info("message {}: {} recipient(s) failed; null sender, so no bounce", original.id(), failed.size());
            return;
        }
        try {
            String normalized = Addresses.normalize(sender);
            Envelope.Recipient to;
            if (!directory.isLocalDomain(Addresses.domainOf(normalized))) {
                if (!perRemoteAddress.allows(normalized) || !toRemote.allows(ALL_REMOTE)) {
                    log.warn("message {}: {} report to {} not sent: the remote report limit ({} per address, {} in all"
                            + " per hour) is reached", original.id(), kind.action, sender, perRemoteAddress.maxPerHour(),
                            toRemote.maxPerHour());
                    return;
                }
                to = Envelope.Recipient.remote(normalized); // the relay lane takes it back to the sender's domain
            } else if (directory.userExists(normalized)) {
                to = new Envelope.Recipient(normalized, normalized);
            } else if (directory.aliasOwner(normalized).isPresent()) {
                to = new Envelope.Recipient(normalized, directory.aliasOwner(normalized).get());
            } else {
                log.warn("message {}: bounce to unknown local sender {} not sent", original.id(), sender);
                return;
            }
            boolean full = DsnParameters.returnFull(original.dsn()) && kind == DsnBuilder.Kind.FAILED
                    && original.size() <= MAX_RETURNED_BYTES;
            byte[] dsn = new DsnBuilder(hostname).build(original, failed, full ? wholeMessage(original)
                    : originalHeaders(original), full, kind);
            Envelope envelope = new Envelope("", List.of(to), null, hostname);
            var id = intake.submit(envelope, dsn);
            if (to.isRemote()) {
                perRemoteAddress.sent(normalized);
                toRemote.sent(ALL_REMOTE);
            }
            log.info("message {}: {} report {} queued to {}", original.id(), kind.action, id, sender);
        } catch (RuntimeException e) {
            throw new IOException("bounce to " + sender + " not queued: " + e.getMessage(), e);
        }
    }

    private byte[] wholeMessage(StoredMessage original) throws IOException {
        try (InputStream in = messages.openBody(original)) {
            return in.readAllBytes();
        }
    }

    private byte[] originalHeaders(StoredMessage original) throws IOException {
        try (InputStream in = messages.openBody(original)) {
            return HeaderSection.read(in, MAX_HEADER_BYTES);
        }
    }
}
