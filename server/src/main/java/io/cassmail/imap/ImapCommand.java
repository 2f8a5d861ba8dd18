package io.cassmail.imap;

import java.io.IOException;
import java.util.Set;

/** One IMAP command (RFC 9051 §6): the states it runs in, and what it does with its arguments. */
interface ImapCommand {
    Set<ImapSession.State> states();

    /** Runs the command: untagged data and then the tagged OK, or an exception the session answers. */
    void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo;

    /** Whether unsolicited EXPUNGE may follow it (RFC 9051 §7.4.1: not after FETCH, STORE, SEARCH by number). */
    default boolean expungeAllowed() {
        return true;
    }
}
