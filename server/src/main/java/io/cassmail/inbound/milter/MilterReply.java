package io.cassmail.inbound.milter;

import java.util.List;

/**
 * What a milter decided about one message, with the header changes it asked for at the end of the message
 * (SMFIR_ADDHEADER, SMFIR_INSHEADER, SMFIR_CHGHEADER) and its quarantine reason, if any.
 */
public record MilterReply(Action action, String smtpReply, List<HeaderChange> changes, String quarantine) {
    public enum Action { ACCEPT, REJECT, TEMPFAIL, DISCARD }

    /** A header change: ADD appends; INSERT puts it at {@code index} (0 = first); CHANGE replaces (or, with a null value, deletes) the index-th (1-based) field of that name. */
    public record HeaderChange(Kind kind, int index, String name, String value) {
        public enum Kind { ADD, INSERT, CHANGE }
    }
}
