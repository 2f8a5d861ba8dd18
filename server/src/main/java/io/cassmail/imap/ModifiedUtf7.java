package io.cassmail.imap;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Folder names on the wire for clients that did not enable UTF8=ACCEPT: modified UTF-7 (RFC 3501 §5.1.3), with
 * {@code &} starting a modified-base64 run of UTF-16 and {@code &-} standing for {@code &}.
 */
final class ModifiedUtf7 {
    private ModifiedUtf7() {
    }

    static String encode(String name) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < name.length()) {
            char c = name.charAt(i);
            if (c == '&') {
                b.append("&-");
                i++;
            } else if (c >= 0x20 && c <= 0x7e) {
                b.append(c);
                i++;
            } else {
                int j = i;
                while (j < name.length() && (name.charAt(j) < 0x20 || name.charAt(j) > 0x7e)) {
                    j++;
                }
                byte[] utf16 = name.substring(i, j).getBytes(StandardCharsets.UTF_16BE);
                String base64 = Base64.getEncoder().withoutPadding().encodeToString(utf16).replace('/', ',');
                b.append('&').append(base64).append('-');
                i = j;
            }
        }
        return b.toString();
    }

    /** Decodes a name; one that is not valid modified UTF-7 is taken as it is. */
    static String decode(String wire) {
        if (wire.indexOf('&') < 0) {
            return wire;
        }
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < wire.length()) {
            char c = wire.charAt(i);
            if (c != '&') {
                b.append(c);
                i++;
                continue;
            }
            int end = wire.indexOf('-', i);
            if (end < 0) {
                return wire;
            }
            if (end == i + 1) {
                b.append('&');
            } else {
                try {
                    byte[] utf16 = Base64.getDecoder().decode(wire.substring(i + 1, end).replace(',', '/'));
                    b.append(StandardCharsets.UTF_16BE.decode(ByteBuffer.wrap(utf16)));
                } catch (IllegalArgumentException e) {
                    return wire;
                }
            }
            i = end + 1;
        }
        return b.toString();
    }
}
