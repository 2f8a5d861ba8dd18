package io.cassmail.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cassmail.app.Role;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.ScriptedSmtpPeer;
import io.cassmail.testing.ServerProcess;
import io.cassmail.testing.SmtpLineClient;
import io.cassmail.testing.TestDnsServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile destinations cannot stall all outbound mail: a real relay worker process with the default relay settings
 * (8 threads, 4 per destination, RFC 5321's 10-minute wait for the final reply) gets twelve messages for three
 * servers that take the data and never answer, then one for a healthy server, which must arrive within two minutes.
 */
class RelayStallIT {
    @TempDir
    static Path dir;
    private static final List<ScriptedSmtpPeer> stalling = new ArrayList<>();
    private static ScriptedSmtpPeer healthy;
    private static TestDnsServer dns;
    private static MailStack stack;

    @BeforeAll
    static void start() throws Exception {
        int port = ServerProcess.freePort();
        TestDnsServer d = new TestDnsServer();
        for (int i = 1; i <= 3; i++) {
            stalling.add(new ScriptedSmtpPeer("127.0.0." + (20 + i), port, ScriptedSmtpPeer.Script.NO_REPLY_AFTER_DOT));
            d.record("stall" + i + ".test. 300 IN MX 10 mx.stall" + i + ".test.")
                    .record("mx.stall" + i + ".test. 300 IN A 127.0.0." + (20 + i));
        }
        healthy = new ScriptedSmtpPeer("127.0.0.24", port, ScriptedSmtpPeer.Script.ACCEPT);
        dns = d.record("healthy.test. 300 IN MX 10 mx.healthy.test.").record("mx.healthy.test. 300 IN A 127.0.0.24");
        stack = MailStack.relaying("RelayStallIT", dns, port, dir).start(Role.SMTP);
    }

    @AfterAll
    static void stop() throws Exception {
        List<AutoCloseable> peers = new ArrayList<>(stalling);
        peers.addAll(List.of(healthy, dns));
        MailStack.closeAll(stack, peers.toArray(AutoCloseable[]::new));
    }

    private static SmtpLineClient loggedIn() throws Exception {
        return SmtpLineClient.submission(stack.port("submission"), "alice@cassmail.test", "secret");
    }

    @Test
    void mailToAHealthyDomainLeavesWithinTwoMinutesWhileThreeOthersStallAfterTheData() throws Exception {
        try (ServerProcess worker = ServerProcess.start("relay-stall-worker", stack.settings, "worker")) {
            try (SmtpLineClient c = loggedIn()) {
                for (int n = 0; n < 4; n++) {
                    for (int i = 1; i <= 3; i++) {
                        Mail.send(c, "alice@cassmail.test", "bob@stall" + i + ".test",
                                "From: alice@cassmail.test\r\nSubject: stall " + i + "/" + n + "\r\n\r\nx\r\n");
                    }
                }
            }
            // every stalling server holds a transaction now, waiting for an answer that never comes
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> stalling.stream().allMatch(p -> p.dataStarted() >= 1));
            long sent = System.nanoTime();
            try (SmtpLineClient c = loggedIn()) {
                Mail.send(c, "alice@cassmail.test", "carol@healthy.test",
                        "From: alice@cassmail.test\r\nSubject: still flowing\r\n\r\nx\r\n");
            }
            await().atMost(Duration.ofMinutes(2)).until(() -> !healthy.received().isEmpty());
            assertThat(new String(healthy.received().get(0).data(), StandardCharsets.US_ASCII))
                    .contains("Subject: still flowing");
            Duration took = Duration.ofNanos(System.nanoTime() - sent);
            System.out.printf("relay stall: the healthy message left %d ms after it was sent%n", took.toMillis());
            assertThat(took).isLessThan(Duration.ofMinutes(2));
            // a host that has not answered holds one transaction, not the four a proven host may have
            assertThat(stalling).allSatisfy(p -> assertThat(p.dataStarted()).isEqualTo(1));
            assertThat(worker.isAlive()).isTrue();
        }
    }
}
