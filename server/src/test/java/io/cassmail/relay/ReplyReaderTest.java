package io.cassmail.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The outbound client's reply parser on bytes: RFC 5321 §4.2 replies, and what a hostile server sends instead. */
class ReplyReaderTest {
    private static ReplyReader on(String bytes) {
        return new ReplyReader(new ByteArrayInputStream(bytes.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void aMultilineReplyKeepsEveryLineAndTheEnhancedCode() throws IOException {
        SmtpReply r = on("250-mx.example.org\r\n250-PIPELINING\r\n250 SIZE 1000\r\n").read();
        assertThat(r.code()).isEqualTo(250);
        assertThat(r.lines()).containsExactly("mx.example.org", "PIPELINING", "SIZE 1000");
        assertThat(on("550 5.1.1 no such user\r\n").read().status()).isEqualTo("5.1.1");
    }

    @Test
    void pipelinedRepliesAreReadOneAtATimeAndABareLineFeedEndsALine() throws IOException {
        ReplyReader reader = on("250 2.1.0 ok\n451 4.3.0 later\r\n354 go\r\n");
        assertThat(reader.read().code()).isEqualTo(250);
        assertThat(reader.read().temporary()).isTrue();
        assertThat(reader.read().code()).isEqualTo(354);
    }

    @Test
    void malformedMixedOrEndlessRepliesAreRefused() {
        assertThatThrownBy(() -> on("hello there\r\n").read()).hasMessageContaining("malformed reply line");
        assertThatThrownBy(() -> on("250-a\r\n550 b\r\n").read()).hasMessageContaining("different codes");
        assertThatThrownBy(() -> on("250 " + "x".repeat(5000) + "\r\n").read()).hasMessageContaining("longer than 4096");
        assertThatThrownBy(() -> on("250-x\r\n".repeat(300)).read()).hasMessageContaining("longer than 200 lines");
        assertThatThrownBy(() -> on("250-half").read()).hasMessageContaining("closed the connection");
    }
}
