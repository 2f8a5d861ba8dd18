package io.cassmail.delivery;

import io.cassmail.mail.DsnParameters;
import io.cassmail.mail.Rfc5322Date;
import io.cassmail.store.StoredMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.UUID;

/**
 * Builds a delivery status notification: {@code multipart/report; report-type=delivery-status} (RFC 3464, RFC 6522),
 * with the sender's RFC 3461 ENVID and each recipient's ORCPT; the original's header section, or the whole message
 * when the sender asked for it (RET=FULL).
 */
final class DsnBuilder {
    private final String hostname;

    DsnBuilder(String hostname) {
        this.hostname = hostname;
    }

    /** A failure report (Action: failed). */
    byte[] build(StoredMessage original, List<DeliveryProcessor.Bounce> failed, byte[] originalHeaders) {
        return build(original, failed, originalHeaders, false, Kind.FAILED);
    }

    /** What the report says happened to its recipients. */
    enum Kind {
        FAILED("failed", "Undelivered Mail Returned to Sender", "Your message could not be delivered to one or more recipients."),
        DELIVERED("delivered", "Successful Mail Delivery Report", "Your message was delivered to the following recipients."),
        RELAYED("relayed", "Successful Mail Delivery Report",
                "Your message was handed to servers that do not report delivery, for the following recipients.");

        final String action;
        final String subject;
        final String sentence;

        Kind(String action, String subject, String sentence) {
            this.action = action;
            this.subject = subject;
            this.sentence = sentence;
        }
    }

    /** @param originalPart the header section, or the whole message when {@code full} */
    byte[] build(StoredMessage original, List<DeliveryProcessor.Bounce> items, byte[] originalPart, boolean full, Kind kind) {
        String boundary = "=_cassmail_dsn_" + UUID.randomUUID();
        String now = Rfc5322Date.format(ZonedDateTime.now(ZoneOffset.UTC));
        StringBuilder b = new StringBuilder();
        b.append("From: Mail Delivery System <MAILER-DAEMON@").append(hostname).append(">\r\n");
        b.append("To: <").append(original.envelopeFrom()).append(">\r\n");
        b.append("Subject: ").append(kind.subject).append("\r\n");
        b.append("Date: ").append(now).append("\r\n");
        b.append("Message-ID: <").append(UUID.randomUUID()).append("@").append(hostname).append(">\r\n");
        b.append("Auto-Submitted: auto-replied\r\n");
        b.append("MIME-Version: 1.0\r\n");
        b.append("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"").append(boundary).append("\"\r\n");
        b.append("\r\nThis is a MIME-encapsulated message.\r\n");
        b.append("\r\n--").append(boundary).append("\r\n");
        b.append("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
        b.append("This is the mail system at ").append(hostname).append(".\r\n\r\n");
        b.append(kind.sentence).append("\r\n\r\n");
        for (DeliveryProcessor.Bounce f : items) {
            b.append("<").append(f.recipient()).append(">: ").append(f.diagnostic()).append("\r\n");
        }
        b.append("\r\n--").append(boundary).append("\r\n");
        b.append("Content-Type: message/delivery-status\r\n\r\n");
        String envid = DsnParameters.envelopeId(original.dsn());
        if (envid != null) {
            b.append("Original-Envelope-Id: ").append(oneLine(envid)).append("\r\n"); // RFC 3464 §2.2.1
        }
        b.append("Reporting-MTA: dns; ").append(hostname).append("\r\n");
        b.append("X-CassMail-Queue-ID: ").append(original.id()).append("\r\n");
        if (original.received() != null) {
            b.append("Arrival-Date: ").append(Rfc5322Date.format(original.received().atZone(ZoneOffset.UTC))).append("\r\n");
        }
        for (DeliveryProcessor.Bounce f : items) {
            b.append("\r\n");
            String orcpt = DsnParameters.originalRecipient(f.dsn());
            if (orcpt != null) {
                b.append("Original-Recipient: ").append(oneLine(orcpt)).append("\r\n"); // RFC 3464 §2.3.1
            }
            b.append("Final-Recipient: rfc822; ").append(f.recipient()).append("\r\n");
            b.append("Action: ").append(kind.action).append("\r\n");
            b.append("Status: ").append(f.status()).append("\r\n");
            if (f.remoteMta() != null) {
                // RFC 3464 §2.3.5/§2.3.6: the remote server and its own reply
                b.append("Remote-MTA: dns; ").append(f.remoteMta()).append("\r\n");
                if (kind == Kind.FAILED) {
                    b.append("Diagnostic-Code: smtp; ").append(oneLine(f.diagnostic())).append("\r\n");
                }
            } else if (kind == Kind.FAILED) {
                b.append("Diagnostic-Code: X-CassMail; ").append(oneLine(f.diagnostic())).append("\r\n");
            }
        }
        b.append("\r\n--").append(boundary).append("\r\n");
        b.append(full ? "Content-Type: message/rfc822\r\n\r\n" : "Content-Type: text/rfc822-headers\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(b.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(originalPart);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\r\n]+", " ");
    }
}
