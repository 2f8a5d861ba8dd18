package io.cassmail.mail;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The date-time format of RFC 5322 §3.3, as written in Date:, Received: and DSN Arrival-Date: fields. */
public final class Rfc5322Date {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private Rfc5322Date() {
    }

    public static String format(ZonedDateTime when) {
        return FORMAT.format(when);
    }
}
