package io.cassmail.dkim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code DKIM-Signature} field's tags (RFC 6376 §3.5), checked for what verification needs: version 1, an
 * algorithm, {@code b=}, {@code bh=}, {@code d=}, {@code s=}, {@code h=} naming From, an {@code i=} within {@code d=}.
 * A field that fails any of these is {@link #problem() a problem}, reported as {@code permerror}.
 */
public record DkimSignature(DkimHeaders.Field field, String algorithm, String b, String bh, String domain,
                            String selector, List<String> headers, boolean relaxedHeader, boolean relaxedBody,
                            long length, String identity, long expires, String problem) {

    /** Parses a field; never throws (a broken field comes back with {@link #problem()} set). */
    public static DkimSignature parse(DkimHeaders.Field field) {
        Map<String, String> tags = tags(field.text().substring(field.text().indexOf(':') + 1));
        String problem = null;
        String c = tags.getOrDefault("c", "simple/simple").toLowerCase(Locale.ROOT);
        String[] canon = c.split("/", 2);
        String a = tags.getOrDefault("a", "").toLowerCase(Locale.ROOT);
        String d = tags.getOrDefault("d", "").toLowerCase(Locale.ROOT);
        String s = tags.getOrDefault("s", "").toLowerCase(Locale.ROOT);
        List<String> h = Arrays.stream(tags.getOrDefault("h", "").split(":")).map(String::strip)
                .filter(n -> !n.isEmpty()).map(n -> n.toLowerCase(Locale.ROOT)).toList();
        String i = tags.get("i");
        long l = -1;
        long x = -1;
        try {
            if (tags.containsKey("l")) {
                l = Long.parseLong(tags.get("l"));
            }
            if (tags.containsKey("x")) {
                x = Long.parseLong(tags.get("x"));
            }
        } catch (NumberFormatException e) {
            problem = "bad l= or x= tag";
        }
        if (!"1".equals(tags.get("v"))) {
            problem = "v= is not 1";
        } else if (!a.equals("rsa-sha256") && !a.equals("ed25519-sha256")) {
            problem = a.equals("rsa-sha1") ? "rsa-sha1 is not accepted (RFC 8301)" : "unknown algorithm " + a;
        } else if (!tags.containsKey("b") || !tags.containsKey("bh") || d.isEmpty() || s.isEmpty()) {
            problem = "a required tag (b, bh, d, s) is missing";
        } else if (!h.contains("from")) {
            problem = "h= does not sign From";
        } else if (!List.of("simple", "relaxed").contains(canon[0])
                || (canon.length > 1 && !List.of("simple", "relaxed").contains(canon[1]))) {
            problem = "unknown canonicalization " + c;
        } else if (i != null && !withinDomain(i.substring(i.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT), d)) {
            problem = "i= is not within d=";
        }
        return new DkimSignature(field, a, strip(tags.get("b")), strip(tags.get("bh")), d, s, h,
                canon[0].equals("relaxed"), canon.length > 1 && canon[1].equals("relaxed"), l, i, x, problem);
    }

    /** {@code tag=value; ...} (§3.2), whitespace and folding inside values kept for b= (stripped later). */
    public static Map<String, String> tags(String list) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : list.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                tags.putIfAbsent(part.substring(0, eq).strip().toLowerCase(Locale.ROOT), part.substring(eq + 1).strip());
            }
        }
        return tags;
    }

    private static String strip(String value) {
        return value == null ? null : value.replaceAll("[\\s]", "");
    }

    static boolean withinDomain(String sub, String domain) {
        return sub.equals(domain) || sub.endsWith("." + domain);
    }

    /** The field as signed (§3.7): its {@code b=} value emptied, everything else as it came. */
    String withEmptyB() {
        String text = field.text();
        int colon = text.indexOf(':');
        String value = text.substring(colon + 1).replaceAll("(^|;)(\\s*b\\s*=)[^;]*", "$1$2");
        return text.substring(0, colon + 1) + value;
    }
}
