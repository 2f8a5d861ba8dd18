package io.cassmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** The Received: trace field (RFC 5321 §4.4). */
class ReceivedHeaderTest {
    private static final ZonedDateTime WHEN = ZonedDateTime.parse("2026-11-26T10:00:00Z");

    private static String format(String helo, String ip, boolean esmtp, String recipient) throws Exception {
        return new String(ReceivedHeader.format(helo, InetAddress.getByName(ip), "mx.cassmail.test", esmtp, false, "ID",
                recipient, WHEN), StandardCharsets.UTF_8);
    }

    @Test
    void namesTheClientTheServerTheProtocolAndTheSingleRecipient() throws Exception {
        assertThat(format("client.test", "192.0.2.1", true, "bob@cassmail.test")).isEqualTo(
                "Received: from client.test ([192.0.2.1])\r\n\tby mx.cassmail.test (CassMail) with ESMTP id ID"
                        + "\r\n\tfor <bob@cassmail.test>;\r\n\tThu, 26 Nov 2026 10:00:00 +0000\r\n");
    }

    @Test
    void ipv6ClientsAreTaggedAsAddressLiteralsSay() throws Exception {
        assertThat(format("client.test", "2001:db8::1", true, null)).startsWith("Received: from client.test ([IPv6:2001:db8:0:0:0:0:0:1])");
    }

    @Test
    void clientTextCannotBreakTheField() throws Exception {
        assertThat(format("evil\r\nX-Injected: yes (", "192.0.2.1", false, null))
                .startsWith("Received: from evil??X-Injected: yes ? ([192.0.2.1])").contains("with SMTP id");
    }
}
