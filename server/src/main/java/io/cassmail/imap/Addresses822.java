package io.cassmail.imap;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an RFC 5322 address-list (§3.4) into ENVELOPE addresses (RFC 9051 §7.5.2): display names as written
 * (quotes removed, encoded words kept), group start and end markers. Lenient: what cannot be read becomes a
 * mailbox without a domain rather than an error.
 */
final class Addresses822 {
    private Addresses822() {
    }

    /** One ENVELOPE address; a group start has only {@code mailbox} (the group name), a group end nothing. */
    record Address(String name, String route, String mailbox, String host) {
    }

    static List<Address> parse(String value) {
        List<Address> result = new ArrayList<>();
        if (value == null) {
            return result;
        }
        int i = 0;
        int n = value.length();
        boolean inGroup = false;
        while (i < n) {
            StringBuilder phrase = new StringBuilder();
            StringBuilder comment = new StringBuilder();
            String angle = null;
            boolean quotedSeen = false;
            while (i < n) {
                char c = value.charAt(i);
                if (c == '"') {
                    quotedSeen = true;
                    i++;
                    while (i < n && value.charAt(i) != '"') {
                        if (value.charAt(i) == '\\' && i + 1 < n) {
                            i++;
                        }
                        phrase.append(value.charAt(i++));
                    }
                    i++;
                } else if (c == '(') {
                    int depth = 0;
                    int start = i;
                    while (i < n) {
                        char d = value.charAt(i++);
                        if (d == '\\') {
                            i++;
                        } else if (d == '(') {
                            depth++;
                        } else if (d == ')' && --depth == 0) {
                            break;
                        }
                    }
                    if (comment.length() == 0) {
                        comment.append(value, start + 1, Math.max(start + 1, Math.min(n, i) - 1));
                    }
                    phrase.append(' ');
                } else if (c == '<') {
                    int close = value.indexOf('>', i);
                    angle = value.substring(i + 1, close < 0 ? n : close).strip();
                    i = close < 0 ? n : close + 1;
                } else if (c == ':' && angle == null && !inGroup && !quotedSeen && phrase.indexOf("@") < 0) {
                    result.add(new Address(null, null, phrase.toString().strip(), null));
                    inGroup = true;
                    i++;
                    phrase.setLength(0);
                } else if (c == ',' || c == ';') {
                    break;
                } else {
                    phrase.append(c);
                    i++;
                }
            }
            String text = phrase.toString().strip().replaceAll("\\s+", " ");
            if (angle != null) {
                result.add(mailbox(text.isEmpty() ? null : text, angle));
            } else if (!text.isEmpty()) {
                result.add(mailbox(comment.length() > 0 ? comment.toString().strip() : null, text.replace(" ", "")));
            }
            if (i < n && value.charAt(i) == ';' && inGroup) {
                result.add(new Address(null, null, null, null));
                inGroup = false;
            }
            i++;
        }
        if (inGroup) {
            result.add(new Address(null, null, null, null));
        }
        return result;
    }

    private static Address mailbox(String name, String spec) {
        String route = null;
        String s = spec;
        if (s.startsWith("@")) {
            int colon = s.indexOf(':');
            if (colon > 0) {
                route = s.substring(0, colon);
                s = s.substring(colon + 1);
            }
        }
        int at = s.lastIndexOf('@');
        if (at < 0) {
            return new Address(name, route, s, "MISSING_DOMAIN");
        }
        String local = s.substring(0, at);
        if (local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"")) {
            local = local.substring(1, local.length() - 1);
        }
        return new Address(name, route, local, s.substring(at + 1));
    }
}
