package io.cassmail.smtp;

import io.cassmail.metrics.CassMailMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
    static final String MECHANISMS = "PLAIN LOGIN";

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
        Credentials credentials = switch (mechanism) {
            case "PLAIN" -> plain(sess, initial);
            case "LOGIN" -> login(sess, initial);
            default -> Credentials.failed("504 5.5.4 Unrecognized authentication mechanism; this server offers "
                    + MECHANISMS);
        };
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

    /** PLAIN: authzid NUL authcid NUL passwd; an authzid must be empty or the user itself. */
    private static Credentials plain(Session sess, String initial) throws IOException {
        byte[] response;
        try {
            response = respond(sess, initial, "");
        } catch (Refusal r) {
            return Credentials.failed(r.getMessage());
        }
        String text = new String(response, StandardCharsets.UTF_8);
        String[] parts = text.split("\0", -1);
        if (parts.length != 3 || parts[1].isEmpty()) {
            return Credentials.failed("501 5.5.2 Malformed PLAIN response (expected authzid NUL user NUL password)");
        }
        if (!parts[0].isEmpty() && !parts[0].equalsIgnoreCase(parts[1])) {
            return Credentials.failed("535 5.7.8 Authentication credentials invalid (acting for another user is not allowed)");
        }
        return new Credentials(parts[1], parts[2], null);
    }

    /** LOGIN: user name, then password, each prompted with a base64 challenge. */
    private static Credentials login(Session sess, String initial) throws IOException {
        try {
            byte[] user = respond(sess, initial, "Username:");
            byte[] password = respond(sess, null, "Password:");
            return new Credentials(new String(user, StandardCharsets.UTF_8), new String(password, StandardCharsets.UTF_8),
                    null);
        } catch (Refusal r) {
            return Credentials.failed(r.getMessage());
        }
    }

    /** The initial response when given (RFC 4954 §4: "=" is empty), else a 334 challenge and the client's line. */
    private static byte[] respond(Session sess, String initial, String challenge) throws IOException, Refusal {
        String line = initial;
        if (line == null) {
            sess.sendResponse("334 " + Base64.getEncoder().encodeToString(challenge.getBytes(StandardCharsets.US_ASCII)));
            try {
                line = sess.getReader().readLine();
            } catch (CRLFTerminatedReader.MaxLineLengthException | CRLFTerminatedReader.TerminationException e) {
                throw new Refusal("500 5.5.6 Authentication exchange line is too long or malformed");
            }
            if (line == null) {
                throw new IOException("client closed the connection during AUTH");
            }
            if (line.equals("*")) {
                throw new Refusal("501 5.0.0 Authentication cancelled");
            }
        } else if (line.equals("=")) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(line.strip());
        } catch (IllegalArgumentException e) {
            throw new Refusal("501 5.5.2 Cannot decode the response: it is not base64");
        }
    }

    /** A reply that ends the exchange without a credentials check. */
    private static final class Refusal extends Exception {
        Refusal(String reply) {
            super(reply, null, false, false);
        }
    }
}
