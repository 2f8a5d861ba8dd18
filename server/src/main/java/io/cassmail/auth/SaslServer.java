package io.cassmail.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The server side of one SASL exchange (RFC 4422) with PLAIN (RFC 4616) or LOGIN, shared by SMTP AUTH
 * (RFC 4954), POP3 AUTH (RFC 5034) and IMAP AUTHENTICATE: it decodes the client's base64 lines and says what comes
 * next. Each protocol frames the challenges ({@code 334 }, {@code + }) and turns the outcome into its replies.
 */
public final class SaslServer {
    /** The mechanisms offered, in the order servers list them. */
    public static final List<String> MECHANISMS = List.of("PLAIN", "LOGIN");

    /** What the exchange needs or gives next. */
    public sealed interface Step permits Challenge, Credentials, Refused {
    }

    /** Send this challenge (base64, possibly empty) and pass the client's line to {@link #respond}. */
    public record Challenge(String base64) implements Step {
    }

    /** The client's user name and password, to check. */
    public record Credentials(String user, String password) implements Step {
    }

    /** The exchange ended without credentials. */
    public record Refused(Reason reason) implements Step {
    }

    /** Why an exchange ended without credentials. */
    public enum Reason {
        /** The client sent {@code *} (RFC 4422 §3.5). */
        CANCELLED,
        /** A line that is not base64. */
        NOT_BASE64,
        /** A PLAIN message without exactly three parts, or with an empty user. */
        MALFORMED,
        /** A PLAIN authorization identity other than the user: acting for someone else is not allowed. */
        OTHER_AUTHZID
    }

    private final String mechanism;
    private String user;

    private SaslServer(String mechanism) {
        this.mechanism = mechanism;
    }

    /** An exchange for a mechanism name (any case); empty when it is not offered. */
    public static Optional<SaslServer> start(String mechanism) {
        String m = mechanism.toUpperCase(Locale.ROOT);
        return MECHANISMS.contains(m) ? Optional.of(new SaslServer(m)) : Optional.empty();
    }

    public String mechanism() {
        return mechanism;
    }

    /** The first step, given the initial response: null when the client sent none, {@code =} when it is empty. */
    public Step begin(String initialResponse) {
        if (initialResponse == null) {
            return mechanism.equals("PLAIN") ? new Challenge("") : challenge("Username:");
        }
        return respond(initialResponse);
    }

    /** The step after one line from the client. */
    public Step respond(String line) {
        if (line.equals("*")) {
            return new Refused(Reason.CANCELLED);
        }
        byte[] data;
        try {
            data = line.equals("=") ? new byte[0] : Base64.getDecoder().decode(line.strip());
        } catch (IllegalArgumentException e) {
            return new Refused(Reason.NOT_BASE64);
        }
        String text = new String(data, StandardCharsets.UTF_8);
        if (mechanism.equals("PLAIN")) {
            String[] parts = text.split("\0", -1);
            if (parts.length != 3 || parts[1].isEmpty()) {
                return new Refused(Reason.MALFORMED);
            }
            if (!parts[0].isEmpty() && !parts[0].equalsIgnoreCase(parts[1])) {
                return new Refused(Reason.OTHER_AUTHZID);
            }
            return new Credentials(parts[1], parts[2]);
        }
        if (user == null) {
            user = text;
            return challenge("Password:");
        }
        return new Credentials(user, text);
    }

    private static Challenge challenge(String prompt) {
        return new Challenge(Base64.getEncoder().encodeToString(prompt.getBytes(StandardCharsets.US_ASCII)));
    }
}
