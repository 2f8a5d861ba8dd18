package io.cassmail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cassmail.app.Role;
import io.cassmail.testing.ImapWire;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.ServerProcess;
import io.cassmail.testing.SmtpLineClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A delivery worker and an IMAP front end are killed (SIGKILL) and restarted while mail arrives over SMTP and a
 * client APPENDs through that front end; a reader on another front end polls throughout. Nothing that got 250 or
 * an APPENDUID is lost or doubled, and the reader never sees a UID rule broken: UIDVALIDITY unchanged, UIDs
 * ascending, no new UID below a UIDNEXT it was shown.
 */
class ImapChaosIT {
    static MailStack stack;
    static final String USER = "chaos@cassmail.test";

    @BeforeAll
    static void start() {
        stack = MailStack.create("imapchaos", "mailbox.writer-lease=3s", "mailbox.writer-grace=2s",
                        "delivery.retry-delays=1s,2s", "imap.auth-failure-delay=100ms")
                .withDomain("cassmail.test").withUser("alice@cassmail.test", "a").withUser(USER, "pw")
                .start(Role.SMTP, Role.IMAP);
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    private static final Pattern UID = Pattern.compile("UID (\\d+)");
    private static final Pattern UIDNEXT = Pattern.compile("\\[UIDNEXT (\\d+)]");
    private static final Pattern UIDVALIDITY = Pattern.compile("\\[UIDVALIDITY (\\d+)]");
    private static final Pattern SUBJECT = Pattern.compile("Subject: (\\S+)");

    private static long find(Pattern p, List<String> lines) {
        for (String l : lines) {
            Matcher m = p.matcher(l);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        return -1;
    }

    @Test
    void killedWorkersAndFrontEndsLoseNothingAndBreakNoUidRule() throws Exception {
        int frontPort = ServerProcess.freePort();
        List<String> frontSettings = new ArrayList<>(stack.settings);
        frontSettings.add("imap.port=" + frontPort);
        frontSettings.add("metrics.port=0");
        List<ServerProcess> processes = Collections.synchronizedList(new ArrayList<>());
        ServerProcess[] worker = {ServerProcess.start("chaos-worker", stack.settings, "worker")};
        ServerProcess[] front = {ServerProcess.start("chaos-front", frontSettings, "imap")};
        processes.add(worker[0]);
        processes.add(front[0]);
        AtomicBoolean running = new AtomicBoolean(true);
        List<UUID> accepted = Collections.synchronizedList(new ArrayList<>());
        List<String> appended = Collections.synchronizedList(new ArrayList<>());
        List<String> uncertain = Collections.synchronizedList(new ArrayList<>());
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
                try (ImapWire w = new ImapWire(frontPort)) {
                    return true;
                }
            });
            Future<?> smtp = pool.submit(() -> {
                int i = 0;
                while (running.get()) {
                    try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
                        c.expect("220");
                        c.send("EHLO chaos.test").expect("250");
                        while (running.get()) {
                            accepted.add(Mail.send(c, "alice@cassmail.test", USER, "Subject: smtp-" + (i++) + "\r\n\r\nx\r\n"));
                            Thread.sleep(50);
                        }
                    }
                }
                return null;
            });
            Future<?> appender = pool.submit(() -> {
                int i = 0;
                while (running.get()) {
                    try (ImapWire w = new ImapWire(frontPort)) {
                        w.command("LOGIN " + USER + " pw");
                        while (running.get()) {
                            String subject = "append-" + (i++);
                            try {
                                String r = w.append("INBOX", ("Subject: " + subject + "\r\n\r\ny\r\n")
                                        .getBytes(StandardCharsets.UTF_8));
                                (r.contains("OK [APPENDUID") ? appended : uncertain).add(subject);
                            } catch (java.io.IOException e) {
                                uncertain.add(subject);
                                throw e;
                            }
                            Thread.sleep(50);
                        }
                    } catch (java.io.IOException e) {
                        Thread.sleep(500); // the front end is down: try again
                    }
                }
                return null;
            });
            Future<?> reader = pool.submit(() -> {
                long validity = -1;
                long shownNext = 0;
                Set<Long> seen = new HashSet<>();
                try (ImapWire w = new ImapWire(stack.port("imap"))) {
                    w.command("LOGIN " + USER + " pw");
                    while (running.get()) {
                        List<String> select = w.command("EXAMINE INBOX");
                        long v = find(UIDVALIDITY, select);
                        long next = find(UIDNEXT, select);
                        if (validity >= 0 && v != validity) {
                            violations.add("UIDVALIDITY changed from " + validity + " to " + v);
                        }
                        validity = v;
                        long last = 0;
                        for (String l : w.command("UID FETCH 1:* (UID)")) {
                            Matcher m = UID.matcher(l);
                            if (l.startsWith("* ") && m.find()) {
                                long uid = Long.parseLong(m.group(1));
                                if (uid <= last) {
                                    violations.add("UIDs not ascending: " + uid + " after " + last);
                                }
                                if (!seen.contains(uid) && uid < shownNext) {
                                    violations.add("new UID " + uid + " below the UIDNEXT " + shownNext + " shown before");
                                }
                                seen.add(uid);
                                last = uid;
                            }
                        }
                        shownNext = Math.max(shownNext, next);
                        Thread.sleep(200);
                    }
                }
                return null;
            });
            Thread.sleep(8_000);
            worker[0].kill();
            Thread.sleep(4_000);
            worker[0] = ServerProcess.start("chaos-worker-2", stack.settings, "worker");
            processes.add(worker[0]);
            Thread.sleep(6_000);
            front[0].kill();
            Thread.sleep(4_000);
            front[0] = ServerProcess.start("chaos-front-2", frontSettings, "imap");
            processes.add(front[0]);
            Thread.sleep(15_000);
            running.set(false);
            smtp.get();
            appender.get();
            reader.get();
        } finally {
            running.set(false);
            pool.shutdownNow();
        }
        try {
            System.out.printf("imap chaos: %d accepted over SMTP, %d appended with APPENDUID, %d appends uncertain%n",
                    accepted.size(), appended.size(), uncertain.size());
            assertThat(accepted).hasSizeGreaterThan(50);
            assertThat(appended).hasSizeGreaterThan(50);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> new HashSet<>(Mail.inbox(stack.mailboxes, USER)).containsAll(accepted));
            List<UUID> inbox = Mail.inbox(stack.mailboxes, USER);
            Map<UUID, Integer> copies = new HashMap<>();
            inbox.forEach(id -> copies.merge(id, 1, Integer::sum));
            assertThat(copies.values()).as("no message twice").allMatch(n -> n == 1);
            Map<String, Integer> subjects = new HashMap<>();
            try (ImapWire w = new ImapWire(stack.port("imap"))) {
                w.command("LOGIN " + USER + " pw");
                w.command("EXAMINE INBOX");
                for (String l : w.command("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])")) {
                    Matcher m = SUBJECT.matcher(l);
                    if (m.find()) {
                        subjects.merge(m.group(1), 1, Integer::sum);
                    }
                }
            }
            for (String s : appended) {
                assertThat(subjects.get(s)).as("appended " + s).isEqualTo(1);
            }
            for (String s : uncertain) {
                assertThat(subjects.getOrDefault(s, 0)).as("uncertain " + s).isLessThanOrEqualTo(1);
            }
            assertThat(violations).isEmpty();
        } finally {
            for (ServerProcess p : processes) {
                p.close();
            }
        }
    }
}
