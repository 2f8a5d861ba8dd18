package io.cassmail.smtp;

import io.cassmail.config.CassMailConfig.SmtpConfig;
import io.cassmail.config.CassMailConfig.SubmissionConfig;
import java.util.List;

/**
 * One SMTP listener: where it listens, its TLS mode, whether AUTH is required, whom it relays for and the
 * EHLO extensions it offers (DESIGN.md §Processes). A process runs one listener per profile.
 */
public record SmtpProfile(String name, String bind, int port, TlsMode tls, boolean authRequired, RelayPolicy relay,
                          List<String> extensions) {

    /** How TLS is reached on the port. */
    public enum TlsMode {
        /** Plain text only. */
        NONE,
        /** Plain text, upgraded by STARTTLS (RFC 3207). */
        STARTTLS,
        /** TLS from the first byte (RFC 8314). */
        IMPLICIT
    }

    /** Which recipients a client may name. */
    public enum RelayPolicy {
        /** Only users of local domains (an MX). */
        LOCAL_DOMAINS_ONLY,
        /** Any recipient once authenticated (submission, RFC 6409). */
        AUTHENTICATED_ANYWHERE
    }

    public SmtpProfile {
        extensions = List.copyOf(extensions);
    }

    /** The MX listener (port 2525 in development, 25 in production): local domains only, no AUTH, no TLS. */
    public static SmtpProfile mx(SmtpConfig config) {
        return mx(config, false);
    }

    /** The MX listener, offering STARTTLS when the server has a certificate ({@code tls}). */
    public static SmtpProfile mx(SmtpConfig config, boolean tls) {
        return new SmtpProfile("mx", config.bind(), config.port(), tls ? TlsMode.STARTTLS : TlsMode.NONE, false,
                RelayPolicy.LOCAL_DOMAINS_ONLY, extensions(config));
    }

    /** Submission (RFC 6409; 2587 in development, 587 in production): STARTTLS, then AUTH before MAIL. */
    public static SmtpProfile submission(SubmissionConfig submission, SmtpConfig config) {
        return new SmtpProfile("submission", submission.bind(), submission.port(), TlsMode.STARTTLS, true,
                RelayPolicy.AUTHENTICATED_ANYWHERE, extensions(config));
    }

    /** Submission over implicit TLS (RFC 8314 §3.3; 2465 in development, 465 in production). */
    public static SmtpProfile submissions(SubmissionConfig submission, SmtpConfig config) {
        return new SmtpProfile("submissions", submission.bind(), submission.implicitPort(), TlsMode.IMPLICIT, true,
                RelayPolicy.AUTHENTICATED_ANYWHERE, extensions(config));
    }

    private static List<String> extensions(SmtpConfig config) {
        return List.of("PIPELINING", "SIZE " + config.maxMessageSize(), "8BITMIME", "SMTPUTF8", "DSN",
                "ENHANCEDSTATUSCODES");
    }
}
