package io.cassmail.mail;

import java.net.InetAddress;
import java.util.List;

/** SMTP envelope of one message (RFC 5321 §2.3.1): reverse path, recipients, and where it came from. */
public record Envelope(String sender, List<Recipient> recipients, InetAddress clientIp, String helo, String dsn) {

    /** An envelope without RFC 3461 parameters. */
    public Envelope(String sender, List<Recipient> recipients, InetAddress clientIp, String helo) {
        this(sender, recipients, clientIp, helo, null);
    }

    /**
     * A forward path and the account whose INBOX receives it (differs for postmaster and aliases); an empty
     * mailbox marks a remote recipient, for the relay.
     */
    public record Recipient(String address, String mailbox, String dsn) {
        public Recipient(String address, String mailbox) {
            this(address, mailbox, null);
        }

        /** A recipient at another domain, delivered by the relay. */
        public static Recipient remote(String address) {
            return new Recipient(address, "");
        }

        /** The same recipient with RFC 3461 NOTIFY/ORCPT parameters ({@code KEY=value ...}, null for none). */
        public Recipient withDsn(String parameters) {
            return new Recipient(address, mailbox, parameters);
        }

        public boolean isRemote() {
            return mailbox.isEmpty();
        }
    }

    public boolean hasNullSender() {
        return sender == null || sender.isEmpty();
    }
}
