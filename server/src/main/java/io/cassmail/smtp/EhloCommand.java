package io.cassmail.smtp;

import java.io.IOException;
import java.util.List;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.server.Session;

/** EHLO (RFC 5321 §4.1.1.1) with the extensions CassMail implements. */
final class EhloCommand extends BaseCommand {
    private final List<String> extensions;
    private final ConnectionGate gate;

    /** @param extensions the listener's EHLO keywords with their parameters, e.g. {@code SIZE 26214400} */
    EhloCommand(List<String> extensions, ConnectionGate gate) {
        super("EHLO", "Introduce yourself and list the extensions.", "<hostname>");
        this.gate = gate;
        this.extensions = List.copyOf(extensions);
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
        gate.greeted(sess, true);
        StringBuilder reply = new StringBuilder(extensions.isEmpty() ? "250 " : "250-")
                .append(sess.getServer().getHostName()).append(" greets ").append(args[1]);
        for (int i = 0; i < extensions.size(); i++) {
            reply.append(i == extensions.size() - 1 ? "\r\n250 " : "\r\n250-").append(extensions.get(i));
        }
        sess.sendResponse(reply.toString());
    }
}
