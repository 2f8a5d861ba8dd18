package io.cassmail.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RFC 1939 §3 byte-stuffing of multi-line responses. */
class DotStuffingOutputStreamTest {

    private static String stuff(String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DotStuffingOutputStream out = new DotStuffingOutputStream(bytes);
        out.write(content.getBytes(StandardCharsets.US_ASCII));
        out.terminate();
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void linesStartingWithADotGetAnotherAndTheResponseEndsWithADotLine() throws IOException {
        assertThat(stuff(".first\r\nmid.dle\r\n.\r\n")).isEqualTo("..first\r\nmid.dle\r\n..\r\n.\r\n");
    }

    @Test
    void contentWithoutAFinalLineEndGetsOneBeforeTheDot() throws IOException {
        assertThat(stuff("no newline")).isEqualTo("no newline\r\n.\r\n");
    }
}
