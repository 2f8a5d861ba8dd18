package io.cassmail.delivery;

/**
 * How one recipient's delivery went: delivered, or failed temporarily or permanently with the RFC 3463
 * status and the reply or reason (what a DSN's Diagnostic-Code and the ledger's last error show).
 */
public record RecipientOutcome(String recipient, Kind kind, String status, String reply) {

    /** Delivered, worth retrying, or never going to work. */
    public enum Kind { DELIVERED, TEMPORARY, PERMANENT }

    public static RecipientOutcome delivered(String recipient) {
        return new RecipientOutcome(recipient, Kind.DELIVERED, "2.0.0", null);
    }

    public static RecipientOutcome temporary(String recipient, String status, String reply) {
        return new RecipientOutcome(recipient, Kind.TEMPORARY, status, reply);
    }

    public static RecipientOutcome permanent(String recipient, String status, String reply) {
        return new RecipientOutcome(recipient, Kind.PERMANENT, status, reply);
    }
}
