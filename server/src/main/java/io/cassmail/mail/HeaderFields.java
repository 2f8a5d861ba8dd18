package io.cassmail.mail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The raw, unfolded values of the fields with one name in a header section (RFC 5322 §2.2, §2.2.3). */
public final class HeaderFields {

    private HeaderFields() {
    }

    /** Values in the order the fields appear; encoded words are left as they are. */
    public static List<String> named(byte[] headerSection, String name) {
        String text = new String(headerSection, StandardCharsets.UTF_8);
        String wanted = name.toLowerCase(Locale.ROOT) + ":";
        List<String> values = new ArrayList<>();
        StringBuilder current = null;
        for (String line : text.split("\r?\n", -1)) {
            if (line.isEmpty()) {
                break;
            }
            boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
            if (continuation) {
                if (current != null) {
                    current.append(line);
                }
                continue;
            }
            if (current != null) {
                values.add(current.toString().strip());
                current = null;
            }
            int colon = line.indexOf(':');
            if (colon > 0 && (line.substring(0, colon).strip().toLowerCase(Locale.ROOT) + ":").equals(wanted)) {
                current = new StringBuilder(line.substring(colon + 1));
            }
        }
        if (current != null) {
            values.add(current.toString().strip());
        }
        return values;
    }
}
