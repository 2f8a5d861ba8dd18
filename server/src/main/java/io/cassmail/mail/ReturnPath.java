package io.cassmail.mail;

import java.nio.charset.StandardCharsets;

/**
 * The {@code Return-Path:} trace field the final delivery adds (RFC 5321 §4.4): the envelope sender, or
 * {@code <>} for a bounce. Bodies are stored once for every recipient, so the line is not stored: the
 * mailbox entry's size counts it and readers put it in front of the stored bytes.
 */
public final class ReturnPath {
    private ReturnPath() {
    }

    public static byte[] line(String envelopeFrom) {
        String sender = envelopeFrom == null ? "" : envelopeFrom.replaceAll("[\\p{Cntrl}<>]", "");
        return ("Return-Path: <" + sender + ">\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
