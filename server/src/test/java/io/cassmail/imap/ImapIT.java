package io.cassmail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cassmail.app.Role;
import io.cassmail.testing.ExternalCommand;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.ServerProcess;
import io.cassmail.testing.SmtpLineClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** IMAP against real Cassandra and RabbitMQ: python's imaplib, and two front ends that see each other's changes. */
class ImapIT {
    static MailStack stack;

    @BeforeAll
    static void start() {
        stack = MailStack.create("imap", "imap.auth-failure-delay=200ms")
                .withDomain("cassmail.test").withUser("alice@cassmail.test", "alice-secret")
                .start(Role.SMTP, Role.WORKER, Role.IMAP);
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    /** Sends each body over SMTP and waits until it is in the user's INBOX before sending the next. */
    private List<UUID> deliver(String user, String... bodies) throws Exception {
        List<UUID> ids = new ArrayList<>();
        try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
            c.expect("220");
            c.send("EHLO client.test").expect("250");
            for (String body : bodies) {
                UUID id = Mail.send(c, "alice@cassmail.test", user, body);
                ids.add(id);
                // one at a time: two workers deliver in parallel, and the tests count on sequence numbers in send order
                await().atMost(Duration.ofSeconds(60)).until(() -> Mail.inbox(stack.mailboxes, user).contains(id));
            }
        }
        return ids;
    }

    @Test
    void pythonImaplibReadsSearchesFilesAndAppends() throws Exception {
        String user = "py@cassmail.test";
        stack.withUser(user, "pw-py");
        deliver(user, "Subject: hello\r\nFrom: alice@cassmail.test\r\n\r\nfirst message\r\n",
                "Subject: second\r\nFrom: alice@cassmail.test\r\n\r\nneedle in here\r\n");
        String script = """
                import imaplib, sys
                m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
                m.login('py@cassmail.test', 'pw-py')
                typ, folders = m.list()
                print('LIST', sorted(f.decode().split(' "/" ')[1].strip('"') for f in folders))
                typ, data = m.select('INBOX')
                print('SELECT', typ, data[0].decode())
                typ, data = m.search(None, 'BODY', 'needle')
                print('SEARCH', data[0].decode())
                typ, data = m.fetch('1', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)] FLAGS)')
                print('FETCH', data[0][1].decode().strip())
                typ, data = m.store('1', '+FLAGS', '(\\\\Seen $Important)')
                print('STORE', data[0].decode())
                typ, data = m.copy('2', 'Archive')
                print('COPY', typ, data[0].decode())
                typ, data = m.append('Drafts', '(\\\\Draft)', None, b'Subject: draft\\r\\n\\r\\nbody\\r\\n')
                print('APPEND', typ, data[0].decode())
                typ, data = m.status('Archive', '(MESSAGES UIDNEXT UNSEEN)')
                print('STATUS', data[0].decode())
                m.store('2', '+FLAGS', '(\\\\Deleted)')
                typ, data = m.expunge()
                print('EXPUNGE', [d.decode() for d in data if d])
                m.logout()
                """;
        ExternalCommand.Result r = ExternalCommand.run(List.of("python3", "-c", script,
                String.valueOf(stack.port("imap"))), null, 60);
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output())
                .contains("LIST ['Archive', 'Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']")
                .contains("SELECT OK 2")
                .contains("SEARCH 2")
                .contains("FETCH Subject: hello")
                .containsPattern("STORE 1 \\(FLAGS \\(\\\\Seen \\$Important\\)")
                .containsPattern("COPY OK \\[COPYUID \\d+ \\d+ 1\\]")
                .containsPattern("APPEND OK \\[APPENDUID \\d+ 1\\]")
                .contains("STATUS \"Archive\" (MESSAGES 1 UIDNEXT 2 UNSEEN 1)")
                .contains("EXPUNGE ['2']");
        assertThat(Mail.inbox(stack.mailboxes, user)).hasSize(1);
    }

    @Test
    void aStructureParsedOnceIsStoredWithTheMessageAndACellLeftAfterItsDeletionShowsNothing() throws Exception {
        String user = "structure@cassmail.test";
        stack.withUser(user, "pw-structure");
        UUID id = deliver(user, "Subject: parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n"
                + "--z\r\nContent-Type: text/plain\r\n\r\none\r\n--z\r\nContent-Type: text/html\r\n\r\n<i>two</i>\r\n--z--\r\n")
                .get(0);
        assertThat(stack.messages.structure(id)).isEmpty();
        String structure;
        try (Wire w = new Wire(stack.port("imap"))) {
            w.command("a", "LOGIN " + user + " pw-structure");
            w.command("b", "SELECT INBOX");
            structure = w.command("c", "FETCH 1 BODYSTRUCTURE").get(0);
            assertThat(structure).contains("\"mixed\"");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> stack.messages.structure(id).isPresent());
        // what another process would answer from the stored structure alone
        MimePart stored = StructureCodec.decode(stack.messages.structure(id).get()).orElseThrow();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ImapWriter writer = new ImapWriter(out);
        FetchFormats.structure(writer, stored, true, false);
        writer.flush();
        assertThat(structure).contains(out.toString(StandardCharsets.UTF_8));
        stack.messages.delete(id);
        stack.messages.saveStructure(id, new byte[] {1}, Duration.ofMinutes(1)); // a session that parsed it just before
        assertThat(stack.messages.find(id)).isEmpty();
        assertThat(stack.messages.structure(id)).isEmpty();
    }

    /** A raw IMAP connection. */
    private static final class Wire implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Wire(int port) throws Exception {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
            assertThat(in.readLine()).startsWith("* OK");
        }

        void send(String line) throws Exception {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        List<String> command(String tag, String text) throws Exception {
            send(tag + " " + text);
            List<String> lines = new ArrayList<>();
            String l;
            while ((l = in.readLine()) != null) {
                lines.add(l);
                if (l.startsWith(tag + " ")) {
                    break;
                }
            }
            return lines;
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    @Test
    void anIdlingSessionOnAnotherFrontEndSeesNewMailAndFlagChanges() throws Exception {
        String user = "idle@cassmail.test";
        stack.withUser(user, "pw-idle");
        deliver(user, "Subject: one\r\n\r\nbody\r\n");
        int port = ServerProcess.freePort();
        List<String> settings = new ArrayList<>(stack.settings);
        settings.add("imap.port=" + port);
        try (ServerProcess other = ServerProcess.start("imap-other", settings, "imap")) {
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
                try (Wire w = new Wire(port)) {
                    return true;
                }
            });
            try (Wire idle = new Wire(port); Wire here = new Wire(stack.port("imap"))) {
                assertThat(idle.command("a", "LOGIN " + user + " pw-idle")).last().asString().startsWith("a OK");
                assertThat(here.command("a", "LOGIN " + user + " pw-idle")).last().asString().startsWith("a OK");
                assertThat(idle.command("b", "SELECT INBOX")).contains("* 1 EXISTS");
                here.command("b", "SELECT INBOX");
                idle.send("c IDLE");
                assertThat(idle.in.readLine()).isEqualTo("+ idling");
                long sent = System.nanoTime();
                deliver(user, "Subject: two\r\n\r\nbody\r\n");
                assertThat(idle.in.readLine()).isEqualTo("* 2 EXISTS");
                long millis = (System.nanoTime() - sent) / 1_000_000;
                System.out.println("IMAP IDLE on another front end heard SMTP mail " + millis
                        + " ms after the SMTP transaction began (including delivery)");
                assertThat(here.command("d", "STORE 1 +FLAGS (\\Flagged)")).last().asString().endsWith("OK STORE completed");
                assertThat(idle.in.readLine()).matches("\\* 1 FETCH \\(UID 1 FLAGS \\(\\\\Flagged\\)\\)");
                idle.send("DONE");
                assertThat(idle.in.readLine()).isEqualTo("c OK IDLE terminated");
                assertThat(idle.command("e", "LOGOUT")).contains("* BYE CassMail IMAP server signing off");
            }
        }
    }
}
