package io.cassmail.imap;

import java.util.ArrayList;
import java.util.List;

/**
 * One MIME part of a message (RFC 2045, RFC 2046) as byte offsets into the message: where its header starts,
 * where its body starts and ends, its body lines, and its header (at most {@link #MAX_HEADER} bytes kept). A
 * multipart has children; a message/rfc822 part has the message it carries. Sections of a FETCH are ranges of
 * these offsets, so a body is never read to answer BODYSTRUCTURE twice nor held whole to send a part.
 */
final class MimePart {
    static final int MAX_HEADER = 64 * 1024;

    long headerStart;
    long bodyStart;
    long bodyEnd;
    long bodyLines;
    byte[] header = new byte[0];
    final List<MimePart> children = new ArrayList<>();
    MimePart message;
    private List<HeaderFields.Field> fields;
    private ContentType type;

    List<HeaderFields.Field> fields() {
        if (fields == null) {
            fields = HeaderFields.parse(header);
        }
        return fields;
    }

    /** The first field of that name, unfolded, or null. */
    String field(String name) {
        for (HeaderFields.Field f : fields()) {
            if (f.name().equalsIgnoreCase(name)) {
                return f.value();
            }
        }
        return null;
    }

    ContentType contentType(boolean inDigest) {
        if (type == null) {
            type = ContentType.parse(field("Content-Type"), inDigest);
        }
        return type;
    }


    long bodySize() {
        return bodyEnd - bodyStart;
    }

    /** Content-Type: type, subtype and parameters (RFC 2045 §5.1), defaults of RFC 2045 §5.2 and RFC 2046 §5.1.5. */
    record ContentType(String type, String subtype, List<String[]> params) {
        static ContentType parse(String value, boolean inDigest) {
            ContentType fallback = inDigest ? new ContentType("message", "rfc822", List.of())
                    : new ContentType("text", "plain", List.<String[]>of(new String[] {"charset", "us-ascii"}));
            if (value == null) {
                return fallback;
            }
            int semi = value.indexOf(';');
            String main = (semi < 0 ? value : value.substring(0, semi)).strip();
            int slash = main.indexOf('/');
            if (slash <= 0 || slash == main.length() - 1) {
                return fallback;
            }
            String t = main.substring(0, slash).strip();
            String st = main.substring(slash + 1).strip();
            if (!token(t) || !token(st)) {
                return fallback;
            }
            return new ContentType(t, st, semi < 0 ? List.of() : parameters(value.substring(semi + 1)));
        }

        String param(String name) {
            for (String[] p : params) {
                if (p[0].equalsIgnoreCase(name)) {
                    return p[1];
                }
            }
            return null;
        }

        boolean is(String t, String st) {
            return type.equalsIgnoreCase(t) && (st == null || subtype.equalsIgnoreCase(st));
        }
    }

    private static boolean token(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?=".indexOf(c) < 0);
    }

    /** {@code ; name=value; name="quoted"} parameters, in order (comments are not expected here). */
    static List<String[]> parameters(String text) {
        List<String[]> result = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && (text.charAt(i) == ';' || Character.isWhitespace(text.charAt(i)))) {
                i++;
            }
            int start = i;
            while (i < n && text.charAt(i) != '=' && text.charAt(i) != ';') {
                i++;
            }
            if (i >= n || text.charAt(i) != '=') {
                continue;
            }
            String name = text.substring(start, i).strip();
            i++;
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && text.charAt(i) == '"') {
                i++;
                while (i < n && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    value.append(text.charAt(i++));
                }
                i++;
            } else {
                while (i < n && text.charAt(i) != ';' && !Character.isWhitespace(text.charAt(i))) {
                    value.append(text.charAt(i++));
                }
            }
            if (!name.isEmpty()) {
                result.add(new String[] {name, value.toString()});
            }
        }
        return result;
    }

    /** The value of a structured field's main token (e.g. Content-Disposition), lower case; null when absent. */
    static String mainToken(String value) {
        if (value == null) {
            return null;
        }
        int semi = value.indexOf(';');
        String t = (semi < 0 ? value : value.substring(0, semi)).strip();
        return t.isEmpty() ? null : t;
    }

}
