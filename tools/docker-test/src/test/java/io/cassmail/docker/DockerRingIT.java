package io.cassmail.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Container;
import io.cassmail.testing.Mail;
import io.cassmail.testing.SmtpLineClient;
import io.cassmail.testing.TestCerts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.pop3.POP3MessageInfo;
import org.apache.commons.net.pop3.POP3SClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deployment users run: docker/compose.yaml (a 3-node Cassandra ring started node after node, RabbitMQ, the
 * one-shot schema job with replication 3, two front ends, two workers) with this machine's images. Mail goes in through
 * both front ends while one Cassandra node and one worker are SIGKILLed; every message that got 250 must reach the
 * mailbox exactly once and be readable over POP3 (STLS), and the killed node must rejoin.
 */
class DockerRingIT {
    private static final String HOST = "127.0.0.7";
    private static final int PER_FRONT_END = 150;
    private static final int KILL_AFTER = 40;
    private static final Path REPO = Path.of(System.getenv().getOrDefault("CASSMAIL_TEST_REPO", "../..")).toAbsolutePath().normalize();
    private static ComposeProject compose;

    @BeforeAll
    static void up() throws Exception {
        Path tls = REPO.resolve("var/docker/tls");
        assertThat(tls.resolve("cert.pem")).as("make docker-test prepares the certificate").exists();
        compose = new ComposeProject(REPO, "cassmaildt", Map.of(
                "CASSMAIL_TLS_DIR", tls.toString(),
                "CASSMAIL_PUBLISH", HOST,
                "CASSMAIL_ADMIN_PUBLISH", HOST,
                "CASSANDRA_HEAP", "512M",
                "CASSMAIL_HOSTNAME", "mx.docker.test"));
        compose.run(60, null, "down", "--volumes", "--remove-orphans");
        Instant t0 = Instant.now();
        try {
            compose.run(900, null, "up", "-d", "--no-build");
        } catch (java.io.IOException e) {
            // what the one-shot schema job and the nodes said, before the tear-down removes them
            String logs;
            try {
                logs = compose.run(60, null, "logs", "--no-color", "--tail", "40", "schema", "cassandra-1",
                        "cassandra-2", "cassandra-3");
            } catch (java.io.IOException unavailable) {
                logs = unavailable.getMessage();
            }
            throw new java.io.IOException(e.getMessage() + "\n--- logs ---\n" + logs, e);
        }
        System.out.printf("docker-test: ring, broker, schema job, 2 front ends and 2 workers up in %d s%n",
                Duration.between(t0, Instant.now()).toSeconds());
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() ->
                all("frontend", "healthy") && all("worker", "healthy"));
        System.out.print(admin(null, "domains", "add", "docker.test"));
        System.out.print(admin("secret-docker\n", "users", "add", "bob@docker.test", "--password-stdin"));
        System.out.print(admin(null, "cluster", "status"));
        System.out.print(admin("secret-admin\n", "admins", "add", "root", "--password-stdin"));
    }

    @Test
    void theAdminApiOfEachFrontEndAnswersOverTlsWithTheSameUsers() throws Exception {
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("root:secret-admin".getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        for (int port : List.of(8443, 8444)) {
            // the development certificate names localhost and 127.0.0.1, not the test's 127.0.0.7
            javax.net.ssl.HttpsURLConnection c = (javax.net.ssl.HttpsURLConnection) java.net.URI.create(
                    "https://" + HOST + ":" + port + "/api/v1/users?domain=docker.test").toURL().openConnection();
            c.setSSLSocketFactory(TestCerts.trustingClient().getSocketFactory());
            c.setHostnameVerifier((host, session) -> true);
            c.setConnectTimeout(10_000);
            c.setReadTimeout(30_000);
            c.setRequestProperty("Authorization", basic);
            assertThat(c.getResponseCode()).isEqualTo(200);
            try (java.io.InputStream in = c.getInputStream()) {
                assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                        .contains("\"address\":\"bob@docker.test\"");
            }
        }
    }

    @AfterAll
    static void down() throws Exception {
        if (compose != null) {
            Path logs = REPO.resolve("tools/docker-test/target/compose-logs.txt");
            Files.createDirectories(logs.getParent());
            Files.writeString(logs, compose.run(120, null, "logs", "--no-color", "--tail", "200"));
            compose.close();
        }
    }

    private static boolean all(String service, String health) {
        List<Container> cs = compose.containers(service);
        return !cs.isEmpty() && cs.stream().allMatch(c -> compose.health(c).equals(health));
    }

    private static String admin(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("exec", "-T", "--index=1", "frontend", "cassmail-admin"));
        cmd.addAll(List.of(args));
        return compose.run(120, stdin, cmd.toArray(String[]::new));
    }

    /** What one sender saw: the queue ids of its 250s and the temporary failures (4xx or a dropped session). */
    record Sent(List<UUID> accepted, List<String> temporaryFailures) {
    }

    @Test
    void mailSentThroughBothFrontEndsWhileANodeAndAWorkerDieIsDeliveredExactlyOnceAndReadableOverPop3() throws Exception {
        List<Container> fronts = compose.containers("frontend");
        List<Container> workers = compose.containers("worker");
        assertThat(fronts).as("two front ends by default").hasSize(2);
        assertThat(workers).as("two workers by default").hasSize(2);
        Container node3 = compose.containers("cassandra-3").get(0);

        CountDownLatch halfway = new CountDownLatch(fronts.size());
        ExecutorService senders = Executors.newFixedThreadPool(fronts.size());
        List<Future<Sent>> results = new ArrayList<>();
        for (int f = 0; f < fronts.size(); f++) {
            int port = ComposeProject.publishedPort(fronts.get(f), 2525);
            String tag = "front" + f;
            results.add(senders.submit(() -> send(port, tag, halfway)));
        }
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (!halfway.await(1, TimeUnit.SECONDS)) {
            for (Future<Sent> r : results) {
                if (r.isDone()) {
                    r.get(); // a sender that failed before halfway: its exception ends the test
                }
            }
            assertThat(Instant.now()).as("both front ends accept %d messages", KILL_AFTER).isBefore(deadline);
        }
        Instant killed = Instant.now();
        compose.kill(node3);
        compose.kill(workers.get(0));
        System.out.println("docker-test: killed cassandra-3 and " + workers.get(0).getNames()[0] + " (SIGKILL)");

        Set<UUID> accepted = new HashSet<>();
        List<String> failures = new ArrayList<>();
        for (Future<Sent> r : results) {
            Sent s = r.get(10, TimeUnit.MINUTES);
            accepted.addAll(s.accepted());
            failures.addAll(s.temporaryFailures());
        }
        senders.shutdown();
        System.out.printf("docker-test: %d messages accepted through %d front ends, %d temporary failure(s) after the"
                + " kills (at %s)%n", accepted.size(), fronts.size(), failures.size(), killed);
        failures.forEach(f -> System.out.println("  " + f));
        assertThat(accepted).hasSize(fronts.size() * PER_FRONT_END);

        // Every 250 in bob's mailbox exactly once, read through the other front end than the first one over POP3 STLS.
        int pop3 = ComposeProject.publishedPort(fronts.get(1), 2110);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(3)).until(() -> uids(pop3).size() >= accepted.size());
        List<String> uids = uids(pop3);
        assertThat(new HashSet<>(uids)).as("no message twice").hasSize(uids.size());
        assertThat(uids).containsExactlyInAnyOrderElementsOf(accepted.stream().map(UUID::toString).toList());
        assertThat(firstMessage(pop3)).contains("Subject: docker ");
        // and the same count over IMAP (STARTTLS) through the first front end
        assertThat(imapInboxCount(ComposeProject.publishedPort(fronts.get(0), 2143))).isEqualTo(uids.size());

        // The killed node and worker come back; the node rejoins the ring.
        compose.start(node3);
        compose.start(workers.get(0));
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(3)).until(() ->
                compose.health(node3).equals("healthy") && compose.health(workers.get(0)).equals("healthy"));
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(3)).until(() ->
                admin(null, "cluster", "status").lines().filter(l -> l.startsWith("UP ")).count() == 3);
        System.out.print(admin(null, "cluster", "status"));
    }

    /** Sends PER_FRONT_END messages in one session, retrying a message after a 4xx or a dropped session, like an MTA. */
    private static Sent send(int port, String tag, CountDownLatch halfway) throws Exception {
        List<UUID> accepted = new ArrayList<>();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        SmtpLineClient c = null;
        for (int i = 0; i < PER_FRONT_END; i++) {
            for (int attempt = 1; ; attempt++) {
                assertThat(attempt).as("message %s-%d accepted within 30 attempts; failures: %s", tag, i, failures).isLessThanOrEqualTo(30);
                try {
                    if (c == null) {
                        c = new SmtpLineClient(HOST, port);
                        c.expect("220");
                        c.send("EHLO sender.docker.test").expect("250");
                    }
                    String reply = transaction(c, tag, i);
                    if (reply.startsWith("250")) {
                        accepted.add(Mail.queuedId(reply));
                        break;
                    }
                    assertThat(reply).as("only temporary failures are acceptable").startsWith("4");
                    failures.add(Instant.now() + " " + tag + "-" + i + ": " + reply.lines().reduce((a, b) -> b).orElse(reply));
                    c.send("RSET").reply();
                } catch (IOException e) {
                    failures.add(Instant.now() + " " + tag + "-" + i + ": session lost: " + e.getMessage());
                    if (c != null) {
                        c.close();
                    }
                    c = null;
                }
                Thread.sleep(500);
            }
            if (accepted.size() == KILL_AFTER) {
                halfway.countDown();
            }
        }
        if (c != null) {
            c.send("QUIT");
            c.close();
        }
        return new Sent(accepted, failures);
    }

    /** One MAIL/RCPT/DATA; returns the first reply that is not a 2xx/3xx, or the final reply to the data. */
    private static String transaction(SmtpLineClient c, String tag, int i) throws IOException {
        String r = c.send("MAIL FROM:<sender@example.org>").reply();
        if (!r.startsWith("250")) {
            return r;
        }
        r = c.send("RCPT TO:<bob@docker.test>").reply();
        if (!r.startsWith("250")) {
            return r;
        }
        r = c.send("DATA").reply();
        if (!r.startsWith("354")) {
            return r;
        }
        String body = "From: sender@example.org\r\nTo: bob@docker.test\r\nSubject: docker " + tag + "-" + i
                + "\r\n\r\nsent through " + tag + "\r\n.\r\n";
        return c.sendRaw(body.getBytes(StandardCharsets.UTF_8)).reply();
    }

    private static POP3SClient login(int port) throws IOException {
        POP3SClient pop = new POP3SClient(false, TestCerts.trustingClient());
        pop.setDefaultTimeout(30_000);
        pop.connect(HOST, port);
        assertThat(pop.execTLS()).as("STLS").isTrue();
        assertThat(pop.login("bob@docker.test", "secret-docker")).as("POP3 login: %s", pop.getReplyString()).isTrue();
        return pop;
    }

    /** Logs in over IMAP after STARTTLS, selects INBOX and returns its EXISTS count. */
    private static int imapInboxCount(int port) throws IOException {
        org.apache.commons.net.imap.IMAPSClient imap = new org.apache.commons.net.imap.IMAPSClient(false,
                TestCerts.trustingClient());
        imap.setDefaultTimeout(30_000);
        imap.connect(HOST, port);
        try {
            assertThat(imap.execTLS()).as("STARTTLS").isTrue();
            assertThat(imap.login("bob@docker.test", "secret-docker")).as("IMAP login: %s", imap.getReplyString()).isTrue();
            assertThat(imap.select("INBOX")).as("SELECT: %s", imap.getReplyString()).isTrue();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\* (\\d+) EXISTS").matcher(imap.getReplyString());
            assertThat(m.find()).as("EXISTS in %s", imap.getReplyString()).isTrue();
            imap.logout();
            return Integer.parseInt(m.group(1));
        } finally {
            imap.disconnect();
        }
    }

    private static List<String> uids(int port) throws IOException {
        POP3SClient pop = login(port);
        try {
            POP3MessageInfo[] infos = pop.listUniqueIdentifiers();
            assertThat(infos).as("UIDL: %s", pop.getReplyString()).isNotNull();
            List<String> ids = new ArrayList<>();
            for (POP3MessageInfo m : infos) {
                ids.add(m.identifier);
            }
            return ids;
        } finally {
            pop.logout();
            pop.disconnect();
        }
    }

    private static String firstMessage(int port) throws IOException {
        POP3SClient pop = login(port);
        try (Reader r = pop.retrieveMessage(1)) {
            StringBuilder text = new StringBuilder();
            new BufferedReader(r).lines().forEach(l -> text.append(l).append('\n'));
            return text.toString();
        } finally {
            pop.logout();
            pop.disconnect();
        }
    }
}
