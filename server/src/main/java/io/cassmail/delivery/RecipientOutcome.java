package io.cassmail.delivery;

/**
 * How one recipient's delivery went: delivered, or failed temporarily or permanently with the RFC 3463
 * status and the reply or reason (what a DSN's Diagnostic-Code and the ledger's last error show).
 * {@code mayHaveLanded}: a temporary failure after which the copy may nonetheless be there (a write that timed
 * out); such a recipient is never bounced, only retried until the outcome is known.
 */
public record RecipientOutcome(String recipient, Kind kind, String status, String reply, boolean mayHaveLanded,
                               String remoteMta, boolean dsnPassedOn) {

    public RecipientOutcome(String recipient, Kind kind, String status, String reply, boolean mayHaveLanded) {
        this(recipient, kind, status, reply, mayHaveLanded, null, false);
    }

    public RecipientOutcome(String recipient, Kind kind, String status, String reply, boolean mayHaveLanded,
                            String remoteMta) {
        this(recipient, kind, status, reply, mayHaveLanded, remoteMta, false);
    }

    /** The same outcome, with the next hop taking over RFC 3461 notifications (it supports DSN, §6.2.1). */
    public RecipientOutcome withDsnPassedOn(boolean passedOn) {
        return new RecipientOutcome(recipient, kind, status, reply, mayHaveLanded, remoteMta, passedOn);
    }

    /** The same outcome with the server's reply kept (a relayed recipient's 250, for the ledger). */
    public RecipientOutcome withReply(String text) {
        return new RecipientOutcome(recipient, kind, status, text, mayHaveLanded, remoteMta, dsnPassedOn);
    }

    /** The same outcome, reported by a remote server (its name goes into a DSN's Remote-MTA). */
    public RecipientOutcome from(String mta) {
        return new RecipientOutcome(recipient, kind, status, reply, mayHaveLanded, mta, dsnPassedOn);
    }

    /**
     * Delivered, worth retrying, or never going to work; or being sent by another worker right now (its sending lease
     * is live): not attempted, nothing recorded, looked at again later.
     */
    public enum Kind { DELIVERED, TEMPORARY, PERMANENT, ELSEWHERE }

    public static RecipientOutcome delivered(String recipient) {
        return new RecipientOutcome(recipient, Kind.DELIVERED, "2.0.0", null, false);
    }

    public static RecipientOutcome temporary(String recipient, String status, String reply) {
        return new RecipientOutcome(recipient, Kind.TEMPORARY, status, reply, false);
    }

    /** A temporary failure whose copy may have landed all the same: retried, never bounced. */
    public static RecipientOutcome uncertain(String recipient, String status, String reply) {
        return new RecipientOutcome(recipient, Kind.TEMPORARY, status, reply, true);
    }

    /** Another worker holds a live sending lease for this recipient: not attempted here, the ledger left as it is. */
    public static RecipientOutcome sendingElsewhere(String recipient, String reply) {
        return new RecipientOutcome(recipient, Kind.ELSEWHERE, "4.4.0", reply, false);
    }

    public static RecipientOutcome permanent(String recipient, String status, String reply) {
        return new RecipientOutcome(recipient, Kind.PERMANENT, status, reply, false);
    }
}
