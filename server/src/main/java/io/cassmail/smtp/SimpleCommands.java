package io.cassmail.smtp;

import java.io.IOException;
import java.util.List;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.server.Session;

/** The one-line verbs: RSET, NOOP, QUIT, VRFY, HELP, and refusals for what CassMail does not offer. */
final class SimpleCommands {

    private SimpleCommands() {
    }

    static List<Command> all() {
        return List.of(
                fixed("RSET", "Aborts the mail transaction.", "250 2.0.0 Ok", true),
                fixed("NOOP", "Does nothing.", "250 2.0.0 Ok", false),
                // RFC 5321 §3.5.3: 252 when we will not verify; does not reveal which users exist
                fixed("VRFY", "Not verified here.", "252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery", false),
                fixed("EXPN", "Disabled.", "502 5.5.1 EXPN command is disabled", false),
                fixed("HELP", "Lists the commands.", "214 2.0.0 Commands: HELO EHLO STARTTLS AUTH MAIL RCPT DATA RSET NOOP QUIT VRFY", false),
                fixed("BDAT", "Not offered.", "502 5.5.1 BDAT (CHUNKING) is not supported; use DATA", false),
                new QuitCommand());
    }

    private static Command fixed(String verb, String help, String reply, boolean reset) {
        return new BaseCommand(verb, help) {
            @Override
            public void execute(String commandString, Session sess) throws IOException {
                if (reset) {
                    sess.resetMailTransaction();
                }
                sess.sendResponse(reply);
            }
        };
    }

    /** QUIT (RFC 5321 §4.1.1.10). */
    private static final class QuitCommand extends BaseCommand {
        QuitCommand() {
            super("QUIT", "Ends the session.");
        }

        @Override
        public void execute(String commandString, Session sess) throws IOException {
            sess.sendResponse("221 2.0.0 Bye");
            sess.quit();
        }
    }
}
