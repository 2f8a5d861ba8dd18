package io.cassmail.smtp;

import io.cassmail.mail.Rfc5322Date;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.regex.Pattern;

/**
 * The trace field we prepend to every accepted message (RFC 5321 §4.4; address literals §4.1.3; protocol
 * names RFC 3848 / 6531: SMTP after HELO, ESMTP after EHLO).
 */
final class ReceivedHeader {
    private static final Pattern UNSAFE = Pattern.compile("[\\p{Cntrl}()<>;]");

    private ReceivedHeader() {
    }

    static byte[] format(String helo, InetAddress client, String hostname, boolean esmtp, boolean utf8, String id,
                         String singleRecipient, ZonedDateTime when) {
        return format(helo, client, hostname, protocol(esmtp, utf8, false, false), id, singleRecipient, null, when);
    }

    /** RFC 3848 / RFC 6531 §3.7.3 names: S for TLS, A for AUTH (only defined for ESMTP and UTF8SMTP). */
    static String protocol(boolean esmtp, boolean utf8, boolean tls, boolean authenticated) {
        String base = utf8 ? "UTF8SMTP" : esmtp ? "ESMTP" : "SMTP";
        if (base.equals("SMTP")) {
            return base;
        }
        return base + (tls ? "S" : "") + (authenticated ? "A" : "");
    }

    /** @param authUser named as Postfix does ("Authenticated sender:") when not null */
    static byte[] format(String helo, InetAddress client, String hostname, String protocol, String id,
                         String singleRecipient, String authUser, ZonedDateTime when) {
        StringBuilder b = new StringBuilder("Received: from ").append(clean(helo == null ? "unknown" : helo))
                .append(" ([").append(client instanceof Inet6Address ? "IPv6:" : "").append(client.getHostAddress()).append("])\r\n\t");
        if (authUser != null) {
            b.append("(Authenticated sender: ").append(clean(authUser)).append(")\r\n\t");
        }
        b.append("by ").append(hostname)
                .append(" (CassMail) with ").append(protocol).append(" id ").append(id);
        if (singleRecipient != null) {
            b.append("\r\n\tfor <").append(clean(singleRecipient)).append('>');
        }
        b.append(";\r\n\t").append(Rfc5322Date.format(when)).append("\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Client-supplied text must not break the header: no controls, no parentheses games, bounded. */
    private static String clean(String s) {
        String t = UNSAFE.matcher(s).replaceAll("?");
        return t.length() > 255 ? t.substring(0, 255) : t;
    }
}
