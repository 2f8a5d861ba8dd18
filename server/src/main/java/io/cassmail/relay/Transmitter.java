package io.cassmail.relay;

import io.cassmail.delivery.RecipientOutcome;
import io.cassmail.net.ConnectionWatchdog;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.MessageStore;
import io.cassmail.store.StoredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * One SMTP transaction with one server address (RFC 5321 §3.3): greeting, EHLO/HELO, opportunistic STARTTLS, MAIL,
 * RCPT (pipelined when offered), DATA, each recipient's outcome from its RCPT reply and the final reply. Reuses an
 * idle connection from the {@link ConnectionCache} and gives it back after; every transaction runs under the
 * {@link ConnectionWatchdog}'s wall-clock deadline.
 */
final class Transmitter {
    /** The deadlines a transaction runs under. */
    record Timeouts(Duration connect, Duration command, Duration dataBlock, Duration data) {
    }

    /** No connection was made (refused, unreachable, timed out): the address never became a session. */
    static final class NoSessionException extends IOException {
        NoSessionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A STARTTLS handshake that failed after the server said 220. */
    static final class TlsFailedException extends IOException {
        TlsFailedException(String message) {
            super(message);
        }
    }

    private final MessageStore messages;
    private final String heloName;
    private final int port;
    private final Timeouts timeouts;
    private final SSLContext tls;
    private final boolean verifyTls;
    private final ConnectionCache connections;
    private final ConnectionWatchdog watchdog;

    Transmitter(MessageStore messages, String heloName, int port, Timeouts timeouts, SSLContext tls, boolean verifyTls,
                ConnectionCache connections, ConnectionWatchdog watchdog) {
        this.messages = messages;
        this.heloName = heloName;
        this.port = port;
        this.timeouts = timeouts;
        this.tls = tls;
        this.verifyTls = verifyTls;
        this.connections = connections;
        this.watchdog = watchdog;
    }

    /**
     * The transaction for the recipients on one address; null when the greeting or EHLO/HELO refused us (try the next
     * host). {@link NoSessionException}: no connection; {@link TlsFailedException}: STARTTLS broke; any other
     * {@link IOException}: the connection failed before the server took the message.
     */
    List<RecipientOutcome> transaction(StoredMessage message, byte[] signature, List<DeliveryRecord> recipients,
                                       String host, InetAddress address, boolean tryTls, Duration limit)
            throws IOException {
        String server = address.getHostAddress() + ":" + port + (tryTls ? "" : "/plain");
        SmtpClient cached = connections.take(server);
        if (cached != null) {
            try {
                cached.transactionDeadline(limit);
                List<RecipientOutcome> result = send(cached, message, signature, recipients, cached.esmtp());
                cached.transactionDeadline(null);
                connections.release(server, cached);
                return result;
            } catch (IOException e) {
                cached.close();
                throw e;
            }
        }
        SmtpClient c;
        try {
            c = SmtpClient.connect(new InetSocketAddress(address, port), timeouts.connect(), timeouts.command(),
                    watchdog);
        } catch (IOException e) {
            throw new NoSessionException(e.getMessage(), e);
        }
        try {
            c.transactionDeadline(limit);
            SmtpReply greeting = c.read();
            if (!greeting.positive()) {
                try {
                    c.command("QUIT");
                } catch (IOException gone) {
                    // a server that refuses us in its greeting often hangs up at once (RFC 5321 §3.1)
                }
                return null;
            }
            SmtpReply hello = c.ehlo(heloName);
            boolean esmtp = hello.positive();
            if (!esmtp) {
                hello = c.command("HELO " + heloName);
                if (!hello.positive()) {
                    return null;
                }
            }
            if (esmtp && tryTls && c.offers("STARTTLS")) {
                SmtpReply ready = c.command("STARTTLS");
                if (ready.code() == 220) {
                    try {
                        c.startTls(tls, host, verifyTls);
                    } catch (IOException e) {
                        throw new TlsFailedException(e.getMessage());
                    }
                    if (!c.ehlo(heloName).positive()) {
                        return null;
                    }
                }
            }
            List<RecipientOutcome> result = send(c, message, signature, recipients, esmtp);
            c.esmtp(esmtp);
            c.transactionDeadline(null);
            connections.release(server, c);
            c = null; // handed to the cache
            return result;
        } finally {
            if (c != null) {
                c.close();
            }
        }
    }

    List<RecipientOutcome> send(SmtpClient c, StoredMessage message, byte[] signature,
                                        List<DeliveryRecord> recipients, boolean esmtp) throws IOException {
        boolean needsUtf8 = !isAscii(message.envelopeFrom())
                || recipients.stream().anyMatch(r -> !isAscii(r.recipient()));
        if (needsUtf8 && !c.offers("SMTPUTF8")) {
            return all(recipients, r -> RecipientOutcome.permanent(r, "5.6.7",
                    "the remote server does not support SMTPUTF8, which this message's addresses need (RFC 6531)"));
        }
        if (!c.offers("8BITMIME") && eightBit(message)) {
            return all(recipients, r -> RecipientOutcome.permanent(r, "5.6.3", "the remote server does not accept"
                    + " 8-bit data (no 8BITMIME, RFC 6152) and this message has 8-bit content; it is sent as stored,"
                    + " never converted"));
        }
        long limit = c.sizeLimit();
        long size = message.size() + signature.length;
        if (limit > 0 && size > limit) {
            return all(recipients, r -> RecipientOutcome.permanent(r, "5.3.4",
                    "message of " + size + " bytes exceeds the remote server's SIZE limit of " + limit));
        }
        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(message.envelopeFrom()).append('>');
        if (esmtp && c.offers("SIZE")) {
            mail.append(" SIZE=").append(size);
        }
        if (esmtp && c.offers("8BITMIME")) {
            mail.append(" BODY=8BITMIME");
        }
        if (needsUtf8) {
            mail.append(" SMTPUTF8");
        }
        boolean dsn = esmtp && c.offers("DSN"); // RFC 3461 §6.2: pass the parameters on; the next hop notifies
        if (dsn && message.dsn() != null) {
            mail.append(' ').append(message.dsn());
        }
        boolean pipelining = esmtp && c.offers("PIPELINING");
        List<SmtpReply> replies = new ArrayList<>();
        if (pipelining) {
            c.send(mail.toString());
            for (DeliveryRecord r : recipients) {
                c.send(rcpt(r, dsn));
            }
            c.flush();
            for (int i = 0; i <= recipients.size(); i++) {
                replies.add(c.read());
            }
        } else {
            replies.add(c.command(mail.toString()));
            if (replies.get(0).positive()) {
                for (DeliveryRecord r : recipients) {
                    replies.add(c.command(rcpt(r, dsn)));
                }
            }
        }
        SmtpReply mailReply = replies.get(0);
        if (!mailReply.positive()) {
            return all(recipients, r -> failure(r, mailReply, "MAIL FROM"));
        }
        Map<String, RecipientOutcome> outcomes = new LinkedHashMap<>();
        List<DeliveryRecord> accepted = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            SmtpReply rcpt = replies.get(i + 1);
            if (rcpt.positive()) {
                accepted.add(recipients.get(i));
            } else {
                outcomes.put(recipients.get(i).recipient(), failure(recipients.get(i).recipient(), rcpt, "RCPT TO"));
            }
        }
        if (!accepted.isEmpty()) {
            SmtpReply go = c.command("DATA");
            if (go.code() != 354) {
                for (DeliveryRecord r : accepted) {
                    outcomes.put(r.recipient(), failure(r.recipient(), go, "DATA"));
                }
            } else {
                SmtpReply done;
                try (InputStream body = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(signature),
                        messages.openBody(message))) {
                    done = c.data(body, timeouts.dataBlock(), timeouts.data());
                } catch (SmtpClient.UncertainException e) {
                    // the final dot went out: the copy may be there, so neither the next MX now nor a bounce ever
                    for (DeliveryRecord r : accepted) {
                        outcomes.put(r.recipient(), RecipientOutcome.uncertain(r.recipient(), "4.4.2",
                                "the connection failed after the end of DATA (" + e.getMessage() + "); the server may"
                                        + " have taken the message, so it is retried later, not bounced"));
                    }
                    return recipients.stream().map(r -> outcomes.get(r.recipient())).toList();
                }
                for (DeliveryRecord r : accepted) {
                    outcomes.put(r.recipient(), done.positive() ? RecipientOutcome.delivered(r.recipient())
                            .withReply(done.text()).withDsnPassedOn(dsn) : failure(r.recipient(), done, "end of DATA"));
                }
            }
        }
        return recipients.stream().map(r -> outcomes.get(r.recipient())).toList();
    }

    /** Whether any stored byte is outside 7-bit ASCII (read only for the rare peer without 8BITMIME). */
    private boolean eightBit(StoredMessage message) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(messages.openBody(message), 64 * 1024)) {
            int b;
            while ((b = in.read()) >= 0) {
                if (b >= 0x80) {
                    return true;
                }
            }
            return false;
        }
    }

    private static String rcpt(DeliveryRecord r, boolean dsn) {
        return "RCPT TO:<" + r.recipient() + ">" + (dsn && r.dsn() != null ? " " + r.dsn() : "");
    }

    private static RecipientOutcome failure(String recipient, SmtpReply reply, String after) {
        String text = reply.text() + " (in reply to " + after + ")";
        return reply.temporary() ? RecipientOutcome.temporary(recipient, reply.status(), text)
                : RecipientOutcome.permanent(recipient, reply.status(), text);
    }

    private static List<RecipientOutcome> all(List<DeliveryRecord> recipients,
                                              java.util.function.Function<String, RecipientOutcome> outcome) {
        return recipients.stream().map(r -> outcome.apply(r.recipient())).toList();
    }

    private static boolean isAscii(String s) {
        return s == null || StandardCharsets.US_ASCII.newEncoder().canEncode(s);
    }
}
