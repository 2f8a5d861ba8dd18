package io.cassmail.imap;

/** A command that parsed but cannot be done: answered with a tagged NO and a response code (RFC 9051 §7.1). */
final class ImapNo extends Exception {
    private final String code;

    /** @param code a response code such as {@code NONEXISTENT}, or null */
    ImapNo(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    String code() {
        return code;
    }
}
