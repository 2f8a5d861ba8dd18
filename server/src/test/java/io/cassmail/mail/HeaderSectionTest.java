package io.cassmail.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderSectionTest {

    private static ByteArrayInputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void theFirstEmptyLineEndsTheHeaderSectionWithCrlfOrBareLf() {
        for (String msg : new String[] {"A: 1\r\nB: 2\r\n\r\nbody", "A: 1\nB: 2\n\nbody"}) {
            HeaderSection s = new HeaderSection();
            int endedAt = -1;
            for (int i = 0; i < msg.length() && endedAt < 0; i++) {
                if (s.feed(msg.charAt(i))) {
                    endedAt = i;
                }
            }
            assertThat(msg.substring(endedAt + 1)).isEqualTo("body");
        }
    }

    @Test
    void aFoldedLineStartingWithWhitespaceIsNotEmpty() {
        HeaderSection s = new HeaderSection();
        for (char c : "Subject: a\r\n \r\n".toCharArray()) {
            s.feed(c);
        }
        assertThat(s.ended()).isFalse();
    }

    @Test
    void copyStopsAfterTheEmptyLine() throws IOException {
        ByteArrayInputStream in = in("From: a\r\nTo: b\r\n\r\nline 1\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HeaderSection.copy(in, out);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("From: a\r\nTo: b\r\n\r\n");
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("line 1\r\n");
    }

    @Test
    void readReturnsTheFieldsWithoutTheEmptyLine() throws IOException {
        assertThat(new String(HeaderSection.read(in("From: a\r\nTo: b\r\n\r\nbody"), 1000), StandardCharsets.US_ASCII))
                .isEqualTo("From: a\r\nTo: b\r\n");
    }

    @Test
    void readOfAMessageWithoutBodyOrBeyondTheLimitReturnsWhatWasRead() throws IOException {
        assertThat(HeaderSection.read(in("From: a\r\nTo: b\r\n"), 1000)).hasSize(16);
        assertThat(HeaderSection.read(in("X: " + "y".repeat(500) + "\r\n\r\n"), 100)).hasSize(100);
    }
}
