package io.cassmail.inbound;

import io.cassmail.dkim.DkimHeaders;
import io.cassmail.dkim.DkimVerifier;
import java.util.List;
import java.util.Locale;

/**
 * The {@code Authentication-Results:} field (RFC 8601) this MX puts on every message it accepts, and the test for
 * one that claims this server's authserv-id (§5: such a field arriving from outside is a forgery, and is removed).
 */
public final class AuthenticationResults {
    private AuthenticationResults() {
    }

    /** The field with its CRLF, folded one method per line. */
    static String field(String authservId, SpfCheck.Result spf, SpfCheck.Result helo, List<DkimVerifier.Result> dkim,
                        DmarcCheck.Result dmarc) {
        StringBuilder f = new StringBuilder("Authentication-Results: ").append(authservId);
        for (SpfCheck.Result s : java.util.Arrays.asList(spf, helo)) {
            if (s != null) {
                f.append(";\r\n\tspf=").append(s.result()).append(' ').append(s.property()).append('=')
                        .append(value(s.identity()));
            }
        }
        if (dkim.isEmpty()) {
            f.append(";\r\n\tdkim=none");
        }
        for (DkimVerifier.Result r : dkim) {
            f.append(";\r\n\tdkim=").append(r.result());
            if (r.reason() != null) {
                f.append(" (").append(comment(r.reason())).append(')');
            }
            f.append(" header.d=").append(value(r.domain())).append(" header.s=").append(value(r.selector()));
            if (!r.b().isEmpty()) {
                f.append(" header.b=").append(value(r.b().substring(0, Math.min(8, r.b().length()))));
            }
        }
        if (dmarc != null) {
            f.append(";\r\n\tdmarc=").append(dmarc.result());
            if (dmarc.policy() != null) {
                f.append(" (p=").append(dmarc.policy()).append(" dis=").append(dmarc.disposition()).append(')');
            }
            f.append(" header.from=").append(value(dmarc.fromDomain()));
        }
        return f.append("\r\n").toString();
    }

    /** Whether a field is an {@code Authentication-Results:} naming {@code authservId} (RFC 8601 §2.2 syntax). */
    static boolean claims(DkimHeaders.Field field, String authservId) {
        if (!field.name().equals("authentication-results")) {
            return false;
        }
        String v = field.text().substring(field.text().indexOf(':') + 1);
        int i = skipCfws(v, 0);
        StringBuilder id = new StringBuilder();
        if (i < v.length() && v.charAt(i) == '"') {
            for (i++; i < v.length() && v.charAt(i) != '"'; i++) {
                if (v.charAt(i) == '\\' && i + 1 < v.length()) {
                    i++;
                }
                id.append(v.charAt(i));
            }
        } else {
            for (; i < v.length() && !Character.isWhitespace(v.charAt(i)) && ";(\"".indexOf(v.charAt(i)) < 0; i++) {
                id.append(v.charAt(i));
            }
        }
        return id.toString().strip().equalsIgnoreCase(authservId);
    }

    /** Past whitespace and comments (which nest, and may quote a character with a backslash; RFC 5322 §3.2.2). */
    private static int skipCfws(String v, int i) {
        int depth = 0;
        for (; i < v.length(); i++) {
            char c = v.charAt(i);
            if (depth > 0 && c == '\\') {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (depth > 0 && c == ')') {
                depth--;
            } else if (depth == 0 && !Character.isWhitespace(c)) {
                return i;
            }
        }
        return i;
    }

    /** A value as a token when it is one, else a quoted string (RFC 8601 §2.2, RFC 2045 value). */
    private static String value(String v) {
        if (v != null && v.matches("[A-Za-z0-9!#$%&'*+\\-.^_`{|}~@]+")) {
            return v;
        }
        return "\"" + (v == null ? "" : v.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\r\n]", " ")) + "\"";
    }

    private static String comment(String text) {
        return text.replaceAll("[()\\\\\r\n]", " ");
    }
}
