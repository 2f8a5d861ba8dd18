package io.cassmail.mailbox;

import java.util.List;

/** The RFC 6154 special-use folders every account has, with the names they are created under. */
public enum SpecialUse {
    SENT("\\Sent", "Sent"),
    DRAFTS("\\Drafts", "Drafts"),
    TRASH("\\Trash", "Trash"),
    JUNK("\\Junk", "Junk"),
    ARCHIVE("\\Archive", "Archive");

    private final String attribute;
    private final String defaultName;

    SpecialUse(String attribute, String defaultName) {
        this.attribute = attribute;
        this.defaultName = defaultName;
    }

    /** The attribute as LIST shows it, e.g. {@code \Sent}. */
    public String attribute() {
        return attribute;
    }

    public String defaultName() {
        return defaultName;
    }

    /** The use an attribute names (case-insensitive), or null; RFC 6154 §2 also lists \All and \Flagged, not created here. */
    public static SpecialUse ofAttribute(String attribute) {
        for (SpecialUse u : values()) {
            if (u.attribute.equalsIgnoreCase(attribute)) {
                return u;
            }
        }
        return null;
    }

    public static List<SpecialUse> defaults() {
        return List.of(values());
    }
}
