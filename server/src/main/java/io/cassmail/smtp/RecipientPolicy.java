package io.cassmail.smtp;

import io.cassmail.mail.Addresses;
import io.cassmail.mail.Envelope;
import io.cassmail.mailbox.Quotas;
import io.cassmail.store.Directory;
import java.util.Locale;

/**
 * Decides RCPT: local users and aliases (into their owner's INBOX) are accepted, unknown users of local domains
 * refused (550 5.1.1), other domains refused as relaying on an MX (550 5.7.1, no open relay) and accepted for the relay on
 * submission, and postmaster of every local domain, or bare {@code <postmaster>}, always
 * accepted (RFC 5321 §4.5.1); a mailbox over its quota refused (552 5.2.2).
 */
final class RecipientPolicy {
    private final Directory directory;
    private final Quotas quotas;
    private final String postmaster;
    private final String hostname;
    private final boolean submission;

    /**
     * @param postmaster address whose INBOX receives postmaster mail; empty for postmaster@ of each domain
     * @param submission whether the client is an authenticated user of a submission port
     */
    RecipientPolicy(Directory directory, Quotas quotas, String postmaster, String hostname, boolean submission) {
        this.directory = directory;
        this.quotas = quotas;
        this.postmaster = postmaster;
        this.hostname = hostname;
        this.submission = submission;
    }

    RecipientPolicy(Directory directory, Quotas quotas, String postmaster, String hostname) {
        this(directory, quotas, postmaster, hostname, false);
    }

    /** The reply for a RCPT, and the recipient to add when it is a 250. */
    record Decision(String reply, Envelope.Recipient recipient) {
    }

    Decision decide(String rawAddress) {
        if (rawAddress.equalsIgnoreCase("postmaster")) {
            String mailbox = postmaster.isEmpty() ? "postmaster@" + hostname.toLowerCase(Locale.ROOT) : postmaster;
            return accept(new Envelope.Recipient("postmaster", mailbox));
        }
        String address = Addresses.normalize(rawAddress);
        String domain = Addresses.domainOf(address);
        if (!directory.isLocalDomain(domain)) {
            if (submission) {
                // an authenticated user may send anywhere (RFC 6409 §4.3); the relay lane delivers it
                // the domain is case-insensitive; the local part is the remote server's to interpret (RFC 5321 §2.4)
                String remote = rawAddress.substring(0, rawAddress.lastIndexOf('@') + 1) + domain;
                return new Decision("250 2.1.5 Recipient <" + rawAddress + "> ok (relayed)",
                        Envelope.Recipient.remote(remote));
            }
            return new Decision("550 5.7.1 <" + rawAddress + ">: Relay access denied", null);
        }
        if (Addresses.localPartOf(address).equals("postmaster")) {
            return accept(new Envelope.Recipient(address, postmaster.isEmpty() ? address : postmaster));
        }
        if (!directory.userExists(address)) {
            var owner = directory.aliasOwner(address);
            if (owner.isPresent()) {
                return accept(new Envelope.Recipient(address, owner.get()));
            }
            return new Decision("550 5.1.1 <" + rawAddress + ">: Recipient address rejected: User unknown in local recipient table", null);
        }
        return accept(new Envelope.Recipient(address, address));
    }

    /** A full mailbox is refused with 552 5.2.2 (RFC 3463), postmaster's too: outsiders cannot grow it without bound. */
    private Decision accept(Envelope.Recipient r) {
        if (quotas.wouldExceed(r.mailbox(), 0)) {
            return new Decision("552 5.2.2 <" + r.address() + ">: Mailbox full, try again after the user made room", null);
        }
        return new Decision("250 2.1.5 Recipient <" + r.address() + "> ok", r);
    }
}
