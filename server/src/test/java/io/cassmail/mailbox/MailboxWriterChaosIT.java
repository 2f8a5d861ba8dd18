package io.cassmail.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cassmail.app.Role;
import io.cassmail.mail.HeaderSummary;
import io.cassmail.mail.MessageIds;
import io.cassmail.queue.BrokerConnection;
import io.cassmail.queue.RabbitWriterLink;
import io.cassmail.store.BodyWriter;
import io.cassmail.store.FolderEntry;
import io.cassmail.store.FolderRow;
import io.cassmail.store.StoreUnavailableException;
import io.cassmail.store.StoredMessage;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.ServerProcess;
import io.cassmail.testing.SmtpLineClient;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The UID rule against real processes: two worker processes deliver into one INBOX while this test, a third
 * writer path (like the admin CLI: its changes go over RabbitMQ to the process holding the account), delivers
 * into it too, and the worker holding the account is SIGKILLed and restarted three times. A reader polling throughout must see UIDs strictly ascending, no UID
 * reused, nothing appear below a UIDNEXT it was shown, UIDVALIDITY unchanged; at the end every message is
 * listed exactly once and {@code mailbox verify} finds nothing.
 */
class MailboxWriterChaosIT {
    private static final String BOB = "bob@cassmail.test";
    static MailStack stack;

    @BeforeAll
    static void start() {
        stack = MailStack.create("chaos", "worker.threads=2", "worker.prefetch=10", "mailbox.writer-lease=6s",
                        "mailbox.writer-grace=2s")
                .withDomain("cassmail.test").withUser(BOB).start(Role.SMTP);
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    /** What the polling reader saw go wrong, one sentence each. */
    private static final class Reader implements Runnable {
        final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger polls = new AtomicInteger();
        private final Map<Long, UUID> seen = new HashMap<>();
        private long shownUidNext = 0;
        private long validity = -1;

        @Override
        public void run() {
            MailboxReader reader = stack.mailboxes.reader();
            while (running.get()) {
                try {
                    Optional<FolderRow> inbox = reader.folder(BOB, FolderNames.INBOX);
                    if (inbox.isPresent()) {
                        poll(reader, inbox.get());
                    }
                    Thread.sleep(50);
                } catch (StoreUnavailableException e) {
                    // a slow read during the chaos: try again
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void poll(MailboxReader reader, FolderRow row) {
            if (validity < 0) {
                validity = row.uidValidity();
            } else if (row.uidValidity() != validity) {
                violations.add("UIDVALIDITY changed from " + validity + " to " + row.uidValidity());
            }
            long last = 0;
            Set<Long> now = new HashSet<>();
            for (FolderEntry e : reader.entries(row, 1)) {
                if (e.uid() <= last) {
                    violations.add("UID " + e.uid() + " listed after " + last);
                }
                last = e.uid();
                now.add(e.uid());
                UUID before = seen.putIfAbsent(e.uid(), e.messageId());
                if (before == null && e.uid() < shownUidNext) {
                    violations.add("UID " + e.uid() + " appeared below UIDNEXT " + shownUidNext + " shown earlier");
                } else if (before != null && !before.equals(e.messageId())) {
                    violations.add("UID " + e.uid() + " reused: " + before + " then " + e.messageId());
                }
            }
            for (long uid : seen.keySet()) {
                if (!now.contains(uid)) {
                    violations.add("UID " + uid + " vanished without an expunge");
                }
            }
            shownUidNext = Math.max(shownUidNext, row.uidNext());
            polls.incrementAndGet();
        }
    }

    private static UUID storedBody(int i) throws Exception {
        UUID id = MessageIds.next();
        byte[] bytes = ("Subject: appended " + i + "\r\n\r\nfrom another writer\r\n").getBytes(StandardCharsets.US_ASCII);
        BodyWriter w = stack.messages.newBody(id);
        w.write(bytes, 0, bytes.length);
        int chunks = w.finish();
        stack.messages.save(new StoredMessage(id, "alice@example.org", List.of(BOB), bytes.length, chunks, Instant.now(),
                InetAddress.getLoopbackAddress(), "chaos.test", HeaderSummary.EMPTY));
        return id;
    }

    @Test
    void uidsOnlyGoUpAndEveryMessageIsListedOnceWhileWritersAreKilled() throws Exception {
        int bySmtp = 240;
        int byWriter = 60;
        Set<UUID> accepted = ConcurrentHashMap.newKeySet();
        Set<UUID> delivered = ConcurrentHashMap.newKeySet();
        BrokerConnection broker = new BrokerConnection(stack.config.amqp().uri(), "chaos-writer", null);
        RabbitWriterLink link = new RabbitWriterLink(broker, stack.config.amqp().queuePrefix() + ".mailbox-writer.");
        // a third writer path, like the admin CLI: it sends its changes to the process that holds the account, or
        // takes the account for one change when nobody does and gives it back
        Mailboxes third = Mailboxes.on(stack.stores, new MailboxWriter.Settings("chaos-test-writer",
                Duration.ofSeconds(6), Duration.ofSeconds(2), Duration.ofDays(1)).passing());
        third.writer().link(link);
        Reader reader = new Reader();
        Thread readerThread = new Thread(reader, "chaos-reader");
        List<ServerProcess> workers = new ArrayList<>();
        ExecutorService load = Executors.newFixedThreadPool(5);
        try {
            workers.add(ServerProcess.start("chaos-worker-a0", stack.settings, "worker"));
            workers.add(ServerProcess.start("chaos-worker-b", stack.settings, "worker"));
            readerThread.start();
            AtomicInteger sent = new AtomicInteger();
            List<Future<?>> jobs = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                jobs.add(load.submit(() -> {
                    try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
                        c.expect("220");
                        c.send("EHLO chaos.test").expect("250");
                        while (sent.getAndIncrement() < bySmtp) {
                            accepted.add(Mail.send(c, "alice@example.org", BOB, "Subject: chaos\r\n\r\nx\r\n"));
                            Thread.sleep(150); // a steady stream, so every kill lands among deliveries
                        }
                    }
                    return null;
                }));
            }
            AtomicBoolean thirdPaused = new AtomicBoolean();
            jobs.add(load.submit(() -> {
                for (int i = 0; i < byWriter; i++) {
                    while (thirdPaused.get()) {
                        Thread.sleep(20);
                    }
                    UUID id = storedBody(i);
                    NewMessage m = new NewMessage(id, 40, Instant.now(), "alice@example.org", "appended " + i);
                    // delivery by message id is idempotent: a change whose answer was lost is simply sent again
                    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                        third.writer().deliver(BOB, m);
                        return true;
                    });
                    delivered.add(id);
                    Thread.sleep(80);
                }
                return null;
            }));
            long firstEpoch = -1;
            for (int round = 1; round <= 3; round++) {
                int target = round * bySmtp / 4;
                await().atMost(Duration.ofMinutes(2)).until(() -> accepted.size() >= target);
                // kill the worker that writes bob's mailbox now, in the middle of its writes
                thirdPaused.set(true);
                int[] holder = new int[1];
                await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20)).alias("a worker holds "
                        + BOB + "; lease " + stack.stores.folders().leases().current(BOB) + ", workers "
                        + workers.stream().map(w -> w.pid() + (w.isAlive() ? "" : " (dead)")).toList()).until(() -> {
                    String owner = stack.stores.folders().leases().current(BOB).map(l -> l.owner()).orElse("");
                    for (int i = 0; i < workers.size(); i++) {
                        if (owner.contains("/pid-" + workers.get(i).pid() + "-")) {
                            holder[0] = i;
                            return true;
                        }
                    }
                    return false;
                });
                if (firstEpoch < 0) {
                    firstEpoch = stack.stores.folders().leases().current(BOB).orElseThrow().epoch();
                }
                workers.get(holder[0]).kill();
                workers.set(holder[0], ServerProcess.start("chaos-worker-" + round + "-" + holder[0], stack.settings,
                        "worker"));
                thirdPaused.set(false);
            }
            for (Future<?> f : jobs) {
                f.get(5, TimeUnit.MINUTES);
            }
            Set<UUID> all = new HashSet<>(accepted);
            all.addAll(delivered);
            assertThat(all).hasSize(bySmtp + byWriter);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> new HashSet<>(Mail.inbox(stack.mailboxes, BOB)).containsAll(all));
            Thread.sleep(500); // a few more polls after the last message
            reader.running.set(false);
            readerThread.join(10_000);
            List<UUID> inbox = Mail.inbox(stack.mailboxes, BOB);
            assertThat(inbox).hasSize(all.size()).doesNotHaveDuplicates();
            assertThat(new HashSet<>(inbox)).isEqualTo(all);
            assertThat(reader.polls.get()).as("the reader polled throughout").isGreaterThan(50);
            assertThat(reader.violations).isEmpty();
            assertThat(stack.stores.folders().leases().current(BOB).orElseThrow().epoch() - firstEpoch)
                    .as("the mailbox changed writers after each kill").isGreaterThanOrEqualTo(3);
            assertThat(stack.mailboxes.verifier().verify(BOB)).isEmpty();
        } finally {
            reader.running.set(false);
            load.shutdownNow();
            for (ServerProcess w : workers) {
                w.close();
            }
            third.writer().releaseAll();
            link.close();
            broker.close();
        }
    }
}
