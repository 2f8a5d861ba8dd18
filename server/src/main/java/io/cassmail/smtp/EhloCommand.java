package io.cassmail.smtp;

import java.io.IOException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.server.Session;

/** EHLO (RFC 5321 §4.1.1.1) with the extensions CassMail implements. */
final class EhloCommand extends BaseCommand {
    private final long maxMessageSize;

    EhloCommand(long maxMessageSize) {
        super("EHLO", "Introduce yourself and list the extensions.", "<hostname>");
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public void execute(String commandString, Session sess) throws IOException {
        String[] args = getArgs(commandString);
        if (args.length < 2) {
            sess.sendResponse("501 5.5.4 Syntax: EHLO hostname");
            return;
        }
        sess.resetMailTransaction();
        sess.setHelo(args[1]);
        sess.sendResponse("250-" + sess.getServer().getHostName() + " greets " + args[1] + "\r\n"
                + "250-PIPELINING\r\n"
                + "250-SIZE " + maxMessageSize + "\r\n"
                + "250-8BITMIME\r\n"
                + "250-SMTPUTF8\r\n"
                + "250 ENHANCEDSTATUSCODES");
    }
}
