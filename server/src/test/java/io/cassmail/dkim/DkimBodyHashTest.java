package io.cassmail.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/** Relaxed body canonicalization (RFC 6376 §3.4.4) on bytes, against the canonical text hashed directly. */
class DkimBodyHashTest {
    private static byte[] streamed(String body, int chunk) throws IOException {
        DkimBodyHash h = new DkimBodyHash();
        byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < b.length; i += chunk) {
            h.write(b, i, Math.min(chunk, b.length - i));
        }
        return h.finish();
    }

    private static byte[] sha256(String canonical) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void whitespaceRunsBecomeOneSpaceAndLineEndsLoseTheirs() throws Exception {
        assertThat(streamed(" C \r\nD \t E\r\n", 1)).isEqualTo(sha256(" C\r\nD E\r\n")); // RFC 6376 §3.4.5's example
        assertThat(streamed("a\t\tb   \r\n", 3)).isEqualTo(sha256("a b\r\n"));
    }

    @Test
    void emptyLinesAtTheEndGoButEmptyLinesInsideStay() throws Exception {
        assertThat(streamed("a\r\n\r\n \r\nb\r\n\r\n\t\r\n\r\n", 2)).isEqualTo(sha256("a\r\n\r\n\r\nb\r\n"));
    }

    @Test
    void anUnterminatedLastLineGetsItsCrlfAndAnEmptyBodyHashesNothing() throws Exception {
        assertThat(streamed("last", 1)).isEqualTo(sha256("last\r\n"));
        assertThat(streamed("", 1)).isEqualTo(sha256(""));
        assertThat(streamed("\r\n\r\n", 1)).isEqualTo(sha256(""));
    }
}
