package io.cassmail.mailbox;

/** A mailbox operation refused for a reason the user can act on; {@code kind} maps to an IMAP response code. */
public final class MailboxException extends RuntimeException {
    /** Why (RFC 5530 response codes where one fits). */
    public enum Kind { NONEXISTENT, ALREADYEXISTS, HASCHILDREN, CANNOT, LIMIT, INUSE }

    private final Kind kind;

    public MailboxException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
