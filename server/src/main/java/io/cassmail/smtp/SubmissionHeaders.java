package io.cassmail.smtp;

import io.cassmail.mail.HeaderFields;
import io.cassmail.mail.HeaderSection;
import io.cassmail.mail.Rfc5322Date;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.field.address.ParseException;

/**
 * Submission's view of the header section (RFC 6409 §8): holds it back until it is complete (at most
 * {@link #MAX_HEADER} bytes), adds {@code Date} and {@code Message-ID} when the client left them out (§8.2, §8.3),
 * and reads the {@code From:} addresses for the ownership check; the body then streams through untouched.
 */
final class SubmissionHeaders implements DataReader.Sink {
    static final int MAX_HEADER = 64 * 1024;

    private final DataReader.Sink next;
    private final String hostname;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream(4096);
    private final HeaderSection scanner = new HeaderSection();
    private boolean passing;
    private boolean tooLong;
    private List<String> from = List.of();
    private String fromProblem = "the message has no From: header";

    SubmissionHeaders(DataReader.Sink next, String hostname) {
        this.next = next;
        this.hostname = hostname;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (passing) {
            next.write(b, off, len);
            return;
        }
        for (int i = 0; i < len; i++) {
            head.write(b[off + i]);
            if (scanner.feed(b[off + i]) || head.size() >= MAX_HEADER) {
                tooLong = !scanner.ended();
                release();
                if (i + 1 < len) {
                    next.write(b, off + i + 1, len - i - 1);
                }
                return;
            }
        }
    }

    /** At the end of the data: a message that is all header (no empty line) is released now. */
    void finish() throws IOException {
        if (!passing) {
            release();
        }
    }

    /** Whether the header section was longer than {@link #MAX_HEADER}. */
    boolean tooLong() {
        return tooLong;
    }

    /** The addresses of the From: field; empty when there is none or it does not parse ({@link #fromProblem()}). */
    List<String> from() {
        return from;
    }

    /** Why {@link #from()} is empty. */
    String fromProblem() {
        return fromProblem;
    }

    private void release() throws IOException {
        passing = true;
        byte[] header = head.toByteArray();
        readFrom(HeaderFields.named(header, "From"));
        StringBuilder added = new StringBuilder();
        if (HeaderFields.named(header, "Date").isEmpty()) {
            added.append("Date: ").append(Rfc5322Date.format(ZonedDateTime.now())).append("\r\n");
        }
        if (HeaderFields.named(header, "Message-ID").isEmpty()) {
            added.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(hostname).append(">\r\n");
        }
        if (!added.isEmpty()) {
            byte[] bytes = added.toString().getBytes(StandardCharsets.US_ASCII);
            next.write(bytes, 0, bytes.length);
        }
        next.write(header, 0, header.length);
    }

    private void readFrom(List<String> fields) {
        if (fields.isEmpty()) {
            return;
        }
        if (fields.size() > 1) {
            fromProblem = "the message has " + fields.size() + " From: fields (RFC 5322 §3.6 allows one)";
            return;
        }
        try {
            List<String> addresses = new ArrayList<>();
            for (Mailbox m : DefaultAddressParser.DEFAULT.parseAddressList(fields.get(0), DecodeMonitor.SILENT).flatten()) {
                addresses.add(m.getAddress());
            }
            if (addresses.isEmpty()) {
                fromProblem = "the From: header names no address";
                return;
            }
            from = List.copyOf(addresses);
        } catch (ParseException | RuntimeException e) {
            fromProblem = "the From: header does not parse as an address list";
        }
    }
}
