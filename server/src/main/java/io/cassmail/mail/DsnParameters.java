package io.cassmail.mail;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * RFC 3461 delivery status notification parameters: RET and ENVID on MAIL FROM (§4.3, §4.4), NOTIFY and ORCPT on
 * RCPT TO (§4.1, §4.2). Kept as the validated {@code KEY=value} text the client sent and parsed when needed.
 */
public final class DsnParameters {
    private static final int MAX_ENVID = 100;
    private static final int MAX_ORCPT = 500;

    /** RFC 3461 §4.1 NOTIFY values. */
    public enum Notify { SUCCESS, FAILURE, DELAY }

    private DsnParameters() {
    }

    /** A parameter that does not follow RFC 3461 (answered 501 5.5.4). */
    public static final class InvalidException extends Exception {
        public InvalidException(String message) {
            super(message, null, false, false);
        }
    }

    /** RET's value, upper case, after checking it is FULL or HDRS. */
    public static String ret(String value) throws InvalidException {
        String v = value == null ? "" : value.toUpperCase(Locale.ROOT);
        if (!v.equals("FULL") && !v.equals("HDRS")) {
            throw new InvalidException("RET must be FULL or HDRS");
        }
        return v;
    }

    /** ENVID's value after checking it is xtext of at most 100 characters (RFC 3461 §4.4). */
    public static String envid(String value) throws InvalidException {
        if (value == null || value.isEmpty() || value.length() > MAX_ENVID || !isXtext(value)) {
            throw new InvalidException("ENVID must be xtext of 1 to " + MAX_ENVID + " characters");
        }
        return value;
    }

    /** NOTIFY's value, upper case, after checking it is NEVER or a list of SUCCESS, FAILURE and DELAY. */
    public static String notify(String value) throws InvalidException {
        String v = value == null ? "" : value.toUpperCase(Locale.ROOT);
        if (v.equals("NEVER")) {
            return v;
        }
        for (String part : v.split(",", -1)) {
            try {
                Notify.valueOf(part);
            } catch (IllegalArgumentException e) {
                throw new InvalidException("NOTIFY must be NEVER or a list of SUCCESS, FAILURE and DELAY");
            }
        }
        return v;
    }

    /**
     * NOTIFY as kept for a client that did not authenticate on the MX: only FAILURE survives (or NEVER), because a
     * success or delay report goes to an envelope sender anyone can forge (reflection spam; Postfix offers DSN to
     * such clients not at all). RFC 3461 §6.2 lets an MTA decline notifications it will not send.
     */
    public static String notifyForStranger(String validated) {
        return validated.contains("FAILURE") ? "FAILURE" : "NEVER";
    }

    /** RET as kept for a client that did not authenticate on the MX: headers only, never the whole message back. */
    public static String retForStranger(String validated) {
        return "HDRS";
    }

    /** ORCPT's value after checking it is {@code addr-type;xtext} (RFC 3461 §4.2). */
    public static String orcpt(String value) throws InvalidException {
        int semicolon = value == null ? -1 : value.indexOf(';');
        if (semicolon < 1 || value.length() > MAX_ORCPT || !value.substring(0, semicolon).matches("[A-Za-z0-9-]+")
                || !isXtext(value.substring(semicolon + 1))) {
            throw new InvalidException("ORCPT must be addr-type;xtext, e.g. rfc822;user@example.org");
        }
        return value;
    }

    /** The value of {@code key} in stored parameters ({@code KEY=value KEY=value}), or null. */
    public static String get(String stored, String key) {
        if (stored == null) {
            return null;
        }
        for (String p : stored.split(" ")) {
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).equalsIgnoreCase(key)) {
                return p.substring(eq + 1);
            }
        }
        return null;
    }

    /** Which notifications a recipient asked for; RFC 3461 §4.1: without NOTIFY, FAILURE (and DELAY). */
    public static Set<Notify> notifications(String stored) {
        String v = get(stored, "NOTIFY");
        if (v == null) {
            return EnumSet.of(Notify.FAILURE, Notify.DELAY);
        }
        Set<Notify> set = EnumSet.noneOf(Notify.class);
        if (!v.equals("NEVER")) {
            for (String part : v.split(",")) {
                set.add(Notify.valueOf(part));
            }
        }
        return set;
    }

    /** ORCPT decoded for a DSN's Original-Recipient field ({@code rfc822;user@example.org}), or null. */
    public static String originalRecipient(String stored) {
        String v = get(stored, "ORCPT");
        return v == null ? null : decodeXtext(v);
    }

    /** ENVID decoded for a DSN's Original-Envelope-Id field, or null. */
    public static String envelopeId(String stored) {
        String v = get(stored, "ENVID");
        return v == null ? null : decodeXtext(v);
    }

    /** Whether the sender asked for the full message back in a DSN (RET=FULL); the default is the headers. */
    public static boolean returnFull(String stored) {
        return "FULL".equals(get(stored, "RET"));
    }

    /** RFC 3461 §4: printable ASCII except "+" and "=", which appear only as {@code +XX} hex escapes. */
    static boolean isXtext(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                if (i + 2 >= s.length() || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (c < '!' || c > '~' || c == '=') {
                return false;
            }
        }
        return true;
    }

    static String decodeXtext(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+' && i + 2 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    }
}
