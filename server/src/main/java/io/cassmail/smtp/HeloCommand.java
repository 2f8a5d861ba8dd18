package io.cassmail.smtp;

import java.io.IOException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.server.Session;

/** HELO (RFC 5321 §4.1.1.1), for clients without ESMTP. */
final class HeloCommand extends BaseCommand {

    private final ConnectionGate gate;

    HeloCommand(ConnectionGate gate) {
        super("HELO", "Introduce yourself.", "<hostname>");
        this.gate = gate;
    }

    @Override
    public void execute(String commandString, Session sess) throws IOException {
        String[] args = getArgs(commandString);
        if (args.length < 2) {
            sess.sendResponse("501 5.5.4 Syntax: HELO hostname");
            return;
        }
        sess.resetMailTransaction();
        sess.setHelo(args[1]);
        gate.state(sess).greeted(false);
        sess.sendResponse("250 " + sess.getServer().getHostName());
    }
}
