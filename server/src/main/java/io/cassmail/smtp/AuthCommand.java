package io.cassmail.smtp;

import io.cassmail.auth.SaslServer;
import io.cassmail.metrics.CassMailMetrics;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.io.CRLFTerminatedReader;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.server.Session;

/**
 * AUTH (RFC 4954) with PLAIN (RFC 4616) and LOGIN, only over TLS (538 5.7.11 before), checked against the same
 * Argon2id accounts and failed-login budget as POP3: wrong credentials 535 5.7.8 after the configured delay, the
 * connection closed after the configured number of failures, a client over its address's budget refused with
 * 454 4.7.0 before any hash work.
 */
final class AuthCommand extends BaseCommand {
    private static final Logger log = LoggerFactory.getLogger(AuthCommand.class);
    static final String MECHANISMS = String.join(" ", SaslServer.MECHANISMS);

    private final SubmissionPolicy policy;
    private final ConnectionGate gate;
    private final CassMailMetrics metrics;
    private final String listener;

    /** @param policy null on a listener that does not offer AUTH (an MX) */
    AuthCommand(SubmissionPolicy policy, ConnectionGate gate, CassMailMetrics metrics, String listener) {
        super("AUTH", "Authenticates the client.", "PLAIN|LOGIN [initial-response]");
        this.policy = policy;
        this.gate = gate;
        this.metrics = metrics;
        this.listener = listener;
    }

    /** The credentials of one exchange, or why there are none. */
    private record Credentials(String user, String password, String error) {
        static Credentials failed(String reply) {
            return new Credentials(null, null, reply);
        }
    }

    @Override
    public void execute(String commandString, Session sess) throws IOException, DropConnectionException {
        SessionState state = gate.state(sess);
        if (policy == null) {
            sess.sendResponse("503 5.5.1 Error: authentication not enabled on this port");
            return;
        }
        if (!state.tls()) {
            sess.sendResponse("538 5.7.11 Encryption required for requested authentication mechanism; use STARTTLS first");
            return;
        }
        if (state.user() != null) {
            sess.sendResponse("503 5.5.1 Error: already authenticated");
            return;
        }
        if (sess.isMailTransactionInProgress()) {
            sess.sendResponse("503 5.5.1 Error: AUTH not allowed during a mail transaction");
            return;
        }
        String[] args = commandString.strip().split(" +");
        if (args.length < 2 || args.length > 3) {
            sess.sendResponse("501 5.5.4 Syntax: AUTH mechanism [initial-response]");
            return;
        }
        String mechanism = args[1].toUpperCase(Locale.ROOT);
        String initial = args.length == 3 ? args[2] : null;
        var client = sess.getRemoteAddress().getAddress();
        if (!policy.penalty().allows(client)) {
            log.warn("session {}: AUTH refused, too many failed logins from {}", sess.getSessionId(), client.getHostAddress());
            sess.sendResponse("454 4.7.0 Too many failed logins from " + client.getHostAddress() + ", try again in "
                    + policy.penalty().secondsLeft(client) + " s");
            return;
        }
        Optional<SaslServer> exchange = SaslServer.start(mechanism);
        if (exchange.isEmpty()) {
            sess.sendResponse("504 5.5.4 Unrecognized authentication mechanism; this server offers " + MECHANISMS);
            return;
        }
        Credentials credentials = exchange(sess, exchange.get(), initial);
        if (credentials.error() != null) {
            sess.sendResponse(credentials.error());
            return;
        }
        Optional<String> user = policy.authenticator().authenticate(credentials.user(), credentials.password());
        metrics.smtpAuth(listener, user.isPresent());
        if (user.isEmpty()) {
            policy.penalty().failed(client);
            int failures = state.authFailed();
            log.warn("session {}: failed AUTH {} {} for '{}' from {}", sess.getSessionId(), mechanism, failures,
                    credentials.user().replaceAll("[^\\x21-\\x7e]", "?"), client.getHostAddress());
            try {
                Thread.sleep(policy.authFailureDelay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failures >= policy.maxAuthFailures()) {
                sess.sendResponse("535 5.7.8 Authentication credentials invalid");
                throw new DropConnectionException(421, "4.7.0 Too many failed authentication attempts, closing connection");
            }
            sess.sendResponse("535 5.7.8 Authentication credentials invalid");
            return;
        }
        policy.penalty().succeeded(client);
        state.authenticated(user.get());
        log.info("session {}: authenticated as {} ({})", sess.getSessionId(), user.get(), mechanism);
        sess.sendResponse("235 2.7.0 Authentication successful");
    }

    /** Runs the SASL exchange with 334 challenges (RFC 4954 §4) until it gives credentials or ends. */
    private static Credentials exchange(Session sess, SaslServer sasl, String initial) throws IOException {
        SaslServer.Step step = sasl.begin(initial);
        while (step instanceof SaslServer.Challenge c) {
            sess.sendResponse("334 " + c.base64());
            String line;
            try {
                line = sess.getReader().readLine();
            } catch (CRLFTerminatedReader.MaxLineLengthException | CRLFTerminatedReader.TerminationException e) {
                return Credentials.failed("500 5.5.6 Authentication exchange line is too long or malformed");
            }
            if (line == null) {
                throw new IOException("client closed the connection during AUTH");
            }
            step = sasl.respond(line);
        }
        if (step instanceof SaslServer.Credentials c) {
            return new Credentials(c.user(), c.password(), null);
        }
        return Credentials.failed(switch (((SaslServer.Refused) step).reason()) {
            case CANCELLED -> "501 5.0.0 Authentication cancelled";
            case NOT_BASE64 -> "501 5.5.2 Cannot decode the response: it is not base64";
            case MALFORMED -> "501 5.5.2 Malformed PLAIN response (expected authzid NUL user NUL password)";
            case OTHER_AUTHZID -> "535 5.7.8 Authentication credentials invalid (acting for another user is not allowed)";
        });
    }
}
