package io.cassmail.dkim;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The header side of DKIM signing (RFC 6376): header fields split from a header section, relaxed header
 * canonicalization (§3.4.2), the choice of fields from the bottom up (§5.4.2), and the {@code DKIM-Signature} field
 * itself, signed over the chosen fields and its own text with an empty {@code b=} (§3.7).
 */
public final class DkimHeaders {
    /** One header field: its name in lower case and its whole text, folding included, without the final CRLF. */
    public record Field(String name, String text) {
    }

    private DkimHeaders() {
    }

    /** The fields of a header section (bytes up to, not including, the empty line). */
    public static List<Field> parse(byte[] header) {
        String all = new String(header, StandardCharsets.ISO_8859_1);
        List<Field> fields = new ArrayList<>();
        StringBuilder current = null;
        for (String line : all.split("\r?\n", -1)) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current.append("\r\n").append(line);
                continue;
            }
            if (current != null) {
                add(fields, current.toString());
            }
            current = line.isEmpty() ? null : new StringBuilder(line);
        }
        if (current != null) {
            add(fields, current.toString());
        }
        return fields;
    }

    /** A line that is not a field (no colon) is kept with an empty name: no h= selects it, nothing is lost. */
    private static void add(List<Field> fields, String text) {
        int colon = text.indexOf(':');
        fields.add(new Field(colon > 0 ? text.substring(0, colon).strip().toLowerCase(Locale.ROOT) : "", text));
    }

    /** The domain of the first address in the first {@code From:} field, lower case, or null. */
    public static String fromDomain(List<Field> fields) {
        for (Field f : fields) {
            if (f.name().equals("from")) {
                String value = f.text().substring(f.text().indexOf(':') + 1).replace("\r\n", "");
                int open = value.indexOf('<');
                String[] parts = value.split(",");
                String address = open >= 0 && value.indexOf('>', open) > open
                        ? value.substring(open + 1, value.indexOf('>', open)) : parts.length == 0 ? "" : parts[0];
                int at = address.lastIndexOf('@');
                return at < 0 ? null : address.substring(at + 1).strip().toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    /** RFC 6376 §3.4.2: lower-case name, unfolded, whitespace runs as one space, none at the end or around the colon. */
    public static String relaxed(Field f) {
        String value = f.text().substring(f.text().indexOf(':') + 1).replace("\r\n", "")
                .replaceAll("[ \t]+", " ").strip();
        return f.name() + ":" + value;
    }

    /** RFC 6376 §3.4.1: the field exactly as it came, with its CRLF. */
    public static String simple(Field f) {
        return f.text();
    }

    /**
     * The canonical header fields named by {@code h=} (§5.4.2), each with its CRLF: the nth use of a name takes its
     * nth instance from the bottom; a name listed beyond its instances adds nothing.
     */
    public static StringBuilder canonical(List<Field> fields, List<String> h, boolean relaxed) {
        Map<String, Integer> used = new HashMap<>();
        StringBuilder signed = new StringBuilder();
        for (String name : h) {
            int skip = used.merge(name, 1, Integer::sum) - 1;
            for (int i = fields.size() - 1, seen = 0; i >= 0; i--) {
                if (fields.get(i).name().equals(name) && seen++ == skip) {
                    signed.append(relaxed ? relaxed(fields.get(i)) : simple(fields.get(i))).append("\r\n");
                    break;
                }
            }
        }
        return signed;
    }

    /**
     * The signed {@code DKIM-Signature} field with its CRLF: every present field of {@code names} (each instance,
     * bottom up), and {@code from} once more than present so that none can be added.
     */
    public static String sign(List<Field> fields, List<String> names, String domain, String selector, String bodyHash,
                       PrivateKey key, Instant now) throws GeneralSecurityException {
        Map<String, Integer> present = new HashMap<>();
        for (Field f : fields) {
            present.merge(f.name(), 1, Integer::sum);
        }
        List<String> h = new ArrayList<>();
        for (String name : names) {
            int n = present.getOrDefault(name, 0) + (name.equals("from") ? 1 : 0);
            for (int i = 0; i < n; i++) {
                h.add(name);
            }
        }
        StringBuilder signed = canonical(fields, h, true);
        String unsigned = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + selector
                + "; t=" + now.getEpochSecond() + ";\r\n\th=" + String.join(":", h) + ";\r\n\tbh=" + bodyHash
                + ";\r\n\tb=";
        signed.append(relaxed(new Field("dkim-signature", unsigned)));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(signed.toString().getBytes(StandardCharsets.ISO_8859_1));
        String b = Base64.getEncoder().encodeToString(rsa.sign());
        StringBuilder field = new StringBuilder(unsigned);
        for (int i = 0; i < b.length(); i += 72) {
            field.append(i == 0 ? "" : "\r\n\t").append(b, i, Math.min(b.length(), i + 72));
        }
        return field.append("\r\n").toString();
    }
}
