package io.cassmail.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderSummaryParserTest {

    private static HeaderSummary parse(String header) {
        return HeaderSummaryParser.parse(header.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void readsTheListingFieldsUnfoldedAndDecoded() {
        HeaderSummary h = parse("From: Alice <a@example.test>\r\nTo: b@example.test\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
                + " again\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@example.test>\r\n\r\n");
        assertThat(h).isEqualTo(new HeaderSummary("Alice <a@example.test>", "b@example.test", "Grüße again",
                "Thu, 26 Nov 2026 10:00:00 +0000", "<1@example.test>"));
    }

    @Test
    void theFirstOccurrenceWinsAndMissingFieldsAreNull() {
        HeaderSummary h = parse("Subject: one\r\nSubject: two\r\n\r\n");
        assertThat(h.subject()).isEqualTo("one");
        assertThat(h.from()).isNull();
    }

    @Test
    void garbageYieldsNullsNotExceptions() {
        assertThat(parse("\u0000\u0001 not a header at all\r\n\r\n")).isEqualTo(HeaderSummary.EMPTY);
    }
}
