package io.cassmail.smtp;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.CommandException;
import org.subethamail.smtp.internal.server.HelpMessage;
import org.subethamail.smtp.server.Session;

/**
 * Decorates every command: ends a session past its total time limit with 421 4.4.2, and turns any
 * unexpected exception into a logged 451 4.3.0 so no stack trace ever reaches a client.
 */
final class GuardedCommand implements Command {
    private static final Logger log = LoggerFactory.getLogger(GuardedCommand.class);

    private final Command delegate;

    GuardedCommand(Command delegate) {
        this.delegate = delegate;
    }

    @Override
    public void execute(String commandString, Session sess) throws IOException, DropConnectionException {
        if (ConnectionGate.deadline(sess).sessionExpired()) {
            throw new DropConnectionException(421, "4.4.2 Session time limit exceeded, closing connection");
        }
        try {
            delegate.execute(commandString, sess);
        } catch (RuntimeException e) {
            log.error("session {}: {} failed", sess.getSessionId(), delegate.getName(), e);
            sess.resetMailTransaction();
            sess.sendResponse("451 4.3.0 Internal error, transaction aborted; try again later");
        }
    }

    @Override
    public HelpMessage getHelp() throws CommandException {
        return delegate.getHelp();
    }

    @Override
    public String getName() {
        return delegate.getName();
    }
}
