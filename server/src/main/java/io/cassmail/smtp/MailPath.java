package io.cassmail.smtp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The argument of MAIL FROM / RCPT TO (RFC 5321 §4.1.2): a path in angle brackets and ESMTP parameters.
 * Like Postfix's default, a space after the colon and a missing pair of brackets are tolerated.
 */
record MailPath(String address, Map<String, String> parameters) {
    private static final Pattern SPACES = Pattern.compile("\\s+");

    /** Thrown for a line that is not {@code KEYWORD:<path> [params]}. */
    static final class SyntaxException extends Exception {
        SyntaxException(String message) {
            super(message);
        }
    }

    static MailPath parse(String commandLine, String keyword) throws SyntaxException {
        int colon = commandLine.indexOf(':');
        if (colon < 0) {
            throw new SyntaxException("missing " + keyword + ":");
        }
        String verbAndKeyword = SPACES.matcher(commandLine.substring(0, colon)).replaceAll(" ").toUpperCase(Locale.ROOT);
        if (!verbAndKeyword.endsWith(" " + keyword)) {
            throw new SyntaxException("expected " + keyword + ":");
        }
        String rest = commandLine.substring(colon + 1).stripLeading();
        String address;
        String params;
        if (rest.startsWith("<")) {
            int close = rest.indexOf('>');
            if (close < 0) {
                throw new SyntaxException("unbalanced angle brackets");
            }
            address = rest.substring(1, close);
            params = rest.substring(close + 1);
            if (!params.isEmpty() && !params.startsWith(" ")) {
                throw new SyntaxException("text after the closing angle bracket");
            }
        } else {
            int space = rest.indexOf(' ');
            address = space < 0 ? rest : rest.substring(0, space);
            params = space < 0 ? "" : rest.substring(space);
            if (address.isEmpty()) {
                throw new SyntaxException("missing address");
            }
        }
        // an obsolete source route "@a,@b:user@c" names user@c (RFC 5321 §4.1.2, Appendix C)
        if (address.startsWith("@") && address.contains(":")) {
            address = address.substring(address.indexOf(':') + 1);
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String p : SPACES.split(params.strip())) {
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
            parameters.put(key, eq < 0 ? null : p.substring(eq + 1));
        }
        return new MailPath(address, parameters);
    }

    boolean isAscii() {
        return address.chars().allMatch(c -> c < 0x80);
    }
}
