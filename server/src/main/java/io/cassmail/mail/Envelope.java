package io.cassmail.mail;

import java.net.InetAddress;
import java.util.List;

/** SMTP envelope of one message (RFC 5321 §2.3.1): reverse path, recipients, and where it came from. */
public record Envelope(String sender, List<Recipient> recipients, InetAddress clientIp, String helo) {

    /**
     * A forward path and the account whose INBOX receives it (differs for postmaster and aliases); an empty
     * mailbox marks a remote recipient, for the relay.
     */
    public record Recipient(String address, String mailbox) {
        /** A recipient at another domain, delivered by the relay. */
        public static Recipient remote(String address) {
            return new Recipient(address, "");
        }

        public boolean isRemote() {
            return mailbox.isEmpty();
        }
    }

    public boolean hasNullSender() {
        return sender == null || sender.isEmpty();
    }
}
