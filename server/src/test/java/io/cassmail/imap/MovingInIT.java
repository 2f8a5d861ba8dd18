package io.cassmail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.auth.PasswordHasher;
import io.cassmail.mailbox.LocalMailboxEvents;
import io.cassmail.testing.ExternalCommand;
import io.cassmail.testing.ImapWire;
import io.cassmail.testing.MemoryMailSystem;
import io.cassmail.testing.PrivateDovecot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Moving in (README "Moving in"): mbsync brings an account with several folders from a Dovecot server into CassMail,
 * and back out to another Dovecot account; every message, folder and flag arrives, and a second run copies nothing.
 */
class MovingInIT {
    static final MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test");
    static final LocalMailboxEvents events = new LocalMailboxEvents();
    static ImapTestServer imap;
    static PrivateDovecot dovecot;

    @BeforeAll
    static void start() throws Exception {
        assertThat(PrivateDovecot.installed()).as("dovecot-imapd is installed (tools/ensure-test-clients)").isTrue();
        mail.accounts.create("mover@cassmail.test", new PasswordHasher(64, 1).hash("pw"));
        mail.accounts.create("sync@cassmail.test", new PasswordHasher(64, 1).hash("pw"));
        imap = ImapTestServer.start(mail, events);
        dovecot = PrivateDovecot.start(Map.of("old@example.test", "pw", "back@example.test", "pw", "sync@example.test", "pw"));
    }

    @AfterAll
    static void stop() {
        if (imap != null) {
            imap.close();
        }
        if (dovecot != null) {
            dovecot.close();
        }
        events.close();
    }

    /** Folder → (subject → flags) as one account shows them over IMAP. */
    static Map<String, Map<String, String>> contents(int port, String user) throws Exception {
        Map<String, Map<String, String>> result = new TreeMap<>();
        try (ImapWire w = new ImapWire(port)) {
            w.command("LOGIN " + user + " pw");
            List<String> folders = new ArrayList<>();
            for (String l : w.command("LIST \"\" \"*\"")) {
                if (l.startsWith("* LIST")) {
                    folders.add(l.substring(l.indexOf("\"/\" ") + 4).replace("\"", ""));
                }
            }
            for (String folder : folders) {
                Map<String, String> messages = new TreeMap<>();
                w.command("EXAMINE \"" + folder + "\"");
                for (String l : w.command("FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")) {
                    if (l.startsWith("* ") && l.contains("FETCH")) {
                        // system flags, sorted: mbsync 1.4 carries no keywords (README "Moving in")
                        String flags = String.join(" ", java.util.Arrays.stream(l.substring(l.indexOf("FLAGS (") + 7,
                                        l.indexOf(')', l.indexOf("FLAGS ("))).split(" "))
                                .filter(f -> f.startsWith("\\") && !f.equals("\\Recent")).sorted().toList());
                        String subject = l.substring(l.indexOf("Subject: ") + 9).split("\r\n")[0];
                        messages.merge(subject, flags, (a, b) -> a + " | " + b);
                    }
                }
                result.put(folder, messages);
            }
        }
        return result;
    }

    static ExternalCommand.Result mbsync(Path dir, int fromPort, String fromUser, int toPort, String toUser)
            throws Exception {
        Path rc = dir.resolve("mbsyncrc");
        Files.writeString(rc, """
                IMAPAccount from
                Host 127.0.0.1
                Port %d
                User %s
                Pass pw
                SSLType None
                AuthMechs LOGIN

                IMAPStore from
                Account from

                IMAPAccount to
                Host 127.0.0.1
                Port %d
                User %s
                Pass pw
                SSLType None
                AuthMechs LOGIN

                IMAPStore to
                Account to

                Channel move
                Far :from:
                Near :to:
                Patterns *
                Create Near
                Sync Pull
                SyncState %s/
                """.formatted(fromPort, fromUser, toPort, toUser, dir));
        return ExternalCommand.run(List.of("mbsync", "-c", rc.toString(), "-V", "move"), null, 120);
    }

    @Test
    void mbsyncBringsEveryFolderMessageAndFlagInAndOutAndNothingTwice() throws Exception {
        try (ImapWire old = new ImapWire(dovecot.imapPort())) {
            old.command("LOGIN old@example.test pw");
            old.command("CREATE Projects");
            old.command("CREATE Projects/2026");
            old.command("CREATE \"Family &- Friends\"");
            String[][] seed = {
                    {"INBOX", "(\\Seen)", "inbox read"}, {"INBOX", "()", "inbox unread"},
                    {"INBOX", "(\\Flagged \\Answered \\Seen)", "inbox flagged"}, {"Sent", "(\\Seen)", "sent one"},
                    {"Projects", "($label1 \\Seen)", "project keyword"}, {"Projects/2026", "(\\Draft)", "deep draft"},
                    {"Family & Friends", "(\\Seen)", "ampersand folder"}, {"Archive", "(\\Seen \\Deleted)", "deleted flag"}};
            for (String[] m : seed) {
                byte[] body = ("From: someone@example.test\r\nSubject: " + m[2] + "\r\nMessage-ID: <" + m[2].replace(' ', '.')
                        + "@example.test>\r\n\r\nbody of " + m[2] + "\r\n").getBytes(StandardCharsets.UTF_8);
                String folder = ModifiedUtf7.encode(m[0]);
                List<String> r = old.command("APPEND \"" + folder + "\" " + m[1] + " {" + body.length + "+}\r\n"
                        + new String(body, StandardCharsets.UTF_8));
                assertThat(r).last().asString().contains("OK");
            }
        }
        Map<String, Map<String, String>> before = contents(dovecot.imapPort(), "old@example.test");
        Path dir = Files.createTempDirectory("mbsync");
        ExternalCommand.Result in = mbsync(dir, dovecot.imapPort(), "old@example.test", imap.port(), "mover@cassmail.test");
        assertThat(in.exit()).as(in.output()).isZero();
        assertThat(contents(imap.port(), "mover@cassmail.test")).isEqualTo(before);
        ExternalCommand.Result again = mbsync(dir, dovecot.imapPort(), "old@example.test", imap.port(), "mover@cassmail.test");
        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(contents(imap.port(), "mover@cassmail.test")).as("a second run copies nothing twice").isEqualTo(before);

        Path back = Files.createTempDirectory("mbsync-back");
        ExternalCommand.Result out = mbsync(back, imap.port(), "mover@cassmail.test", dovecot.imapPort(), "back@example.test");
        assertThat(out.exit()).as(out.output()).isZero();
        assertThat(contents(dovecot.imapPort(), "back@example.test")).isEqualTo(before);
    }

    static ExternalCommand.Result interimap(Path dir) throws Exception {
        Path config = dir.resolve("config");
        Files.writeString(config, """
                database = %1$s/sync.db

                [local]
                type = imap
                host = 127.0.0.1
                port = %2$d
                STARTTLS = NO
                username = sync@example.test
                password = pw

                [remote]
                type = imap
                host = 127.0.0.1
                port = %3$d
                STARTTLS = NO
                username = sync@cassmail.test
                password = pw
                """.formatted(dir, dovecot.imapPort(), imap.port()));
        return ExternalCommand.run(List.of("interimap", "--config=" + config), null, 120);
    }

    /** interimap keeps two servers in step with QRESYNC on both sides (RFC 7162): new mail, flags and expunges, both ways. */
    @Test
    void interimapKeepsDovecotAndCassMailInStepWithQresync() throws Exception {
        Path dir = Files.createTempDirectory("interimap");
        try (ImapWire d = new ImapWire(dovecot.imapPort())) {
            d.command("LOGIN sync@example.test pw");
            d.command("CREATE Lists");
            for (String[] m : new String[][] {{"INBOX", "one"}, {"INBOX", "two"}, {"Lists", "three"}}) {
                byte[] body = ("Subject: " + m[1] + "\r\n\r\nbody " + m[1] + "\r\n").getBytes(StandardCharsets.UTF_8);
                d.append(m[0], body);
            }
        }
        ExternalCommand.Result first = interimap(dir);
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(contents(imap.port(), "sync@cassmail.test")).isEqualTo(contents(dovecot.imapPort(), "sync@example.test"));
        assertThat(contents(imap.port(), "sync@cassmail.test").get("INBOX")).containsOnlyKeys("one", "two");

        // a flag set and a message expunged in CassMail, a new message in Dovecot
        try (ImapWire c = new ImapWire(imap.port()); ImapWire d = new ImapWire(dovecot.imapPort())) {
            c.command("LOGIN sync@cassmail.test pw");
            c.command("SELECT INBOX");
            c.command("STORE 1 +FLAGS (\\Flagged)");
            c.command("STORE 2 +FLAGS (\\Deleted)");
            c.command("EXPUNGE");
            d.command("LOGIN sync@example.test pw");
            d.append("Lists", "Subject: four\r\n\r\nbody four\r\n".getBytes(StandardCharsets.UTF_8));
        }
        ExternalCommand.Result second = interimap(dir);
        assertThat(second.exit()).as(second.output()).isZero();
        Map<String, Map<String, String>> both = contents(dovecot.imapPort(), "sync@example.test");
        assertThat(contents(imap.port(), "sync@cassmail.test")).isEqualTo(both);
        assertThat(both.get("INBOX")).containsOnlyKeys("one").containsEntry("one", "\\Flagged");
        assertThat(both.get("Lists")).containsOnlyKeys("three", "four");
    }

    /** offlineimap3 mirrors a CassMail account into a local Maildir: every message once, flags in the file names. */
    @Test
    void offlineimapMirrorsAnAccountIntoAMaildir() throws Exception {
        mail.accounts.create("offline@cassmail.test", new PasswordHasher(64, 1).hash("pw"));
        try (ImapWire c = new ImapWire(imap.port())) {
            c.command("LOGIN offline@cassmail.test pw");
            c.command("CREATE Work");
            c.append("INBOX", "Subject: a\r\n\r\nbody a\r\n".getBytes(StandardCharsets.UTF_8));
            c.append("INBOX", "Subject: b\r\n\r\nbody b\r\n".getBytes(StandardCharsets.UTF_8));
            c.append("Work", "Subject: c\r\n\r\nbody c\r\n".getBytes(StandardCharsets.UTF_8));
            c.command("SELECT INBOX");
            c.command("STORE 1 +FLAGS (\\Seen \\Flagged)");
        }
        Path dir = Files.createTempDirectory("offlineimap");
        Path rc = dir.resolve("offlineimaprc");
        Files.writeString(rc, """
                [general]
                accounts = cassmail
                metadata = %1$s/meta

                [Account cassmail]
                localrepository = local
                remoterepository = remote

                [Repository local]
                type = Maildir
                localfolders = %1$s/mail

                [Repository remote]
                type = IMAP
                remotehost = 127.0.0.1
                remoteport = %2$d
                remoteuser = offline@cassmail.test
                remotepass = pw
                ssl = no
                starttls = no
                """.formatted(dir, imap.port()));
        for (int run = 0; run < 2; run++) {
            ExternalCommand.Result r = ExternalCommand.run(List.of("offlineimap", "-c", rc.toString(), "-o", "-u", "basic"),
                    null, 120);
            assertThat(r.exit()).as(r.output()).isZero();
        }
        assertThat(maildir(dir.resolve("mail/INBOX"))).hasSize(2).anyMatch(n -> n.startsWith("cur/") && n.endsWith(":2,FS"))
                .anyMatch(n -> n.startsWith("new/")); // unseen mail stays in new/
        assertThat(maildir(dir.resolve("mail/Work"))).hasSize(1);
    }

    /** fetchmail downloads an INBOX over IMAP to an MDA, then deletes it on the server (its default), once. */
    @Test
    void fetchmailDownloadsAndDeletes() throws Exception {
        mail.accounts.create("fetch@cassmail.test", new PasswordHasher(64, 1).hash("pw"));
        try (ImapWire c = new ImapWire(imap.port())) {
            c.command("LOGIN fetch@cassmail.test pw");
            for (String subject : List.of("f1", "f2", "f3")) {
                c.append("INBOX", ("Subject: " + subject + "\r\n\r\nbody " + subject + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        Path dir = Files.createTempDirectory("fetchmail");
        Path rc = dir.resolve("fetchmailrc");
        Path out = dir.resolve("mbox");
        Files.writeString(rc, "poll 127.0.0.1 service " + imap.port() + " protocol IMAP auth password\n"
                + "  user \"fetch@cassmail.test\" password \"pw\" sslproto '' mda \"cat >> " + out + "\"\n");
        Files.setPosixFilePermissions(rc, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        ExternalCommand.Result r = ExternalCommand.run(List.of("fetchmail", "-f", rc.toString(), "--nosyslog",
                "--pidfile", dir.resolve("pid").toString()), Map.of("HOME", dir.toString()), null, 120);
        assertThat(r.exit()).as(r.output()).isZero();
        String mbox = Files.readString(out);
        assertThat(mbox).contains("Subject: f1").contains("Subject: f2").contains("Subject: f3");
        assertThat(contents(imap.port(), "fetch@cassmail.test").get("INBOX")).isEmpty();
        ExternalCommand.Result again = ExternalCommand.run(List.of("fetchmail", "-f", rc.toString(), "--nosyslog",
                "--pidfile", dir.resolve("pid").toString()), Map.of("HOME", dir.toString()), null, 120);
        assertThat(again.exit()).as("1: no mail. " + again.output()).isEqualTo(1);
        assertThat(Files.readString(out)).isEqualTo(mbox);
    }

    /** What a tmux pane shows now. */
    private static String pane(String session) throws Exception {
        return ExternalCommand.run(List.of("tmux", "capture-pane", "-p", "-t", session), null, 30).output();
    }

    private static void keys(String session, String... keys) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tmux", "send-keys", "-t", session));
        cmd.addAll(List.of(keys));
        ExternalCommand.run(cmd, null, 30);
    }

    private static String shows(String session, String text) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        String shown = "";
        while (System.nanoTime() < deadline) {
            shown = pane(session);
            if (shown.contains(text)) {
                return shown;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("'" + text + "' not shown by mutt within 30 s; the screen:\n" + shown);
    }

    /** mutt, driven in tmux as a person would: the index, a message, a delete synced to the server. */
    @Test
    void muttInTmuxListsReadsAndDeletes() throws Exception {
        mail.accounts.create("mutt@cassmail.test", new PasswordHasher(64, 1).hash("pw"));
        try (ImapWire c = new ImapWire(imap.port())) {
            c.command("LOGIN mutt@cassmail.test pw");
            c.append("INBOX", "From: Ann <ann@example.test>\r\nSubject: first from ann\r\n\r\nhello from ann\r\n"
                    .getBytes(StandardCharsets.UTF_8));
            c.append("INBOX", "From: Bo <bo@example.test>\r\nSubject: second from bo\r\n\r\nhello from bo\r\n"
                    .getBytes(StandardCharsets.UTF_8));
        }
        Path dir = Files.createTempDirectory("mutt");
        Path rc = dir.resolve("muttrc");
        Files.writeString(rc, String.join("\n",
                "set imap_user = \"mutt@cassmail.test\"",
                "set imap_pass = \"pw\"",
                "set folder = \"imap://127.0.0.1:" + imap.port() + "/\"",
                "set spoolfile = \"+INBOX\"",
                "set ssl_starttls = no",
                "set ssl_force_tls = no",
                "set imap_idle = yes",
                "set delete = yes",
                "set quit = yes",
                "set header_cache = \"\"",
                "set message_cachedir = \"\"", ""));
        String session = "cassmail-mutt-" + ProcessHandle.current().pid();
        ExternalCommand.run(List.of("tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "40",
                "TERM=xterm mutt -n -F " + rc), null, 30);
        try {
            String index = shows(session, "second from bo");
            assertThat(index).contains("first from ann");
            keys(session, "Enter");
            shows(session, "hello from");
            keys(session, "q");
            shows(session, "second from bo");
            keys(session, "d");
            keys(session, "$");
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (contents(imap.port(), "mutt@cassmail.test").get("INBOX").size() != 1 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(contents(imap.port(), "mutt@cassmail.test").get("INBOX")).hasSize(1);
            keys(session, "q");
        } finally {
            ExternalCommand.run(List.of("tmux", "kill-session", "-t", session), null, 30);
        }
    }

    /** The files of a Maildir folder as {@code cur/NAME} and {@code new/NAME}. */
    private static List<String> maildir(Path folder) throws java.io.IOException {
        List<String> names = new ArrayList<>();
        for (String sub : List.of("cur", "new")) {
            try (var files = Files.list(folder.resolve(sub))) {
                files.forEach(f -> names.add(sub + "/" + f.getFileName()));
            }
        }
        return names;
    }
}
