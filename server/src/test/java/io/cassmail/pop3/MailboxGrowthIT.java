package io.cassmail.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cassmail.app.Role;
import io.cassmail.mail.MessageIds;
import io.cassmail.mailbox.MailboxWriter;
import io.cassmail.mailbox.Mailboxes;
import io.cassmail.mailbox.NewMessage;
import java.time.Instant;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.SmtpLineClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.net.pop3.POP3Client;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The growth rule (DESIGN.md): a mailbox that received and deleted far more messages than the test node's
 * tombstone failure threshold ({@code make test} sets 5,000; Cassandra's default is 100,000) still logs in,
 * lists and retrieves new mail. Before schema 2 the first login after the drain failed with
 * {@code -ERR [SYS/TEMP]}: every read scanned the deleted rows of the one mailbox partition.
 */
class MailboxGrowthIT {
    private static final int DELETED = 12_000;
    private static final String USER = "heavy@cassmail.test";
    static MailStack stack;

    @BeforeAll
    static void start() {
        stack = MailStack.create("growth", "pop3.auth-failure-delay=200ms",
                        "pop3.max-messages=50000")
                .withDomain("cassmail.test").withUser(USER, "heavy-secret").withUser("alice@cassmail.test")
                .start(Role.SMTP, Role.WORKER, Role.POP3);
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    private POP3Client login() throws IOException {
        POP3Client pop = new POP3Client();
        pop.setDefaultTimeout(60_000);
        pop.connect("127.0.0.1", stack.pop3Port());
        pop.setSoTimeout(120_000);
        assertThat(pop.login(USER, "heavy-secret")).as("login: %s", pop.getReplyString()).isTrue();
        return pop;
    }

    /**
     * Lists many entries straight through a mailbox writer of the test's own (the SMTP path is tested elsewhere),
     * eight threads at once, then gives the account's lease back to the server.
     */
    private static void fill(int n) throws Exception {
        Mailboxes filler = Mailboxes.on(stack.stores, MailboxWriter.Settings.of("growth-filler"));
        ExecutorService writers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                done.add(writers.submit(() -> {
                    for (int i = 0; i < n / 8; i++) {
                        filler.writer().deliver(USER, new NewMessage(MessageIds.next(), 100, Instant.now(), "filler",
                                null));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            writers.shutdown();
            filler.writer().releaseAll();
        }
    }

    @Test
    void aMailboxThatDeletedMoreThanTheTombstoneLimitStillServesNewMail() throws Exception {
        fill(DELETED);
        POP3Client pop = login();
        assertThat(pop.status().number).isEqualTo(DELETED);
        for (int i = 1; i <= DELETED; i++) {
            assertThat(pop.deleteMessage(i)).isTrue();
        }
        assertThat(pop.logout()).as("QUIT after %s DELE: %s", DELETED, pop.getReplyString()).isTrue();
        pop.disconnect();

        UUID fresh;
        try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
            c.expect("220");
            c.send("EHLO client.test").expect("250");
            fresh = Mail.send(c, "alice@cassmail.test", USER, "Subject: after the drain\r\n\r\nstill here\r\n");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> Mail.inbox(stack.mailboxes, USER).contains(fresh));

        long started = System.nanoTime();
        pop = login();
        int count = pop.status().number;
        long loginAndStatMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(count).isEqualTo(1);
        assertThat(pop.listUniqueIdentifier(1).identifier).isEqualTo(fresh.toString());
        try (BufferedReader r = new BufferedReader(pop.retrieveMessage(1))) {
            assertThat(r.lines().toList()).contains("Subject: after the drain", "still here");
        }
        pop.logout();
        pop.disconnect();
        // a generous bound for a busy 2-core CI box; the benchmark measures the real figure
        assertThat(loginAndStatMillis).as("login + STAT after %s deletes", DELETED).isLessThan(5_000);
        assertThat(stack.mailboxes.reader().usage(USER).messages()).isEqualTo(1);
        assertThat(stack.mailboxes.verifier().verify(USER)).isEmpty();
    }
}
