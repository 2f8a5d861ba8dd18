package io.cassmail.imap;

/** A command that does not parse (RFC 9051 §7.1.5: answered with a tagged BAD). */
final class ImapSyntaxException extends Exception {
    private final String code;

    ImapSyntaxException(String message) {
        this(null, message);
    }

    /** @param code a response code such as {@code TOOBIG}, or null */
    ImapSyntaxException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    String code() {
        return code;
    }
}
