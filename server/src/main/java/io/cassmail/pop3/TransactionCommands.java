package io.cassmail.pop3;

import io.cassmail.mail.DotStuffingOutputStream;
import io.cassmail.mail.HeaderSection;
import io.cassmail.mail.ReturnPath;
import io.cassmail.store.StoredMessage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalInt;

/** The TRANSACTION-state verbs of RFC 1939 §5 and §7, one class each. */
final class TransactionCommands {

    private TransactionCommands() {
    }

    /** Base for verbs allowed only after login. */
    abstract static class InTransaction implements Pop3Command {
        @Override
        public Pop3Session.State state() {
            return Pop3Session.State.TRANSACTION;
        }

        /** The existing message number the argument names, or 0 with an -ERR already sent. */
        static int number(Pop3Session s, String argument) throws IOException {
            OptionalInt n = Maildrop.number(argument.strip());
            if (n.isEmpty()) {
                s.err("Message number required");
                return 0;
            }
            int number = n.getAsInt();
            if (!s.maildrop().exists(number)) {
                s.err(number > s.maildrop().size() || number < 1 ? "No such message" : "Message " + number + " already deleted");
                return 0;
            }
            return number;
        }
    }

    /** STAT: count and octets of the messages not marked deleted. */
    static final class Stat extends InTransaction {
        @Override
        public void execute(Pop3Session s, String argument) throws IOException {
            s.ok(s.maildrop().liveCount() + " " + s.maildrop().liveOctets());
        }
    }

    /** LIST [n]: exact sizes, the octets RETR sends before byte-stuffing. */
    static final class ListMessages extends InTransaction {
        @Override
        public void execute(Pop3Session s, String argument) throws IOException {
            if (!argument.isBlank()) {
                int n = number(s, argument);
                if (n > 0) {
                    s.ok(n + " " + s.maildrop().octets(n));
                }
                return;
            }
            Maildrop drop = s.maildrop();
            s.ok(drop.liveCount() + " messages (" + drop.liveOctets() + " octets)");
            for (int i = 1; i <= drop.size(); i++) {
                if (drop.exists(i)) {
                    s.write(i + " " + drop.octets(i));
                }
            }
            s.write(".");
        }
    }

    /** UIDL [n]: the message id, stable for the life of the message. */
    static final class Uidl extends InTransaction {
        @Override
        public void execute(Pop3Session s, String argument) throws IOException {
            if (!argument.isBlank()) {
                int n = number(s, argument);
                if (n > 0) {
                    s.ok(n + " " + s.maildrop().messageId(n));
                }
                return;
            }
            Maildrop drop = s.maildrop();
            s.ok("Unique-ID listing follows");
            for (int i = 1; i <= drop.size(); i++) {
                if (drop.exists(i)) {
                    s.write(i + " " + drop.messageId(i));
                }
            }
            s.write(".");
        }
    }

    /** RETR n: streams the stored bytes chunk by chunk, byte-stuffed. */
    static final class Retr extends InTransaction {
        @Override
        public void execute(Pop3Session s, String argument) throws IOException {
            int n = number(s, argument);
            if (n > 0) {
                send(s, n, -1);
            }
        }
    }

    /** TOP n m: the header, the blank line and the first m body lines (RFC 1939 §7). */
    static final class Top extends InTransaction {
        @Override
        public void execute(Pop3Session s, String argument) throws IOException {
            String[] parts = argument.strip().split("\\s+");
            OptionalInt lines = parts.length == 2 ? Maildrop.number(parts[1]) : OptionalInt.empty();
            if (lines.isEmpty()) {
                s.err("Syntax: TOP message lines");
                return;
            }
            int n = number(s, parts[0]);
            if (n > 0) {
                send(s, n, lines.getAsInt());
            }
        }
    }

    /** DELE n: marks only; the message goes at QUIT. */
    static final class Dele extends InTransaction {
        @Override
        public void execute(Pop3Session s, String argument) throws IOException {
            int n = number(s, argument);
            if (n > 0) {
                s.maildrop().delete(n);
                s.ok("Message " + n + " deleted");
            }
        }
    }

    /** RSET: unmarks every deletion. */
    static final class Rset extends InTransaction {
        @Override
        public void execute(Pop3Session s, String argument) throws IOException {
            s.maildrop().undeleteAll();
            s.ok(s.maildrop().liveCount() + " messages (" + s.maildrop().liveOctets() + " octets)");
        }
    }

    /** NOOP. */
    static final class Noop extends InTransaction {
        @Override
        public void execute(Pop3Session s, String argument) throws IOException {
            s.ok("");
        }
    }

    private static void send(Pop3Session s, int number, int bodyLines) throws IOException {
        Optional<StoredMessage> message = s.services().messages().find(s.maildrop().messageId(number));
        if (message.isEmpty()) {
            s.err("Message was removed by another session");
            return;
        }
        s.ok(bodyLines < 0 ? s.maildrop().octets(number) + " octets" : "Top of message follows");
        DotStuffingOutputStream out = new DotStuffingOutputStream(s.rawOutput());
        byte[] returnPath = ReturnPath.line(message.get().envelopeFrom());
        if (s.maildrop().octets(number) == message.get().size() + returnPath.length) {
            out.write(returnPath); // entries listed before Return-Path existed count only the stored bytes
        }
        try (InputStream body = new BufferedInputStream(s.services().messages().openBody(message.get()), 64 * 1024)) {
            if (bodyLines < 0) {
                body.transferTo(out);
            } else {
                copyTop(body, out, bodyLines);
            }
        }
        out.terminate();
        if (bodyLines < 0) {
            s.services().metrics().pop3Retrieved(s.services().listener(), s.maildrop().octets(number));
        }
    }

    /** Copies the header section, its blank line, and then at most {@code bodyLines} lines. */
    private static void copyTop(InputStream in, DotStuffingOutputStream out, int bodyLines) throws IOException {
        HeaderSection.copy(in, out);
        int linesLeft = bodyLines;
        int c;
        while (linesLeft > 0 && (c = in.read()) >= 0) {
            out.write(c);
            if (c == '\n') {
                linesLeft--;
            }
        }
    }
}
