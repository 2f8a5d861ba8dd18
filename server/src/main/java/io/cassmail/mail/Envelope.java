package io.cassmail.mail;

import java.net.InetAddress;
import java.util.List;

/** SMTP envelope of one message (RFC 5321 §2.3.1): reverse path, recipients, and where it came from. */
public record Envelope(String sender, List<Recipient> recipients, InetAddress clientIp, String helo) {

    /** A forward path and the account whose INBOX receives it (differs for postmaster). */
    public record Recipient(String address, String mailbox) {
    }

    public boolean hasNullSender() {
        return sender == null || sender.isEmpty();
    }
}
