package io.cassmail.inbound;

import io.cassmail.dkim.DkimHeaders;
import java.util.List;

/**
 * What the MX does with a message once its checks and milters have spoken: accept it (into the INBOX, or the Junk
 * folder for a quarantine), refuse it with a reply, or accept and drop it (a milter's DISCARD). An accepted message
 * is stored with {@code traceFields} (this server's Authentication-Results:) in front of its header fields as
 * {@code fields} now stand (forged results removed, milters' changes made).
 */
public record InboundVerdict(Kind kind, String reply, String traceFields, List<DkimHeaders.Field> fields) {
    public enum Kind { ACCEPT, QUARANTINE, REJECT, TEMPFAIL, DISCARD }

    public boolean accepted() {
        return kind == Kind.ACCEPT || kind == Kind.QUARANTINE;
    }

    static InboundVerdict refuse(Kind kind, String reply) {
        return new InboundVerdict(kind, reply, "", List.of());
    }
}
