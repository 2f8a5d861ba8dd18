package io.cassmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import io.cassmail.net.ReadDeadline;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The DATA reader on its own: end marker, dot-stuffing, and not one byte read past the end of data. */
class DataReaderTest {
    private static final String LONG_LINE = "y".repeat(20_000);
    private static final String WIRE = "Subject: t\r\n\r\nline 1\r\n..dot-stuffed\r\n" + LONG_LINE + "\r\n.\r\n"
            + "MAIL FROM:<next@example.org>\r\n";
    private static final String MESSAGE = "Subject: t\r\n\r\nline 1\r\n.dot-stuffed\r\n" + LONG_LINE + "\r\n";

    @Test
    void stopsExactlyAtTheEndOfDataWhateverTheBufferingAndFragmentation() throws IOException {
        for (int fragment : new int[] {1, 2, 3, 7, 64, 100_000}) {
            for (int bufferSize : new int[] {1, 5, 512, 8192, 65_536}) {
                InputStream wire = new BufferedInputStream(new Fragmenting(WIRE.getBytes(StandardCharsets.US_ASCII), fragment), bufferSize);
                assertReadsMessageThenLeavesTheCommand(wire, "fragment " + fragment + ", buffer " + bufferSize);
            }
            // and a stream without mark support, read byte by byte
            assertReadsMessageThenLeavesTheCommand(new Fragmenting(WIRE.getBytes(StandardCharsets.US_ASCII), fragment),
                    "unbuffered, fragment " + fragment);
        }
    }

    @Test
    void aLoneDotAfterABareLfEndsNothing() throws IOException {
        String wire = "a\n.\nMAIL FROM:<smuggled@example.org>\r\n.\r\nQUIT\r\n";
        InputStream in = new BufferedInputStream(new ByteArrayInputStream(wire.getBytes(StandardCharsets.US_ASCII)));
        DataReader.Result r = new DataReader(1 << 20, new ReadDeadline(60_000_000_000L, 500)).read(in, (b, o, l) -> { });
        assertThat(r.outcome()).isEqualTo(DataReader.Outcome.BARE_LINE_ENDING);
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("QUIT\r\n");
    }

    @Test
    void endOfStreamMidLineIsADisconnect() throws IOException {
        InputStream in = new BufferedInputStream(new ByteArrayInputStream("line\r\npartial".getBytes(StandardCharsets.US_ASCII)));
        assertThat(new DataReader(1 << 20, new ReadDeadline(60_000_000_000L, 500)).read(in, (b, o, l) -> { }).outcome())
                .isEqualTo(DataReader.Outcome.DISCONNECTED);
    }

    private static void assertReadsMessageThenLeavesTheCommand(InputStream wire, String how) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataReader.Result r = new DataReader(1 << 20, new ReadDeadline(60_000_000_000L, 500)).read(wire, body::write);
        assertThat(r.outcome()).as(how).isEqualTo(DataReader.Outcome.COMPLETE);
        assertThat(body.toString(StandardCharsets.US_ASCII)).as(how).isEqualTo(MESSAGE);
        assertThat(new String(wire.readAllBytes(), StandardCharsets.US_ASCII)).as(how)
                .isEqualTo("MAIL FROM:<next@example.org>\r\n");
    }

    /** Hands out at most {@code fragment} bytes per read and reports nothing available, like a slow socket. */
    private static final class Fragmenting extends InputStream {
        private final byte[] data;
        private final int fragment;
        private int pos;

        Fragmenting(byte[] data, int fragment) {
            this.data = data;
            this.fragment = fragment;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, fragment), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
