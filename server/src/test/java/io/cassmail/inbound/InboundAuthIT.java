package io.cassmail.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cassmail.app.Role;
import io.cassmail.testing.ExternalCommand;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.PrivateDnsmasq;
import io.cassmail.testing.SmtpLineClient;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPF, DKIM and DMARC on the MX against real DNS (dnsmasq on loopback serving the records), with messages signed by
 * an independent DKIM implementation (python3-dkim), sent from several 127.0.0.x addresses as different servers
 * would, and stored in Cassandra by a real worker: the Authentication-Results: each outcome gets, a DMARC reject
 * refused at the end of DATA, a DMARC quarantine filed in Junk, a forged Authentication-Results: removed, and a
 * client on a DNS blocklist refused at RCPT.
 */
class InboundAuthIT {
    private static final String AUTHSERV = "mx.cassmail.test";
    @TempDir
    static Path dir;
    private static PrivateDnsmasq dns;
    private static MailStack stack;
    private static Path key;
    private static String edSeed;

    @BeforeAll
    static void start() throws Exception {
        key = dir.resolve("good.key");
        run(List.of("openssl", "genrsa", "-traditional", "-out", key.toString(), "2048"));
        String der = run(List.of("sh", "-c", "openssl rsa -in " + key + " -pubout -outform DER 2>/dev/null | base64 -w0"));
        String[] ed = run(List.of("/usr/bin/python3", "-c", "import nacl.signing,base64\n"
                + "k=nacl.signing.SigningKey.generate()\nprint(base64.b64encode(bytes(k)).decode(),"
                + " base64.b64encode(bytes(k.verify_key)).decode())")).strip().split(" ");
        edSeed = ed[0];
        dns = new PrivateDnsmasq(dir.resolve("dns"))
                // good.test: mail from 127.0.0.5, signed with selector s1, DMARC reject
                .txt("good.test", "v=spf1 ip4:127.0.0.5 -all")
                .txt("s1._domainkey.good.test", "v=DKIM1; k=rsa; p=" + der.strip())
                .txt("ed1._domainkey.good.test", "v=DKIM1; k=ed25519; p=" + ed[1])
                .txt("_dmarc.good.test", "v=DMARC1; p=reject")
                // bank.test: only 127.0.0.5 sends for it, DMARC reject
                .txt("bank.test", "v=spf1 ip4:127.0.0.5 -all")
                .txt("_dmarc.bank.test", "v=DMARC1; p=reject; adkim=s")
                // shady.test: DMARC quarantine, applies to subdomains through the organisational domain
                .txt("shady.test", "v=spf1 -all")
                .txt("_dmarc.shady.test", "v=DMARC1; p=quarantine")
                // a DNS blocklist listing 127.0.0.2 (RFC 5782's test entry)
                .a("2.0.0.127.zen.test", "127.0.0.2")
                .txt("2.0.0.127.zen.test", "listed for testing")
                .start();
        stack = MailStack.create("InboundAuthIT", "dns=" + dns.address(), "inbound.trusted-networks=",
                "inbound.authserv-id=" + AUTHSERV, "dnsbl=zen.test", "dns.timeout=3s")
                .withDomain("cassmail.test").withUser("bob@cassmail.test").start(Role.SMTP, Role.WORKER);
    }

    @AfterAll
    static void stop() throws Exception {
        MailStack.closeAll(stack, dns);
    }

    @Test
    void aMessageSignedByItsDomainAndSentFromItsServerPassesAll() throws Exception {
        String stored = storedText(deliver("127.0.0.5", "news@good.test", signed(message("news@good.test", "hello"))),
                "INBOX");
        String results = authenticationResults(stored);
        assertThat(results).startsWith("Authentication-Results: " + AUTHSERV + ";")
                .contains("spf=pass smtp.mailfrom=news@good.test")
                .contains("dkim=pass header.d=good.test header.s=s1")
                .contains("dmarc=pass (p=reject dis=none) header.from=good.test");
    }

    @Test
    void anEd25519SignatureFromAnotherServerPassesDkimAndSoDmarc() throws Exception {
        Path seed = dir.resolve("ed1.key");
        Files.writeString(seed, edSeed);
        String results = authenticationResults(storedText(deliver("127.0.0.6", "news@good.test",
                signed(message("news@good.test", "forwarded"), "ed1", seed, "ed25519-sha256")), "INBOX"));
        assertThat(results).contains("spf=fail").contains("dkim=pass header.d=good.test header.s=ed1")
                .contains("dmarc=pass");
    }

    @Test
    void aSignedMessageAlteredAfterSigningFailsDkimButPassesDmarcThroughSpf() throws Exception {
        String altered = signed(message("news@good.test", "pay invoice 100")).replace("pay invoice 100", "pay invoice 900");
        String results = authenticationResults(storedText(deliver("127.0.0.5", "news@good.test", altered), "INBOX"));
        assertThat(results).contains("dkim=fail (body hash did not verify) header.d=good.test")
                .contains("spf=pass").contains("dmarc=pass");
    }

    @Test
    void theAlteredMessageFromAnotherServerIsRefusedByDmarc() throws Exception {
        String altered = signed(message("news@good.test", "pay invoice 100")).replace("pay invoice 100", "pay invoice 900");
        assertThat(refusal("127.0.0.6", "news@good.test", altered))
                .startsWith("550 5.7.1 Message rejected: the DMARC policy of good.test is reject");
    }

    @Test
    void aForgedFromOfADomainWithDmarcRejectIsRefusedAtTheEndOfData() throws Exception {
        assertThat(refusal("127.0.0.6", "ceo@bank.test", message("CEO <ceo@bank.test>", "urgent wire transfer")))
                .startsWith("550 5.7.1").contains("bank.test");
    }

    @Test
    void aDisplayNameThatLooksLikeAnAddressDoesNotChangeTheDomainDmarcJudges() throws Exception {
        assertThat(refusal("127.0.0.6", "x@nowhere.test", message("\"<x@nowhere.test>\" <ceo@bank.test>", "wire")))
                .startsWith("550 5.7.1 Message rejected: the DMARC policy of bank.test is reject");
    }

    @Test
    void aDmarcQuarantineIsFiledInJunk() throws Exception {
        UUID id = deliver("127.0.0.7", "promo@mail.shady.test", message("promo@mail.shady.test", "deal"));
        String results = authenticationResults(storedText(id, "Junk"));
        assertThat(results).contains("spf=none smtp.mailfrom=promo@mail.shady.test").contains("dkim=none")
                .contains("dmarc=fail (p=quarantine dis=quarantine) header.from=mail.shady.test");
        assertThat(Mail.inbox(stack.mailboxes, "bob@cassmail.test")).doesNotContain(id);
    }

    @Test
    void aForgedAuthenticationResultsNamingThisServerIsRemovedAndOthersKept() throws Exception {
        String forged = "Authentication-Results: " + AUTHSERV + "; dkim=pass header.d=bank.test; dmarc=pass\r\n"
                + "Authentication-Results: mx.elsewhere.test; spf=pass\r\n"
                + message("someone@nowhere.test", "trust me");
        String stored = storedText(deliver("127.0.0.8", "someone@nowhere.test", forged), "INBOX");
        String head = stored.substring(0, stored.indexOf("\r\n\r\n"));
        assertThat(head.split("Authentication-Results: " + AUTHSERV, -1)).hasSize(2);
        assertThat(authenticationResults(stored)).contains("spf=none").contains("dmarc=none")
                .doesNotContain("header.d=bank.test");
        assertThat(head).contains("Authentication-Results: mx.elsewhere.test; spf=pass");
    }

    @Test
    void aMessageLargerThanAChunkIsStoredWholeBehindItsTraceFields() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() < 400_000; i++) {
            body.append("line ").append(i).append(" of a long message body\r\n");
        }
        String original = message("someone@nowhere.test", "big") + body;
        UUID id = deliver("127.0.0.8", "someone@nowhere.test", original);
        String stored = storedText(id, "INBOX");
        assertThat(stored).startsWith("Authentication-Results: " + AUTHSERV + ";").endsWith(original);
        String trace = stored.substring(0, stored.length() - original.length());
        assertThat(trace).contains("\r\nReceived: from ").endsWith("\r\n");
        assertThat(stack.messages.find(id).orElseThrow().size()).isEqualTo(stored.length());
    }

    @Test
    void aClientOnADnsBlocklistIsRefusedAtRcptWithPostfixsReply() throws Exception {
        try (SmtpLineClient c = SmtpLineClient.from("127.0.0.2", stack.smtpPort())) {
            c.expect("220");
            c.send("EHLO listed.test").expect("250");
            c.send("MAIL FROM:<x@listed.test>").expect("250");
            assertThat(c.send("RCPT TO:<bob@cassmail.test>").reply()).isEqualTo(
                    "554 5.7.1 Service unavailable; Client host [127.0.0.2] blocked using zen.test; listed for testing");
        }
    }

    private static String message(String from, String text) {
        return "From: " + from + "\r\nTo: bob@cassmail.test\r\nSubject: " + text + "\r\nMessage-ID: <"
                + UUID.randomUUID() + "@test>\r\n\r\n" + text + "\r\nsecond line\r\n";
    }

    /** The message with a DKIM-Signature made by python3-dkim (d=good.test, s=s1, rsa-sha256, relaxed/simple). */
    private static String signed(String message) throws Exception {
        return signed(message, "s1", key, "rsa-sha256");
    }

    private static String signed(String message, String selector, Path privateKey, String algorithm) throws Exception {
        Path in = Files.createTempFile(dir, "msg", ".eml");
        Files.writeString(in, message, StandardCharsets.ISO_8859_1);
        String script = "import dkim,sys\nm=open(sys.argv[1],'rb').read()\nk=open(sys.argv[2],'rb').read()\n"
                + "s=dkim.sign(m,sys.argv[3].encode(),b'good.test',k,canonicalize=(b'relaxed',b'simple'),"
                + "signature_algorithm=sys.argv[4].encode(),"
                + "include_headers=[b'from',b'to',b'subject',b'message-id'])\nsys.stdout.write((s+m).decode('latin-1'))\n";
        return run(List.of("/usr/bin/python3", "-c", script, in.toString(), privateKey.toString(), selector, algorithm));
    }

    private static UUID deliver(String client, String mailFrom, String data) throws Exception {
        String reply = send(client, mailFrom, data);
        assertThat(reply).startsWith("250");
        return Mail.queuedId(reply);
    }

    private static String refusal(String client, String mailFrom, String data) throws Exception {
        String reply = send(client, mailFrom, data);
        assertThat(reply).doesNotStartWith("250");
        return reply;
    }

    private static String send(String client, String mailFrom, String data) throws Exception {
        try (SmtpLineClient c = SmtpLineClient.from(client, stack.smtpPort())) {
            c.expect("220");
            c.send("EHLO " + client.replace('.', '-') + ".sender.test").expect("250");
            c.send("MAIL FROM:<" + mailFrom + ">").expect("250");
            c.send("RCPT TO:<bob@cassmail.test>").expect("250");
            c.send("DATA").expect("354");
            c.sendRaw((data.replace("\r\n.", "\r\n..") + ".\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return c.reply();
        }
    }

    /** The stored bytes of a message once the worker has filed it in bob's {@code folder}. */
    private static String storedText(UUID id, String folder) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> Mail.folder(stack.mailboxes, "bob@cassmail.test", folder)
                .contains(id));
        var m = stack.messages.find(id).orElseThrow();
        try (InputStream in = stack.messages.openBody(m)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** This server's Authentication-Results: field, unfolded. */
    private static String authenticationResults(String stored) {
        assertThat(stored).startsWith("Authentication-Results: " + AUTHSERV + ";");
        String head = stored.substring(0, stored.indexOf("\r\n\r\n") + 2);
        StringBuilder field = new StringBuilder();
        for (String line : head.split("\r\n")) {
            if (field.length() > 0 && !(line.startsWith(" ") || line.startsWith("\t"))) {
                break;
            }
            field.append(field.length() == 0 ? line : " " + line.strip());
        }
        return field.toString();
    }

    private static String run(List<String> command) throws Exception {
        ExternalCommand.Result r = ExternalCommand.run(command, null, 60);
        assertThat(r.exit()).as(String.join(" ", command) + ": " + r.output()).isZero();
        return r.output();
    }
}
