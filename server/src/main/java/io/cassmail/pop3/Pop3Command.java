package io.cassmail.pop3;

import java.io.IOException;

/** One POP3 verb (RFC 1939 §4-§7); the session owns the read loop, a command owns its behaviour. */
interface Pop3Command {

    /** The state in which the verb is allowed. */
    Pop3Session.State state();

    void execute(Pop3Session session, String argument) throws IOException;
}
