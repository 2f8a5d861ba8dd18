package io.cassmail.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The fields of a header section (RFC 5322 §2.2): names, unfolded values, and each field's raw bytes. */
final class HeaderFields {
    private HeaderFields() {
    }

    /** One field: its name, value with folding removed (UTF-8 decoded), and its raw lines with their CRLFs. */
    record Field(String name, String value, int start, int end) {
    }

    static List<Field> parse(byte[] header) {
        List<Field> fields = new ArrayList<>();
        int i = 0;
        int n = header.length;
        while (i < n) {
            int start = i;
            int lineEnd = nextLine(header, i);
            // a continuation line belongs to the field before
            int end = lineEnd;
            while (end < n && (header[end] == ' ' || header[end] == '\t')) {
                end = nextLine(header, end);
            }
            int colon = -1;
            for (int k = start; k < lineEnd; k++) {
                if (header[k] == ':') {
                    colon = k;
                    break;
                }
            }
            if (colon > start && header[start] != '\r' && header[start] != '\n') {
                String name = new String(header, start, colon - start, StandardCharsets.US_ASCII).strip();
                String value = unfold(new String(header, colon + 1, end - colon - 1, StandardCharsets.UTF_8));
                fields.add(new Field(name, value, start, end));
            }
            i = end;
        }
        return fields;
    }

    private static int nextLine(byte[] b, int from) {
        int i = from;
        while (i < b.length && b[i] != '\n') {
            i++;
        }
        return Math.min(b.length, i + 1);
    }

    /** Removes CRLFs of folding and the leading white space of the value (RFC 5322 §2.2.3). */
    static String unfold(String raw) {
        String v = raw.replace("\r\n", "").replace("\n", "").replace("\r", "");
        int s = 0;
        while (s < v.length() && (v.charAt(s) == ' ' || v.charAt(s) == '\t')) {
            s++;
        }
        int e = v.length();
        while (e > s && (v.charAt(e - 1) == ' ' || v.charAt(e - 1) == '\t')) {
            e--;
        }
        return v.substring(s, e);
    }
}
