package io.cassmail.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.cassmail.app.Role;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.testing.ExternalCommand;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.ScriptedSmtpPeer;
import io.cassmail.testing.ServerProcess;
import io.cassmail.testing.SmtpLineClient;
import io.cassmail.testing.TestDnsServer;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outbound relay end to end on the real stack: a user submits with swaks (STARTTLS + AUTH), a relay worker process
 * looks the MX up in a real DNS server on loopback and hands the message to GreenMail on 127.0.0.8; and a relay
 * worker SIGKILLed in the middle of DATA loses nothing and duplicates nothing.
 */
class RelayIT {
    private static final Pattern QUEUED = Pattern.compile("queued as ([0-9a-f-]{36})");
    @TempDir
    static Path dir;
    private static TestDnsServer dns;
    private static GreenMail greenMail;
    private static ScriptedSmtpPeer stalling;
    private static MailStack stack;

    @BeforeAll
    static void start() throws Exception {
        int port = ServerProcess.freePort();
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.8", "smtp"));
        greenMail.start();
        stalling = new ScriptedSmtpPeer("127.0.0.9", port, ScriptedSmtpPeer.Script.STALL_IN_DATA_ONCE);
        dns = new TestDnsServer()
                .record("remote.test. 300 IN MX 10 mx.remote.test.")
                .record("mx.remote.test. 300 IN A 127.0.0.8")
                .record("stall.test. 300 IN MX 10 mx.stall.test.")
                .record("mx.stall.test. 300 IN A 127.0.0.9");
        stack = MailStack.relaying("RelayIT", dns, port, dir, "relay.threads=2", "relay.lease=6s",
                "relay.command-timeout=30s").start(Role.SMTP);
    }

    @AfterAll
    static void stop() throws Exception {
        MailStack.closeAll(stack, greenMail::stop, stalling, dns);
    }

    private static DeliveryRecord record(UUID id) {
        return stack.ledger.records(id).get(0);
    }

    @Test
    void aSubmittedMessageReachesTheRemoteMxWithTheStoredBytesAndAValidDkimSignature() throws Exception {
        io.cassmail.store.DkimKey key = DkimSigning.generate("cassmail.test", "it2026");
        stack.directory.addDkimKey(key);
        try (ServerProcess worker = ServerProcess.start("relay-worker", stack.settings, "worker")) {
            ExternalCommand.Result sent = ExternalCommand.run(List.of("swaks", "--server", "127.0.0.1",
                    "--port", String.valueOf(stack.port("submission")), "--tls", "--auth", "PLAIN",
                    "--auth-user", "alice@cassmail.test", "--auth-password", "secret", "--from", "alice@cassmail.test",
                    "--to", "someone@remote.test", "--header", "From: Alice <alice@cassmail.test>",
                    "--header", "Subject: to the world", "--body", "relayed by CassMail", "--timeout", "30"), null, 60);
            assertThat(sent.exit()).as(sent.output()).isZero();
            Matcher m = QUEUED.matcher(sent.output());
            assertThat(m.find()).isTrue();
            UUID id = UUID.fromString(m.group(1));
            assertThat(greenMail.waitForIncomingEmail(60_000, 1)).as("GreenMail got the message").isTrue();
            MimeMessage got = greenMail.getReceivedMessages()[0];
            assertThat(got.getAllRecipients()[0].toString()).isEqualTo("someone@remote.test");
            String stored;
            try (InputStream in = stack.messages.openBody(stack.messages.find(id).orElseThrow())) {
                stored = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            // GreenMail puts its own Return-Path and Received on top, and its MimeMessage drops trailing empty lines;
            // everything else is the bytes CassMail stored (RemoteRelayTransportTest compares raw bytes exactly)
            String whole = GreenMailUtil.getWholeMessage(got);
            assertThat(whole.stripTrailing()).endsWith(stored.substring(stored.indexOf("\r\n") + 2).stripTrailing())
                    .contains("Subject: to the world").contains("relayed by CassMail");
            await().atMost(Duration.ofSeconds(30)).until(() -> record(id).status() == DeliveryStatus.RELAYED);
            assertThat(record(id).lastError()).startsWith("250");
            // the DKIM signature verifies with python3-dkim against the record the CLI prints for the key
            assertThat(whole).contains("DKIM-Signature: ").contains("a=rsa-sha256;").contains("c=relaxed/relaxed;")
                    .contains("d=cassmail.test;").contains("s=it2026;");
            String verify = "import dkim, sys\n"
                    + "def dns(name, timeout=5):\n"
                    + "    return sys.argv[1].encode() if name == b'it2026._domainkey.cassmail.test.' else None\n"
                    + "print('verified' if dkim.verify(sys.stdin.buffer.read(), dnsfunc=dns) else 'failed')\n";
            ExternalCommand.Result dkim = ExternalCommand.run(List.of("/usr/bin/python3", "-c", verify, key.txtRecord()),
                    whole, 60);
            assertThat(dkim.output().strip()).as(dkim.output()).isEqualTo("verified");
        }
    }

    @Test
    void aRelayWorkerKilledInTheMiddleOfDataLosesAndDuplicatesNothing() throws Exception {
        UUID id;
        ServerProcess first = ServerProcess.start("relay-worker-a", stack.settings, "worker");
        try (SmtpLineClient c = SmtpLineClient.submission(stack.port("submission"), "alice@cassmail.test", "secret")) {
            c.send("MAIL FROM:<alice@cassmail.test>").expect("250");
            c.send("RCPT TO:<bob@stall.test>").expect("250");
            c.send("DATA").expect("354");
            StringBuilder body = new StringBuilder("From: alice@cassmail.test\r\nSubject: big\r\n\r\n");
            // ~8 MB (under the peer's SIZE of 10 MB): more than the socket buffers hold (tcp_wmem max is 4 MiB here), so the worker is still
            // writing when it dies and the peer never sees the final dot
            for (int i = 0; i < 120_000; i++) {
                body.append("line ").append(i).append(" of a message long enough to be cut off in the middle\r\n");
            }
            c.sendRaw((body + ".\r\n").getBytes(StandardCharsets.US_ASCII));
            Matcher m = QUEUED.matcher(c.expect("250 2.0.0"));
            assertThat(m.find()).isTrue();
            id = UUID.fromString(m.group(1));
        }
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> stalling.dataStarted() == 1);
            first.kill();
        } finally {
            first.close();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> stalling.dataAborted() == 1);
        assertThat(stalling.received()).isEmpty();
        try (ServerProcess second = ServerProcess.start("relay-worker-b", stack.settings, "worker")) {
            await().atMost(Duration.ofSeconds(90)).until(() -> record(id).status() == DeliveryStatus.RELAYED);
            assertThat(stalling.received()).hasSize(1);
            assertThat(new String(stalling.received().get(0).data(), StandardCharsets.US_ASCII))
                    .contains("line 119999 of a message");
        }
    }
}
