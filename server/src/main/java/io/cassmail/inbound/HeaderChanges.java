package io.cassmail.inbound;

import io.cassmail.dkim.DkimHeaders;
import io.cassmail.inbound.milter.MilterReply;
import java.util.List;
import java.util.Locale;

/** A milter's header changes made to the header fields, as libmilter defines them (smfi_addheader, smfi_insheader, smfi_chgheader). */
final class HeaderChanges {
    private HeaderChanges() {
    }

    static void apply(List<DkimHeaders.Field> fields, List<MilterReply.HeaderChange> changes) {
        for (MilterReply.HeaderChange c : changes) {
            String name = c.name().strip();
            if (!name.matches("[\\x21-\\x39\\x3b-\\x7e]+")) {
                continue; // not a field name (RFC 5322 §2.2): nothing a milter may add
            }
            String lower = name.toLowerCase(Locale.ROOT);
            switch (c.kind()) {
                case ADD -> fields.add(field(name, c.value()));
                case INSERT -> fields.add(Math.max(0, Math.min(fields.size(), c.index())), field(name, c.value()));
                case CHANGE -> {
                    int seen = 0;
                    int at = -1;
                    for (int i = 0; i < fields.size(); i++) {
                        if (fields.get(i).name().equals(lower) && ++seen == Math.max(1, c.index())) {
                            at = i;
                            break;
                        }
                    }
                    if (at >= 0 && c.value() == null) {
                        fields.remove(at);
                    } else if (at >= 0) {
                        fields.set(at, field(name, c.value()));
                    } else if (c.value() != null) {
                        fields.add(field(name, c.value())); // libmilter: changing a field that is not there adds it
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
    }

    /** A field from a milter's name and value: folded lines keep their break as CRLF, never a bare LF. */
    static DkimHeaders.Field field(String name, String value) {
        String v = value == null ? "" : value.replaceAll("\r\n|\r|\n", "\r\n").replaceAll("\r\n(?![ \t])", "\r\n\t");
        return new DkimHeaders.Field(name.toLowerCase(Locale.ROOT),
                name + ":" + (v.startsWith(" ") || v.startsWith("\t") ? v : " " + v));
    }
}
