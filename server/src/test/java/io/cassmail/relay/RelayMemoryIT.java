package io.cassmail.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.cassmail.app.Role;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.ServerProcess;
import io.cassmail.testing.SmtpLineClient;
import io.cassmail.testing.TestDnsServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DKIM signing never holds a whole message: a real relay worker process on its usual 256 MiB heap signs and sends
 * eight 24 MiB messages at once (eight destinations, so no host limit keeps them apart), 192 MiB of mail in all, and
 * stays up (it exits on OutOfMemoryError; a signer that buffered the message, as jDKIM's did, could not).
 */
class RelayMemoryIT {
    private static final int MESSAGES = 8;
    private static final int LINES = 24 * 1024 * 1024 / 100;
    @TempDir
    static Path dir;
    private static GreenMail greenMail;
    private static TestDnsServer dns;
    private static MailStack stack;

    @BeforeAll
    static void start() throws Exception {
        int port = ServerProcess.freePort();
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.26", "smtp"));
        greenMail.start();
        TestDnsServer d = new TestDnsServer();
        for (int i = 0; i < MESSAGES; i++) {
            d.record("big" + i + ".test. 300 IN MX 10 mx.big" + i + ".test.")
                    .record("mx.big" + i + ".test. 300 IN A 127.0.0.26");
        }
        dns = d;
        stack = MailStack.relaying("RelayMemoryIT", dns, port, dir);
        stack.directory.addDkimKey(DkimSigning.generate("cassmail.test", "mem"));
        stack.start(Role.SMTP);
    }

    @AfterAll
    static void stop() throws Exception {
        MailStack.closeAll(stack, greenMail::stop, dns);
    }

    @Test
    void eightBigMessagesSignedAndSentAtOnceStayWithinTheWorkersHeap() throws Exception {
        byte[] line = ("x".repeat(98) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        try (SmtpLineClient c = SmtpLineClient.submission(stack.port("submission"), "alice@cassmail.test", "secret")) {
            for (int i = 0; i < MESSAGES; i++) {
                c.send("MAIL FROM:<alice@cassmail.test>").expect("250");
                c.send("RCPT TO:<someone@big" + i + ".test>").expect("250");
                c.send("DATA").expect("354");
                c.sendRaw(("From: alice@cassmail.test\r\nSubject: big " + i + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] block = new byte[line.length * 1024];
                for (int k = 0; k < 1024; k++) {
                    System.arraycopy(line, 0, block, k * line.length, line.length);
                }
                for (int n = 0; n < LINES / 1024; n++) {
                    c.sendRaw(block);
                }
                c.sendRaw(".\r\n".getBytes(StandardCharsets.US_ASCII));
                c.expect("250 2.0.0");
            }
        }
        // every job waits in the relay queue; the worker starts and takes all eight at once
        try (ServerProcess worker = ServerProcess.start("relay-memory-worker", stack.settings, "worker")) {
            await().atMost(Duration.ofMinutes(5)).until(() -> greenMail.getReceivedMessages().length == MESSAGES
                    || !worker.isAlive());
            assertThat(worker.isAlive()).as("the worker is alive (it exits on OutOfMemoryError)").isTrue();
            assertThat(greenMail.getReceivedMessages()).hasSize(MESSAGES);
            assertThat(greenMail.getReceivedMessages()[0].getHeader("DKIM-Signature")).isNotEmpty();
            assertThat(Files.readString(worker.log())).doesNotContain("OutOfMemoryError");
        }
    }
}
