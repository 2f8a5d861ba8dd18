package io.cassmail.mail;

/** Header fields shown in listings; any of them may be null when the message lacks or mangles it. */
public record HeaderSummary(String from, String to, String subject, String date, String messageId) {
    public static final HeaderSummary EMPTY = new HeaderSummary(null, null, null, null, null);
}
