package io.cassmail.smtp;

import io.cassmail.tls.ServerTls;
import java.io.IOException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.server.Session;

/**
 * STARTTLS (RFC 3207): the handshake runs on the raw connection under the same read deadlines; a failed one ends
 * the connection at once; afterwards the session starts over (§4.2: no greeting, transaction or AUTH survives) and
 * SubEthaSMTP reads from fresh buffers, so plaintext pipelined behind STARTTLS is never executed.
 */
final class StartTlsCommand extends BaseCommand {
    private static final Logger log = LoggerFactory.getLogger(StartTlsCommand.class);

    private final ServerTls tls;
    private final ConnectionGate gate;

    /** @param tls null on a listener that does not offer STARTTLS */
    StartTlsCommand(ServerTls tls, ConnectionGate gate) {
        super("STARTTLS", "Starts TLS on this connection.");
        this.tls = tls;
        this.gate = gate;
    }

    @Override
    public void execute(String commandString, Session sess) throws IOException {
        SessionState state = gate.state(sess);
        if (state.tls()) {
            sess.sendResponse("503 5.5.1 TLS already active");
            return;
        }
        if (tls == null) {
            sess.sendResponse("502 5.5.1 STARTTLS is not offered on this port");
            return;
        }
        if (!commandString.strip().equalsIgnoreCase("STARTTLS")) {
            sess.sendResponse("501 5.5.4 Syntax: STARTTLS takes no arguments");
            return;
        }
        sess.sendResponse("220 2.0.0 Ready to start TLS");
        ReplyCodingSocket plain = (ReplyCodingSocket) sess.getSocket();
        SSLSocket ssl;
        try {
            ssl = plain.watch().during(ServerTls.HANDSHAKE_TIMEOUT.toMillis(), "TLS handshake", () -> {
                SSLSocket wrapped = tls.wrap(plain.transport());
                wrapped.startHandshake();
                return wrapped;
            });
        } catch (IOException e) {
            log.info("session {}: STARTTLS handshake with {} failed: {}", sess.getSessionId(),
                    sess.getRemoteAddress().getAddress().getHostAddress(), e.getMessage());
            plain.close();
            sess.quit();
            return;
        }
        sess.setSocket(new ReplyCodingSocket(ssl, plain.deadline(), plain.watch(), plain.writeTimeout(), plain.replies()));
        sess.setTlsStarted(true);
        sess.resetSmtpProtocol();
        state.tlsStarted();
        log.debug("session {}: TLS started ({}, {})", sess.getSessionId(), ssl.getSession().getProtocol(),
                ssl.getSession().getCipherSuite());
    }
}
