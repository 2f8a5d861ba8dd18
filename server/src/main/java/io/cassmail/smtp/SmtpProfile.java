package io.cassmail.smtp;

import io.cassmail.config.CassMailConfig.SmtpConfig;
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

    /** The MX listener (port 2525 in development, 25 in production): local domains only, no AUTH. */
    public static SmtpProfile mx(SmtpConfig config) {
        return new SmtpProfile("mx", config.bind(), config.port(), TlsMode.NONE, false, RelayPolicy.LOCAL_DOMAINS_ONLY,
                List.of("PIPELINING", "SIZE " + config.maxMessageSize(), "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES"));
    }
}
