package io.cassmail.smtp;

import java.io.IOException;
import java.util.List;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.server.Session;

/**
 * EHLO (RFC 5321 §4.1.1.1) with the extensions CassMail implements; STARTTLS only before TLS (RFC 3207 §4.2) and
 * AUTH only over TLS (RFC 4954 §4, RFC 8314 §3).
 */
final class EhloCommand extends BaseCommand {
    private final List<String> extensions;
    private final ConnectionGate gate;
    private final boolean startTls;
    private final boolean auth;

    /**
     * @param extensions the listener's EHLO keywords with their parameters, e.g. {@code SIZE 26214400}
     * @param startTls   whether the listener offers STARTTLS
     * @param auth       whether the listener offers AUTH
     */
    EhloCommand(List<String> extensions, ConnectionGate gate, boolean startTls, boolean auth) {
        super("EHLO", "Introduce yourself and list the extensions.", "<hostname>");
        this.gate = gate;
        this.extensions = List.copyOf(extensions);
        this.startTls = startTls;
        this.auth = auth;
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
        SessionState state = gate.state(sess);
        state.greeted(true);
        List<String> extensions = new java.util.ArrayList<>(this.extensions);
        if (startTls && !state.tls()) {
            extensions.add("STARTTLS");
        }
        if (auth && state.tls()) {
            extensions.add("AUTH " + AuthCommand.MECHANISMS);
        }
        StringBuilder reply = new StringBuilder(extensions.isEmpty() ? "250 " : "250-")
                .append(sess.getServer().getHostName()).append(" greets ").append(args[1]);
        for (int i = 0; i < extensions.size(); i++) {
            reply.append(i == extensions.size() - 1 ? "\r\n250 " : "\r\n250-").append(extensions.get(i));
        }
        sess.sendResponse(reply.toString());
    }
}
