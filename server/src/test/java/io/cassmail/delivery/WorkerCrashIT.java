package io.cassmail.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.cassmail.app.Role;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.ServerProcess;
import io.cassmail.testing.SmtpLineClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two real worker processes share the queue; one is killed with SIGKILL while messages stream in.
 * Every accepted message must end up in its mailbox exactly once.
 */
class WorkerCrashIT {
    static MailStack stack;

    @BeforeAll
    static void start() {
        stack = MailStack.create("crash", "worker.threads=2", "worker.prefetch=20")
                .withDomain("cassmail.test").withUser("bob@cassmail.test").start(Role.SMTP);
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    private int consumers() throws Exception {
        try (Connection c = MailStack.broker(); Channel ch = c.createChannel()) {
            return ch.queueDeclarePassive(stack.topology.deliveryQueue()).getConsumerCount();
        }
    }

    @Test
    void sigkilledWorkerLosesNothingAndDuplicatesNothing() throws Exception {
        int total = 400;
        Set<UUID> accepted = ConcurrentHashMap.newKeySet();
        try (ServerProcess a = ServerProcess.start("worker-a", stack.settings, "worker");
             ServerProcess b = ServerProcess.start("worker-b", stack.settings, "worker")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> consumers() == 4);
            AtomicInteger sent = new AtomicInteger();
            ExecutorService senders = Executors.newFixedThreadPool(8);
            List<Future<?>> results = new ArrayList<>();
            for (int s = 0; s < 8; s++) {
                results.add(senders.submit(() -> {
                    try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
                        c.expect("220");
                        c.send("EHLO load.test").expect("250");
                        while (sent.getAndIncrement() < total) {
                            accepted.add(Mail.send(c, "alice@example.org", "bob@cassmail.test",
                                    "Subject: crash test\r\n\r\n" + "x".repeat(2000) + "\r\n"));
                        }
                    }
                    return null;
                }));
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> accepted.size() >= total / 4);
            a.kill();
            assertThat(a.isAlive()).isFalse();
            for (Future<?> f : results) {
                f.get(5, TimeUnit.MINUTES);
            }
            senders.shutdown();
            assertThat(accepted).hasSize(total);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    new HashSet<>(Mail.inbox(stack.mailboxes, "bob@cassmail.test")).containsAll(accepted));
            List<UUID> inbox = Mail.inbox(stack.mailboxes, "bob@cassmail.test");
            assertThat(inbox).hasSize(total).doesNotHaveDuplicates();
            assertThat(new HashSet<>(inbox)).isEqualTo(accepted);
            assertThat(b.stop()).as("SIGTERM ends the surviving worker through its shutdown hook").isEqualTo(143);
        }
    }
}
