package io.cassmail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StructureCodecTest {
    private static final String MESSAGE = "From: a@example.test\r\nSubject: forwarded\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n"
            + "--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@example.test\r\nSubject: inner\r\n"
            + "Content-Type: multipart/alternative; boundary=c\r\n\r\n--c\r\nContent-Type: text/plain\r\n\r\ninner\r\n"
            + "--c\r\nContent-Type: text/html\r\n\r\n<b>x</b>\r\n--c--\r\n\r\n--b--\r\n";

    private static String render(MimePart p) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImapWriter w = new ImapWriter(bytes);
        FetchFormats.envelope(w, p);
        w.raw(" ");
        FetchFormats.structure(w, p, true, false);
        w.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aStoredStructureAnswersAsTheParsedOneDid() throws IOException {
        MimePart parsed = MimeParser.parse(new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.US_ASCII)));
        byte[] stored = StructureCodec.encode(parsed).orElseThrow();
        MimePart back = StructureCodec.decode(stored).orElseThrow();
        assertThat(render(back)).isEqualTo(render(parsed)).contains("\"inner\"").contains("\"alternative\"");
        assertThat(FetchCommand.resolve(back, new int[] {2, 2}).bodyStart)
                .isEqualTo(FetchCommand.resolve(parsed, new int[] {2, 2}).bodyStart);
    }

    @Test
    void bytesFromAnotherVersionOrDamagedAreNotTaken() throws IOException {
        byte[] stored = StructureCodec.encode(MimeParser.parse(new ByteArrayInputStream(
                MESSAGE.getBytes(StandardCharsets.US_ASCII)))).orElseThrow();
        byte[] other = stored.clone();
        other[0] = 2;
        assertThat(StructureCodec.decode(other)).isEmpty();
        assertThat(StructureCodec.decode(java.util.Arrays.copyOf(stored, stored.length / 2))).isEmpty();
    }
}
