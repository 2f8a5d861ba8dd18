package io.cassmail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.auth.PasswordHasher;
import io.cassmail.mailbox.LocalMailboxEvents;
import io.cassmail.testing.ImapWire;
import io.cassmail.testing.MemoryMailSystem;
import io.cassmail.testing.PrivateDovecot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same tricky messages APPENDed to CassMail and to a private Dovecot: ENVELOPE, BODYSTRUCTURE and body sections
 * must come back the same, byte for byte. README "IMAP behaviour" names the differences RFC 9051 allows.
 */
class DovecotDifferentialIT {
    static final MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test");
    static final LocalMailboxEvents events = new LocalMailboxEvents();
    static ImapTestServer imap;
    static PrivateDovecot dovecot;
    static final List<byte[]> MESSAGES = messages();

    @BeforeAll
    static void start() throws Exception {
        assertThat(PrivateDovecot.installed()).as("dovecot-imapd is installed (tools/ensure-test-clients)").isTrue();
        mail.accounts.create("diff@cassmail.test", new PasswordHasher(64, 1).hash("pw"));
        imap = ImapTestServer.start(mail, events);
        dovecot = PrivateDovecot.start(Map.of("diff@cassmail.test", "pw"));
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

    static List<byte[]> messages() {
        List<String> m = new ArrayList<>();
        m.add("Return-Path: <a@example.test>\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n"
                + "From: \"Doe, John\" <john@example.test>, =?UTF-8?Q?J=C3=B6rg?= <joerg@example.test>\r\n"
                + "Sender: sec@example.test (Secretary)\r\nReply-To: list@example.test\r\n"
                + "To: undisclosed-recipients:;\r\nCc: Team: a@example.test, \"B\" <b@example.test>;, c@example.test\r\n"
                + "Subject: =?ISO-8859-1?Q?caf=E9?= and a long subject that is folded\r\n over two lines\r\n"
                + "Message-ID: <1@example.test>\r\nIn-Reply-To: <0@example.test>\r\n"
                + "References: <a@example.test> <b@example.test> <c@example.test> <d@example.test>\r\n"
                + "\t<e@example.test> <f@example.test>\r\n\r\nHello\r\nWorld\r\n");
        m.add("From: a@example.test\r\nTo: b@example.test\r\nSubject: nested\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\nThis is a preamble.\r\n--outer\r\n"
                + "Content-Type: multipart/alternative; boundary=inner\r\n\r\n--inner\r\n"
                + "Content-Type: text/plain; charset=\"utf-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "Gr=C3=BC=C3=9Fe\r\n--inner\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hi</p>\r\n--inner--\r\n"
                + "--outer\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n"
                + "Content-Disposition: attachment; filename=\"data.bin\"; size=4\r\nContent-Transfer-Encoding: base64\r\n"
                + "Content-ID: <part@example.test>\r\nContent-Description: some data\r\nContent-Language: en, de\r\n"
                + "Content-Location: http://example.test/data.bin\r\nContent-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\n\r\n"
                + "AAECAw==\r\n--outer--\r\nAn epilogue.\r\n");
        m.add("From: a@example.test\r\nSubject: forwarded\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n"
                + "--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@example.test\r\nTo: x@example.test\r\n"
                + "Subject: inner\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=c\r\n\r\n"
                + "--c\r\nContent-Type: text/plain\r\n\r\ninner text\r\n--c\r\nContent-Type: text/html\r\n\r\n<b>x</b>\r\n"
                + "--c--\r\n\r\n--b--\r\n");
        m.add("From: =?UTF-8?B?w4RsaWNl?= <alice@example.test>\r\nSubject: 8bit\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8; format=flowed\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "Grüße aus Köln\r\n€ und ½\r\n");
        m.add("Subject: digest\r\nMIME-Version: 1.0\r\nContent-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\n"
                + "From: one@example.test\r\nSubject: one\r\n\r\nfirst\r\n--d\r\n\r\nFrom: two@example.test\r\nSubject: two\r\n\r\n"
                + "second\r\n--d--\r\n");
        m.add("From: a@example.test\r\nSubject: no final newline\r\n\r\nlast line without CRLF");
        StringBuilder big = new StringBuilder("From: a@example.test\r\nSubject: big\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=big\r\n\r\n--big\r\nContent-Type: text/plain\r\n\r\nattached\r\n"
                + "--big\r\nContent-Type: application/zip; name=big.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        byte[] random = new byte[5 * 1024 * 1024 * 3 / 4];
        new Random(7).nextBytes(random);
        String b64 = Base64.getMimeEncoder().encodeToString(random);
        big.append(b64).append("\r\n--big--\r\n");
        m.add(big.toString());
        return m.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    static final List<String> ITEMS = List.of("ENVELOPE", "BODYSTRUCTURE", "BODY", "RFC822.SIZE", "BODY.PEEK[]",
            "BODY.PEEK[HEADER]", "BODY.PEEK[TEXT]", "BODY.PEEK[1]", "BODY.PEEK[1.MIME]", "BODY.PEEK[2]",
            "BODY.PEEK[2.MIME]", "BODY.PEEK[1.1]", "BODY.PEEK[1.2]", "BODY.PEEK[2.HEADER]", "BODY.PEEK[2.TEXT]",
            "BODY.PEEK[2.1]", "BODY.PEEK[2.2]", "BODY.PEEK[HEADER.FIELDS (From Subject)]",
            "BODY.PEEK[HEADER.FIELDS.NOT (From Subject)]", "BODY.PEEK[]<10.20>", "BODY.PEEK[TEXT]<3.100000000>",
            "BODY.PEEK[1]<2.3>", "RFC822.HEADER", "FLAGS");

    /**
     * BINARY of leaf parts (message number: sections). Of a multipart, Dovecot decodes every part inside and
     * rewrites their headers, CassMail sends the part's bytes as they are (README "IMAP behaviour").
     */
    static final Map<Integer, List<String>> BINARY = Map.of(
            1, List.of("BINARY.PEEK[1]", "BINARY.SIZE[1]", "BINARY.PEEK[]"),
            2, List.of("BINARY.PEEK[1.1]", "BINARY.SIZE[1.1]", "BINARY.PEEK[1.2]", "BINARY.PEEK[2]", "BINARY.SIZE[2]",
                    "BINARY.PEEK[2]<1.3>"),
            4, List.of("BINARY.PEEK[1]", "BINARY.SIZE[1]"),
            7, List.of("BINARY.PEEK[1]", "BINARY.SIZE[2]", "BINARY.PEEK[2]<1000.5000>"));

    /** The FETCH data of one item, without the message number; the tagged answer's status when there is none. */
    static String fetch(ImapWire w, int msn, String item) throws Exception {
        List<String> r = w.command("FETCH " + msn + " (" + item + ")");
        String tagged = r.get(r.size() - 1);
        for (String line : r) {
            if (line.startsWith("* " + msn + " FETCH (")) {
                return line.substring(("* " + msn + " FETCH ").length());
            }
        }
        return "no data; " + tagged.substring(tagged.indexOf(' ') + 1, Math.min(tagged.length(), tagged.indexOf(' ') + 3));
    }

    @Test
    void envelopesStructuresAndSectionsMatchDovecotByteForByte() throws Exception {
        try (ImapWire c = new ImapWire(imap.port()); ImapWire d = new ImapWire(dovecot.imapPort())) {
            assertThat(c.command("LOGIN diff@cassmail.test pw")).last().asString().contains("OK");
            assertThat(d.command("LOGIN diff@cassmail.test pw")).last().asString().contains("OK");
            for (byte[] message : MESSAGES) {
                assertThat(c.append("INBOX", message)).contains("OK");
                assertThat(d.append("INBOX", message)).contains("OK");
            }
            assertThat(c.command("SELECT INBOX")).last().asString().contains("OK");
            assertThat(d.command("SELECT INBOX")).last().asString().contains("OK");
            List<String> differences = new ArrayList<>();
            for (int msn = 1; msn <= MESSAGES.size(); msn++) {
                List<String> items = new ArrayList<>(ITEMS);
                items.addAll(BINARY.getOrDefault(msn, List.of()));
                for (String item : items) {
                    String raw = fetch(c, msn, item);
                    if (item.endsWith("<1000.5000>")) {
                        assertThat(raw).as("random bytes hold a NUL: literal8 (RFC 3516)").contains("~{5000}\r\n");
                    }
                    String ours = canonical(raw);
                    String theirs = canonical(fetch(d, msn, item));
                    if (!ours.equals(theirs)) {
                        differences.add("message " + msn + " " + item + ":\n  CassMail: " + abbreviate(ours)
                                + "\n  Dovecot:  " + abbreviate(theirs));
                    }
                }
            }
            assertThat(differences).as(String.join("\n", differences)).isEmpty();
        }
    }

    /**
     * What the RFC lets servers choose, made equal: a literal and a quoted string of the same bytes (RFC 9051 §4.3),
     * and \Recent, which CassMail does not keep (RFC 9051 deprecates it, Appendix E).
     */
    static String canonical(String data) {
        StringBuilder out = new StringBuilder();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("~?\\{(\\d+)}\r\n").matcher(data);
        int at = 0;
        while (m.find(at)) {
            out.append(data, at, m.start());
            int n = Integer.parseInt(m.group(1));
            String bytes = data.substring(m.end(), m.end() + n);
            out.append('"').append(bytes.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            at = m.end() + n;
        }
        out.append(data.substring(at));
        return out.toString().replace(" \\Recent", "").replace("\\Recent", "");
    }

    private static String abbreviate(String s) {
        return s.length() > 600 ? s.substring(0, 600) + "... (" + s.length() + " chars)" : s;
    }
}
