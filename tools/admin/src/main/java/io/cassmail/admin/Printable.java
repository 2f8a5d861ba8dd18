package io.cassmail.admin;

/**
 * Values that came from mail (header fields, envelope, errors) made safe for a terminal: every control
 * character (C0, DEL, C1, which includes ESC and so terminal escape sequences) becomes {@code ?}.
 */
final class Printable {
    private Printable() {
    }

    static String of(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                if (b == null) {
                    b = new StringBuilder(s.length()).append(s, 0, i);
                }
                b.append('?');
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }
}
