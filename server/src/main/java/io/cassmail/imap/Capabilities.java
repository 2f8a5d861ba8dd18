package io.cassmail.imap;

import io.cassmail.auth.SaslServer;
import io.cassmail.mailbox.Flags;
import java.util.ArrayList;
import java.util.List;

/** What this server announces (RFC 9051 §6.1.1), before and after login, less what {@code imap.hide-capabilities} hides. */
final class Capabilities {
    /** The flags a client may set (PERMANENTFLAGS; {@code \*}: any keyword). */
    static final String PERMANENT_FLAGS = "(\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)";
    static final String FLAGS = "(\\Answered \\Flagged \\Deleted \\Seen \\Draft)";

    private Capabilities() {
    }

    static String list(ImapSession s) {
        List<String> caps = new ArrayList<>(List.of("IMAP4rev1", "IMAP4rev2"));
        if (s.state() == ImapSession.State.NOT_AUTHENTICATED) {
            if (s.services().startTls() != null && !s.secure()) {
                caps.add("STARTTLS");
            }
            if (s.plaintextLoginAllowed()) {
                SaslServer.MECHANISMS.forEach(m -> caps.add("AUTH=" + m));
            } else {
                caps.add("LOGINDISABLED");
            }
        }
        if (s.state() != ImapSession.State.NOT_AUTHENTICATED && !s.compressed()) {
            caps.add("COMPRESS=DEFLATE");
        }
        caps.addAll(List.of("SASL-IR", "LITERAL+", "ENABLE", "ID", "IDLE", "NAMESPACE", "UNSELECT", "UIDPLUS", "MOVE",
                "CHILDREN", "SPECIAL-USE", "CREATE-SPECIAL-USE", "LIST-EXTENDED", "LIST-STATUS", "ESEARCH",
                "CONDSTORE", "QRESYNC", "BINARY", "STATUS=SIZE", "APPENDLIMIT=" + s.services().config().appendLimit(), "UTF8=ACCEPT",
                "QUOTA", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE"));
        List<String> hidden = hidden(s);
        caps.removeIf(c -> hidden.contains(c) || hidden.stream().anyMatch(h -> c.startsWith(h + "=")));
        return String.join(" ", caps);
    }

    /** What this session is not shown: the server's hidden capabilities and, once logged in, its account's. */
    private static List<String> hidden(ImapSession s) {
        List<String> all = new java.util.ArrayList<>(s.services().config().hiddenCapabilities());
        if (s.address() != null) {
            all.addAll(s.services().config().accountHiddenCapabilities().getOrDefault(s.address(), List.of()));
        }
        return all;
    }

    /** Whether a capability is on for this session (not hidden). */
    static boolean on(ImapSession s, String capability) {
        return !hidden(s).contains(capability);
    }

    static String flagList(Flags flags) {
        return "(" + String.join(" ", flags.names()) + ")";
    }
}
