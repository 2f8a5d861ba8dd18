package io.cassmail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.auth.PasswordHasher;
import io.cassmail.delivery.DeliveryProcessor;
import io.cassmail.mailbox.LocalMailboxEvents;
import io.cassmail.testing.MemoryMailSystem;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMultipart;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** IMAP sessions with real clients (Angus Mail, a raw socket) over loopback, the memory twins behind the server. */
class ImapListenerTest {
    private final MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test");
    private final LocalMailboxEvents events = new LocalMailboxEvents();
    private ImapTestServer imap;

    @BeforeEach
    void start() throws IOException {
        mail.accounts.create("bob@cassmail.test", new PasswordHasher(64, 1).hash("secret"));
        mail.mailboxes.writer().events(events);
        mail.submit("alice@example.test", "From: Alice <alice@example.test>\r\nTo: bob@cassmail.test\r\n"
                + "Subject: one\r\nMessage-ID: <one@example.test>\r\n\r\nfirst body\r\n", "bob@cassmail.test");
        mail.submit("carol@example.test", "From: \"Carol C.\" <carol@example.test>\r\nSubject: =?UTF-8?Q?caf=C3=A9?=\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\npreamble\r\n--b1\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\nhello\r\nworld\r\n--b1\r\nContent-Type: application/pdf; "
                + "name=\"a.pdf\"\r\nContent-Disposition: attachment; filename=\"a.pdf\"\r\nContent-Transfer-Encoding: base64\r\n"
                + "\r\nJVBERi0=\r\n--b1--\r\n", "bob@cassmail.test");
        deliver();
        imap = ImapTestServer.start(mail, events, "imap.max-line=4K", "imap.max-literal=8K");
    }

    private void deliver() {
        DeliveryProcessor p = mail.processor();
        mail.queue.takeDeliveries().forEach(p::process);
    }

    @AfterEach
    void stop() {
        imap.close();
        events.close();
    }

    private Store store() throws Exception {
        return store(false);
    }

    private Store store(boolean compress) throws Exception {
        Properties props = new Properties();
        props.put("mail.imap.compress.enable", String.valueOf(compress));
        props.put("mail.imap.host", "127.0.0.1");
        props.put("mail.imap.port", String.valueOf(imap.port()));
        props.put("mail.imap.connectiontimeout", "10000");
        props.put("mail.imap.timeout", "10000");
        Store store = Session.getInstance(props).getStore("imap");
        store.connect("bob@cassmail.test", "secret");
        return store;
    }

    @Test
    void aMailClientReadsFlagsFilesAndDeletes() throws Exception {
        Store store = store();
        List<String> names = new ArrayList<>();
        for (Folder f : store.getDefaultFolder().list("*")) {
            names.add(f.getFullName());
        }
        assertThat(names).contains("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive");
        IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        assertThat(inbox.getMessageCount()).isEqualTo(2);
        Message first = inbox.getMessage(1);
        assertThat(first.getSubject()).isEqualTo("one");
        assertThat(first.getFrom()[0].toString()).isEqualTo("Alice <alice@example.test>");
        assertThat(first.isSet(Flags.Flag.SEEN)).isFalse();
        assertThat(((String) first.getContent()).strip()).isEqualTo("first body");
        assertThat(first.isSet(Flags.Flag.SEEN)).isTrue(); // reading BODY[] set \Seen
        Message second = inbox.getMessage(2);
        assertThat(second.getSubject()).isEqualTo("café");
        MimeMultipart parts = (MimeMultipart) second.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(((String) parts.getBodyPart(0).getContent()).strip()).isEqualTo("hello\r\nworld");
        assertThat(parts.getBodyPart(1).getFileName()).isEqualTo("a.pdf");
        assertThat(parts.getBodyPart(1).getInputStream().readAllBytes()).isEqualTo("%PDF-".getBytes(StandardCharsets.US_ASCII));
        long uid2 = inbox.getUID(second);
        Folder archive = store.getFolder("Archive");
        inbox.moveMessages(new Message[] {second}, archive);
        assertThat(store.getFolder("INBOX").getMessageCount()).isEqualTo(1); // a closed folder object: STATUS
        archive.open(Folder.READ_ONLY);
        assertThat(archive.getMessageCount()).isEqualTo(1);
        assertThat(archive.getMessage(1).getSubject()).isEqualTo("café");
        archive.close(false);
        inbox.getMessage(1).setFlag(Flags.Flag.DELETED, true);
        inbox.expunge();
        assertThat(inbox.getMessageCount()).isZero();
        assertThat(inbox.getUIDNext()).isGreaterThan(uid2);
        inbox.close(false);
        store.close();
        assertThat(mail.inbox("bob@cassmail.test")).isEmpty();
    }

    @Test
    void aCompressedSessionReadsAndSearchesTheSame() throws Exception {
        Store store = store(true);
        assertThat(((org.eclipse.angus.mail.imap.IMAPStore) store).hasCapability("COMPRESS=DEFLATE")).isTrue();
        IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        Message second = inbox.getMessage(2);
        assertThat(second.getSubject()).isEqualTo("café");
        assertThat(((MimeMultipart) second.getContent()).getBodyPart(1).getInputStream().readAllBytes())
                .isEqualTo("%PDF-".getBytes(StandardCharsets.US_ASCII));
        assertThat(inbox.search(new jakarta.mail.search.SubjectTerm("one"))).hasSize(1);
        inbox.close(false);
        store.close();
    }

    @Test
    void appendedMessagesGetUidsAndStreamBackByteForByte() throws Exception {
        Store store = store();
        Folder drafts = store.getFolder("Drafts");
        jakarta.mail.internet.MimeMessage m = new jakarta.mail.internet.MimeMessage(Session.getInstance(new Properties()));
        m.setSubject("draft");
        m.setText("x".repeat(20_000)); // larger than imap.max-literal: APPEND's literal has its own bound
        m.setFlag(Flags.Flag.DRAFT, true);
        drafts.appendMessages(new Message[] {m});
        drafts.open(Folder.READ_ONLY);
        assertThat(drafts.getMessageCount()).isEqualTo(1);
        Message got = drafts.getMessage(1);
        assertThat(got.isSet(Flags.Flag.DRAFT)).isTrue();
        assertThat(((String) got.getContent()).length()).isEqualTo(20_000);
        drafts.close(false);
        store.close();
    }

    /** A raw session: what the wire says, exactly. */
    private static final class Wire implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Wire(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        String line() throws IOException {
            return in.readLine();
        }

        void send(String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Sends a command and returns every line up to and including its tagged answer. */
        List<String> command(String tag, String text) throws IOException {
            send(tag + " " + text);
            List<String> lines = new ArrayList<>();
            String l;
            while ((l = line()) != null) {
                lines.add(l);
                if (l.startsWith(tag + " ")) {
                    break;
                }
            }
            return lines;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void errorsAreTaggedAnswersWithResponseCodes() throws IOException {
        try (Wire w = new Wire(imap.port())) {
            assertThat(w.line()).startsWith("* OK [CAPABILITY IMAP4rev1 IMAP4rev2");
            assertThat(w.command("a1", "LOGIN bob@cassmail.test wrong")).last().asString()
                    .isEqualTo("a1 NO [AUTHENTICATIONFAILED] Invalid credentials");
            assertThat(w.command("a2", "SELECT INBOX")).last().asString().startsWith("a2 BAD SELECT is not allowed before login");
            assertThat(w.command("a3", "FROB")).last().asString().isEqualTo("a3 BAD Unknown command FROB");
            assertThat(w.command("a4", "LOGIN bob@cassmail.test secret")).last().asString().startsWith("a4 OK [CAPABILITY");
            assertThat(w.command("a5", "SELECT Nowhere")).last().asString()
                    .isEqualTo("a5 NO [NONEXISTENT] No folder named Nowhere");
            assertThat(w.command("a6", "CREATE INBOX")).last().asString().startsWith("a6 NO [ALREADYEXISTS]");
            assertThat(w.command("a7", "FETCH 1 FLAGS")).last().asString().startsWith("a7 BAD FETCH is not allowed without");
            assertThat(w.command("a8", "SELECT INBOX")).last().asString().isEqualTo("a8 OK [READ-WRITE] SELECT completed");
            assertThat(w.command("a9", "FETCH 9 FLAGS")).last().asString().startsWith("a9 NO No message with that number");
            assertThat(w.command("b1", "FETCH 1 (FLAGS")).last().asString().startsWith("b1 BAD");
            // a synchronizing literal over the bound is refused before the client sends it
            w.send("b2 CREATE {9000}");
            assertThat(w.line()).isEqualTo("b2 BAD [TOOBIG] a literal here is at most 8192 octets");
            // a non-synchronizing one within the bound is read and skipped after a refusal
            w.send("b3 FROB {5+}");
            w.send("hello");
            assertThat(w.line()).isEqualTo("b3 BAD Unknown command FROB");
            assertThat(w.command("b4", "NOOP")).last().asString().isEqualTo("b4 OK NOOP completed");
            assertThat(w.command("b5", "UID FETCH 1:* (UID FLAGS RFC822.SIZE)")).hasSize(3);
            List<String> moved = w.command("b7", "MOVE 2 Archive");
            assertThat(moved).contains("* 2 EXPUNGE");
            w.send("b6 " + "X".repeat(5000));
            assertThat(w.line()).startsWith("* BYE [TOOBIG] Command line too long");
        }
    }

    private static String code(List<String> lines, String name) {
        for (String l : lines) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[" + name + " (\\d+)]").matcher(l);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError(name + " not in " + lines);
    }

    @Test
    void qresyncTellsWhatVanishedAndWhatChangedSinceAModseq() throws Exception {
        try (Wire a = new Wire(imap.port()); Wire b = new Wire(imap.port())) {
            a.line();
            b.line();
            a.command("a", "LOGIN bob@cassmail.test secret");
            b.command("a", "LOGIN bob@cassmail.test secret");
            assertThat(a.command("b", "ENABLE QRESYNC")).contains("* ENABLED QRESYNC");
            List<String> selected = a.command("c", "SELECT INBOX");
            String validity = code(selected, "UIDVALIDITY");
            String modseq = code(selected, "HIGHESTMODSEQ");
            List<String> uids = b.command("b", "SELECT INBOX");
            String uidNext = code(uids, "UIDNEXT");
            List<String> fetched = b.command("c", "FETCH 1:2 UID");
            long uid1 = Long.parseLong(fetched.get(0).replaceAll(".*UID (\\d+).*", "$1"));
            long uid2 = Long.parseLong(fetched.get(1).replaceAll(".*UID (\\d+).*", "$1"));
            b.command("d", "STORE 1 +FLAGS.SILENT (\\Flagged)");
            b.command("e", "STORE 2 +FLAGS.SILENT (\\Deleted)");
            assertThat(b.command("f", "EXPUNGE")).contains("* 2 EXPUNGE"); // b did not enable QRESYNC
            // a did: expunges are VANISHED, and flag changes carry their MODSEQ
            List<String> noop = a.command("g", "NOOP");
            assertThat(noop).contains("* VANISHED " + uid2);
            assertThat(noop).anyMatch(l -> l.matches("\\* 1 FETCH \\(UID " + uid1 + " FLAGS \\(\\\\Flagged\\) MODSEQ \\(\\d+\\)\\)"));
            try (Wire c = new Wire(imap.port())) {
                c.line();
                c.command("a", "LOGIN bob@cassmail.test secret");
                c.command("b", "ENABLE QRESYNC");
                List<String> resync = c.command("c", "SELECT INBOX (QRESYNC (" + validity + " " + modseq + " 1:"
                        + (Long.parseLong(uidNext) - 1) + "))");
                assertThat(resync).contains("* VANISHED (EARLIER) " + uid2);
                assertThat(resync).anyMatch(l -> l.startsWith("* 1 FETCH (UID " + uid1 + " FLAGS (\\Flagged) MODSEQ ("));
                List<String> changed = c.command("d", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + modseq + " VANISHED)");
                assertThat(changed.get(0)).isEqualTo("* VANISHED (EARLIER) " + uid2);
                assertThat(changed).hasSize(3);
                assertThat(c.command("e", "SELECT INBOX (QRESYNC (1 " + modseq + "))")).noneMatch(l -> l.contains("VANISHED"))
                        .as("another UIDVALIDITY: a full resync, nothing vanished is claimed");
            }
        }
    }

    @Test
    void aSelectPastTheProcesssListingBudgetIsRefusedAndGivesNothingAway() throws Exception {
        try (ImapTestServer l = ImapTestServer.start(mail, events, "imap.select-memory=400");
             Wire a = new Wire(l.port()); Wire b = new Wire(l.port())) {
            a.line();
            b.line();
            a.command("a", "LOGIN bob@cassmail.test secret");
            b.command("a", "LOGIN bob@cassmail.test secret");
            assertThat(a.command("b", "SELECT INBOX")).last().asString().isEqualTo("b OK [READ-WRITE] SELECT completed");
            assertThat(b.command("b", "SELECT INBOX")).last().asString()
                    .startsWith("b NO [UNAVAILABLE] The server is holding too many folder listings");
            assertThat(a.command("c", "UNSELECT")).last().asString().isEqualTo("c OK UNSELECT completed");
            assertThat(b.command("c", "SELECT INBOX")).last().asString().isEqualTo("c OK [READ-WRITE] SELECT completed");
        }
    }

    @Test
    void utf8ClientsAppendWithTheUtf8DataItemAndSeeUtf8Names() throws Exception {
        try (Wire w = new Wire(imap.port())) {
            w.line();
            w.command("a", "LOGIN bob@cassmail.test secret");
            assertThat(w.command("b", "APPEND INBOX UTF8 (~{5+}\r\nHi:\r\n)")).last().asString()
                    .startsWith("b BAD APPEND's UTF8 data needs ENABLE UTF8=ACCEPT first");
            assertThat(w.command("c", "CREATE Entw&APw-rfe")).last().asString().isEqualTo("c OK CREATE completed");
            assertThat(w.command("d", "ENABLE UTF8=ACCEPT")).contains("* ENABLED UTF8=ACCEPT");
            byte[] message = "Subject: Grüße\r\n\r\nÄ\r\n".getBytes(StandardCharsets.UTF_8);
            w.out.write(("e APPEND \"Entwürfe\" UTF8 (~{" + message.length + "+}\r\n").getBytes(StandardCharsets.UTF_8));
            w.out.write(message);
            w.out.write(")\r\n".getBytes(StandardCharsets.US_ASCII));
            w.out.flush();
            assertThat(w.line()).startsWith("e OK [APPENDUID ");
            assertThat(w.command("f", "LIST \"\" Entw*")).contains("* LIST (\\HasNoChildren) \"/\" \"Entwürfe\"");
        }
    }

    @Test
    void searchFindsWordsInDecodedTextPartsOnly() throws Exception {
        mail.submit("e@example.test", "Subject: encoded\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n"
                + "\r\n--x\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "Sch=C3=B6ne Gr=C3=BC=C3=9Fe\r\n--x\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nRWluIEvkc2VicvZ0Y2hlbg==\r\n--x\r\nContent-Type: application/octet-stream\r\n"
                + "\r\nsecretword in an attachment\r\n--x--\r\n", "bob@cassmail.test");
        deliver();
        try (Wire w = new Wire(imap.port())) {
            w.line();
            w.command("a", "LOGIN bob@cassmail.test secret");
            w.command("b", "SELECT INBOX");
            assertThat(w.command("c", "SEARCH CHARSET UTF-8 BODY \"GRÜSSE\"")).contains("* SEARCH");
            assertThat(w.command("d", "SEARCH CHARSET UTF-8 BODY {7+}\r\ngrüße")).contains("* SEARCH 3");
            assertThat(w.command("e", "SEARCH CHARSET UTF-8 BODY {14+}\r\nkäsebrötchen")).contains("* SEARCH 3"); // base64, ISO-8859-1
            assertThat(w.command("f", "SEARCH BODY secretword")).contains("* SEARCH"); // not text: not searched
            assertThat(w.command("g", "SEARCH TEXT encoded")).contains("* SEARCH 3"); // TEXT covers the header
            assertThat(w.command("h", "SEARCH BODY encoded")).contains("* SEARCH");
            assertThat(w.command("i", "SEARCH OR BODY world BODY \"first body\"")).contains("* SEARCH 1 2");
        }
        try (ImapTestServer tight = ImapTestServer.start(mail, events, "imap.search-budget=300");
             Wire w = new Wire(tight.port())) {
            w.line();
            w.command("a", "LOGIN bob@cassmail.test secret");
            w.command("b", "SELECT INBOX");
            assertThat(w.command("c", "SEARCH BODY nothing")).last().asString()
                    .startsWith("c NO [LIMIT] This search would read more than");
            assertThat(w.command("d", "SEARCH UNSEEN")).last().asString().isEqualTo("d OK SEARCH completed");
        }
    }

    @Test
    void anAccountsHiddenCapabilitiesAreNeitherShownNorEnabled() throws Exception {
        try (ImapTestServer l = ImapTestServer.start(mail, events, "imap.hide-capabilities=COMPRESS",
                "imap.account-hide-capabilities=bob@cassmail.test=CONDSTORE QRESYNC LIST-STATUS;x@y.test=ID");
             Wire w = new Wire(l.port())) {
            assertThat(w.line()).contains("CONDSTORE").doesNotContain("COMPRESS");
            String login = w.command("a", "LOGIN bob@cassmail.test secret").get(0);
            assertThat(login).startsWith("a OK [CAPABILITY").contains("ID").doesNotContain("CONDSTORE")
                    .doesNotContain("QRESYNC").doesNotContain("LIST-STATUS").doesNotContain("COMPRESS");
            assertThat(w.command("b", "ENABLE CONDSTORE UTF8=ACCEPT")).contains("* ENABLED UTF8=ACCEPT");
        }
    }

    @Test
    void anIdlingSessionHearsNewMailAndAnotherSessionsChanges() throws Exception {
        try (Wire idle = new Wire(imap.port()); Wire other = new Wire(imap.port())) {
            idle.line();
            other.line();
            idle.command("a", "LOGIN bob@cassmail.test secret");
            other.command("a", "LOGIN bob@cassmail.test secret");
            assertThat(idle.command("b", "SELECT INBOX")).contains("* 2 EXISTS");
            other.command("b", "SELECT INBOX");
            idle.send("c IDLE");
            assertThat(idle.line()).isEqualTo("+ idling");
            mail.submit("dave@example.test", "Subject: three\r\n\r\nbody\r\n", "bob@cassmail.test");
            deliver();
            assertThat(idle.line()).isEqualTo("* 3 EXISTS");
            assertThat(other.command("d", "STORE 1 +FLAGS.SILENT (\\Flagged)")).last().asString()
                    .isEqualTo("d OK STORE completed");
            assertThat(idle.line()).matches("\\* 1 FETCH \\(UID \\d+ FLAGS \\(\\\\Flagged\\)\\)");
            assertThat(other.command("e", "STORE 2 +FLAGS.SILENT (\\Deleted)")).last().asString().endsWith("OK STORE completed");
            idle.line();
            assertThat(other.command("f", "EXPUNGE")).contains("* 2 EXPUNGE");
            assertThat(idle.line()).isEqualTo("* 2 EXPUNGE");
            assertThat(idle.line()).isEqualTo("* 2 EXISTS");
            idle.send("DONE");
            assertThat(idle.line()).isEqualTo("c OK IDLE terminated");
            // a non-UID FETCH is never followed by EXPUNGE; UID FETCH may be (RFC 9051 §7.4.1)
            other.command("g", "UID STORE 1:* +FLAGS.SILENT (\\Deleted)");
            other.command("h", "EXPUNGE");
            assertThat(idle.command("i", "FETCH 1 FLAGS")).noneMatch(l -> l.contains("EXPUNGE"));
            assertThat(idle.command("j", "UID FETCH 1:* FLAGS")).contains("* 1 EXPUNGE", "* 1 EXPUNGE");
        }
    }
}
