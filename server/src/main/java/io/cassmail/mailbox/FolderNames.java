package io.cassmail.mailbox;

import java.util.Locale;

/**
 * Folder names (RFC 9051 §5.1): {@code /} separates levels, {@code INBOX} is case-insensitive and always spelled
 * INBOX, names are UTF-8 (RFC 9051 §5.1.2: no modified UTF-7 when the client enabled UTF8=ACCEPT; the IMAP
 * layer converts). Refused: empty names and levels, control characters, the wildcards {@code *} and {@code %}.
 */
public final class FolderNames {
    public static final String INBOX = "INBOX";
    public static final char DELIMITER = '/';
    /** Longest name accepted, in characters (Dovecot's default limit is 255 per level). */
    public static final int MAX_LENGTH = 1000;

    private FolderNames() {
    }

    /** The canonical form: INBOX (and INBOX/...) in upper case; anything else as given. */
    public static String normalize(String name) {
        if (name.equalsIgnoreCase(INBOX)) {
            return INBOX;
        }
        if (name.length() > INBOX.length() && name.charAt(INBOX.length()) == DELIMITER
                && name.substring(0, INBOX.length()).equalsIgnoreCase(INBOX)) {
            return INBOX + name.substring(INBOX.length());
        }
        return name;
    }

    /** Why a name cannot be created, or null when it can. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "a folder name cannot be empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "a folder name is at most " + MAX_LENGTH + " characters";
        }
        if (name.charAt(0) == DELIMITER || name.charAt(name.length() - 1) == DELIMITER || name.contains("//")) {
            return "a folder name cannot have an empty level";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '*' || c == '%') {
                return "a folder name cannot contain control characters, '*' or '%'";
            }
        }
        return null;
    }

    /** Whether {@code name} lies under {@code parent} (at any depth). */
    public static boolean isBelow(String name, String parent) {
        return name.length() > parent.length() + 1 && name.startsWith(parent) && name.charAt(parent.length()) == DELIMITER;
    }

}
