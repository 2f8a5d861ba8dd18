package io.cassmail.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.mail.HeaderSummary;
import io.cassmail.mail.MessageIds;
import io.cassmail.store.StoredMessage;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** RFC 3464 reports as a MIME parser (Angus Mail) reads them. */
class DsnBuilderTest {
    private final StoredMessage original = new StoredMessage(MessageIds.next(), "alice@cassmail.test",
            List.of("bob@cassmail.test"), 100, 1, Instant.parse("2026-11-26T10:00:00Z"), null, "client.test", HeaderSummary.EMPTY);

    private MimeMessage build(List<DeliveryProcessor.Bounce> failed) throws Exception {
        byte[] dsn = new DsnBuilder("mx.cassmail.test").build(original, failed,
                "Subject: original\r\nFrom: alice@cassmail.test\r\n".getBytes(StandardCharsets.US_ASCII));
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(dsn));
    }

    @Test
    void aReportHasTextStatusAndOriginalHeaderParts() throws Exception {
        MimeMessage m = build(List.of(new DeliveryProcessor.Bounce("bob@cassmail.test", "5.1.1", "user unknown", 1)));
        assertThat(m.getContentType()).contains("multipart/report", "report-type=delivery-status");
        assertThat(m.getHeader("Auto-Submitted")[0]).isEqualTo("auto-replied");
        Multipart parts = (Multipart) m.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        String status = new String(parts.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(status).contains("Reporting-MTA: dns; mx.cassmail.test", "X-CassMail-Queue-ID: " + original.id(),
                "Arrival-Date: Thu, 26 Nov 2026 10:00:00 +0000", "Final-Recipient: rfc822; bob@cassmail.test",
                "Action: failed", "Status: 5.1.1", "Diagnostic-Code: X-CassMail; user unknown");
        assertThat(new String(parts.getBodyPart(2).getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                .contains("Subject: original");
    }

    @Test
    void aMultiLineDiagnosticStaysOnOneFieldLine() throws Exception {
        MimeMessage m = build(List.of(new DeliveryProcessor.Bounce("bob@cassmail.test", "4.4.7", "line one\r\nline two", 1)));
        String status = new String(((Multipart) m.getContent()).getBodyPart(1).getInputStream().readAllBytes(),
                StandardCharsets.US_ASCII);
        assertThat(status).contains("Diagnostic-Code: X-CassMail; line one line two");
    }
}
