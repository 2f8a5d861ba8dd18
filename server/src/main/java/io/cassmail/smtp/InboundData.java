package io.cassmail.smtp;

import io.cassmail.dkim.DkimHeaders;
import io.cassmail.inbound.InboundMessage;
import io.cassmail.inbound.InboundVerdict;
import io.cassmail.ingest.MessageIntake;
import io.cassmail.mail.HeaderSection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The MX's view of DATA when mail is checked: holds the header section back (at most {@link #MAX_HEADER}, counted
 * against the in-flight budget) and gives it to the checks when it is complete, then streams the body to the store
 * and the checks at once. The header is stored last, once the verdict is in, with this server's
 * Authentication-Results: and Received: in front of the fields as the checks left them.
 */
final class InboundData implements DataReader.Sink {
    /** Postfix's header_size_limit is 100 KiB; a longer header section is refused (552 5.3.4), not truncated. */
    static final int MAX_HEADER = 128 * 1024;

    private final MessageIntake.Submission submission;
    private final InboundMessage checks;
    private final byte[] received;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream(4096);
    private final HeaderSection scanner = new HeaderSection();
    private boolean passing;
    private boolean tooLong;
    private boolean emptyLine;

    InboundData(MessageIntake.Submission submission, InboundMessage checks, byte[] received) {
        this.submission = submission;
        this.checks = checks;
        this.received = received;
        submission.deferHead();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            take(b, off, len);
        } catch (RuntimeException e) {
            // a check that broke must not stop the reading: the rest of the data would be read as commands
            throw new IOException("inbound checks failed: " + e, e);
        }
    }

    private void take(byte[] b, int off, int len) throws IOException {
        if (tooLong) {
            return; // the message is refused at the end; the rest is only read
        }
        if (passing) {
            submission.write(b, off, len);
            checks.body(b, off, len);
            return;
        }
        for (int i = 0; i < len; i++) {
            head.write(b[off + i]);
            if (scanner.feed(b[off + i])) {
                passing = true;
                emptyLine = true;
                checks.headers(DkimHeaders.parse(head.toByteArray()));
                if (i + 1 < len) {
                    take(b, off + i + 1, len - i - 1);
                }
                return;
            }
            if (head.size() >= MAX_HEADER) {
                tooLong = true;
                head.reset();
                return;
            }
        }
        submission.reserve(head.size());
    }

    /** Whether the header section went past {@link #MAX_HEADER}. */
    boolean tooLong() {
        return tooLong;
    }

    /**
     * At the end of the data: the verdict. An accepted message gets its header section now (a message that is all
     * header has its fields given to the checks here).
     */
    InboundVerdict finish() throws IOException {
        InboundVerdict verdict;
        try {
            if (!passing) {
                checks.headers(DkimHeaders.parse(head.toByteArray()));
            }
            verdict = checks.finish();
        } catch (RuntimeException e) {
            throw new IOException("inbound checks failed: " + e, e);
        }
        if (verdict.accepted()) {
            ByteArrayOutputStream stored = new ByteArrayOutputStream(head.size() + 1024);
            stored.writeBytes(verdict.traceFields().getBytes(StandardCharsets.ISO_8859_1));
            stored.writeBytes(received);
            for (DkimHeaders.Field f : verdict.fields()) {
                stored.writeBytes(f.text().getBytes(StandardCharsets.ISO_8859_1));
                stored.writeBytes(new byte[] {'\r', '\n'});
            }
            if (emptyLine) {
                stored.writeBytes(new byte[] {'\r', '\n'});
            }
            submission.head(stored.toByteArray());
        }
        return verdict;
    }
}
