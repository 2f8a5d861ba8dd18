package io.cassmail.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cassmail.app.Role;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.SmtpLineClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.cassmail.mail.MessageIds;
import io.cassmail.mailbox.NewMessage;
import io.cassmail.store.BodyWriter;
import io.cassmail.store.FolderRow;
import io.cassmail.store.StoredMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every cassmail-admin command against real Cassandra and RabbitMQ, run in-process through its main entry. */
class AdminCliIT {
    static MailStack stack;

    @BeforeAll
    static void start() {
        stack = MailStack.create("admin", "password.argon2-memory=64K", "password.argon2-iterations=1").start(Role.SMTP);
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    static CliRun.Run admin(String... args) {
        return adminWithInput("", args);
    }

    static CliRun.Run adminWithInput(String stdin, String... args) {
        return CliRun.run(stack.settings, stdin, args);
    }

    @Test
    void domainsAddListRemoveAndTheirErrors() {
        assertThat(admin("domains", "add", "Dom.Test").out()).contains("added domain dom.test");
        assertThat(admin("domains", "list", "--json").out().strip()).contains("\"dom.test\"").startsWith("[");
        CliRun.Run bad = admin("domains", "add", "not a domain");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("is not a valid domain name").doesNotContain("Exception");
        assertThat(admin("domains", "remove", "dom.test").exit()).isZero();
        CliRun.Run gone = admin("domains", "remove", "dom.test");
        assertThat(gone.exit()).isNotZero();
        assertThat(gone.err()).contains("no such domain: dom.test");
    }

    @Test
    void usersAddPasswdListRemoveAndErrors() {
        admin("domains", "add", "users.test");
        assertThat(adminWithInput("s3cret\n", "users", "add", "Ann@Users.Test", "--password-stdin").out())
                .contains("added user ann@users.test");
        CliRun.Run dup = admin("users", "add", "ann@users.test");
        assertThat(dup.exit()).isNotZero();
        assertThat(dup.err()).contains("user ann@users.test already exists");
        CliRun.Run invalid = admin("users", "add", "no-at-sign");
        assertThat(invalid.err()).contains("'no-at-sign' is not a valid mail address");
        CliRun.Run foreign = admin("users", "add", "x@elsewhere.test");
        assertThat(foreign.err()).contains("domain elsewhere.test is not local");
        assertThat(stack.directory.passwordHash("ann@users.test")).isPresent();
        String before = stack.directory.passwordHash("ann@users.test").orElseThrow();
        assertThat(adminWithInput("n3w\n", "users", "passwd", "ann@users.test", "--password-stdin").exit()).isZero();
        assertThat(stack.directory.passwordHash("ann@users.test").orElseThrow()).isNotEqualTo(before);
        assertThat(admin("users", "list", "--domain", "users.test", "--json").out().strip()).isEqualTo("[\"ann@users.test\"]");
        assertThat(admin("users", "remove", "ann@users.test").exit()).isZero();
        CliRun.Run unknown = admin("users", "remove", "ann@users.test");
        assertThat(unknown.exit()).isNotZero();
        assertThat(unknown.err()).contains("no such user: ann@users.test");
    }

    /** Stores a body of {@code size} bytes, as intake would, and returns its id. */
    private static UUID storedBody(int size) {
        UUID id = MessageIds.next();
        try {
            BodyWriter w = stack.messages.newBody(id);
            w.write(new byte[size], 0, size);
            int chunks = w.finish();
            stack.messages.save(new StoredMessage(id, "x@example.test", List.of("q@quota.test"), size, chunks,
                    Instant.now(), java.net.InetAddress.getLoopbackAddress(), "test", io.cassmail.mail.HeaderSummary.EMPTY));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return id;
    }

    @Test
    void accountsWithMailNeedPurgeAndQuotasShowUsage() {
        admin("domains", "add", "quota.test");
        assertThat(admin("users", "add", "q@quota.test").exit()).isZero();
        List<UUID> bodies = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            bodies.add(storedBody(100));
            stack.mailboxes.writer().deliver("q@quota.test", new NewMessage(bodies.get(i), 100, Instant.now(), "x", "y"));
        }
        assertThat(admin("users", "quota", "q@quota.test", "--max-messages", "5", "--max-bytes", "1K").out())
                .contains("q@quota.test: 2 of 5 messages, 200 of 1024 bytes");
        assertThat(admin("users", "list", "--domain", "quota.test", "--usage", "--json").out())
                .contains("\"address\":\"q@quota.test\",\"messages\":2,\"bytes\":200,\"max_messages\":5,\"max_bytes\":1024");
        CliRun.Run badSize = admin("users", "quota", "q@quota.test", "--max-bytes", "lots");
        assertThat(badSize.exit()).isNotZero();
        assertThat(badSize.err()).contains("--max-bytes must be a size like 500M or 2G");
        assertThat(admin("mailbox", "verify", "q@quota.test").out()).contains("every folder is consistent");
        // a disaster: an entry row lost (say, a restored backup), which nothing in normal operation does
        FolderRow inbox = stack.mailboxes.reader().folder("q@quota.test", "INBOX").orElseThrow();
        stack.session.execute("DELETE FROM folder_entries USING TIMESTAMP " + (Long.MAX_VALUE - 1)
                + " WHERE folder_id = ? AND block = 0 AND uid = 2", inbox.id());
        CliRun.Run broken = admin("mailbox", "verify", "q@quota.test");
        assertThat(broken.exit()).isEqualTo(1);
        assertThat(broken.out()).contains("INBOX", "counts 2 messages");
        // the CLI's writer takes the account over, and a new writer counts a folder again when it first touches it
        assertThat(admin("users", "recount", "q@quota.test").out()).contains("q@quota.test: 1 messages, 100 bytes");
        assertThat(admin("mailbox", "verify", "q@quota.test").exit()).isZero();
        stack.mailboxes.writer().deliver("q@quota.test", new NewMessage(storedBody(100), 100, Instant.now(), "x", "y"));

        CliRun.Run refused = admin("users", "remove", "q@quota.test");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("still has 2 message(s)", "--purge");
        assertThat(admin("users", "remove", "q@quota.test", "--purge").out()).contains("removed user q@quota.test and 2 message(s)");
        assertThat(stack.messages.find(bodies.get(0))).as("bodies go with the account").isEmpty();
        assertThat(admin("users", "add", "q@quota.test").exit()).isZero();
        assertThat(Mail.inbox(stack.mailboxes, "q@quota.test")).as("a recreated account inherits nothing").isEmpty();
        assertThat(admin("users", "quota", "q@quota.test").out()).contains("0 of 1000000 messages");
    }

    @Test
    void importsTenThousandUsersAndReportsBadLinesByNumber(@TempDir Path dir) throws Exception {
        admin("domains", "add", "bulk.test");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            lines.add("user" + i + "@bulk.test pw" + i);
        }
        lines.add(3, "broken-line-without-password");
        lines.add(7, "someone@not-local.test pw");
        Path file = dir.resolve("users.txt");
        Files.write(file, lines);
        CliRun.Run run = admin("users", "import", file.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("imported 10000 users, 2 lines failed");
        assertThat(run.err()).contains("line 4: expected 'address password'", "line 8: domain not-local.test is not local");
        CliRun.Run list = admin("users", "list", "--domain", "bulk.test");
        assertThat(list.out().lines().count()).isEqualTo(10_000);
        // re-import with --replace succeeds line by line
        Files.write(file, lines.subList(0, 3));
        assertThat(admin("users", "import", "--replace", file.toString()).out()).contains("imported 3 users, 0 lines failed");
        // re-import with --skip-existing adds only the new line and keeps the rest as they are
        Files.write(file, List.of("user0@bulk.test other", "fresh@bulk.test pw"));
        CliRun.Run skip = admin("users", "import", "--skip-existing", file.toString());
        assertThat(skip.exit()).isZero();
        assertThat(skip.out()).contains("imported 1 users, 1 already existed, 0 lines failed");
        assertThat(admin("users", "list", "--domain", "bulk.test").out().lines().count()).isEqualTo(10_001);
    }

    @Test
    void mailboxesAndMessagesListShowRawAndDelete() throws Exception {
        admin("domains", "add", "mail.test");
        admin("users", "add", "mia@mail.test");
        assertThat(admin("mailboxes", "create", "mia@mail.test", "Projects/2026").exit()).isZero();
        assertThat(admin("mailboxes", "create", "mia@mail.test", "Archive").err()).contains("exists already");
        assertThat(admin("mailboxes", "list", "mia@mail.test", "--json").out()).contains("\"name\":\"Archive\",\"special_use\":\"\\\\Archive\"",
                "\"name\":\"INBOX\"", "\"name\":\"Projects\"", "\"name\":\"Projects/2026\"");
        assertThat(admin("mailboxes", "rename", "mia@mail.test", "Projects", "Work").exit()).isZero();
        assertThat(admin("mailboxes", "list", "mia@mail.test").out()).contains("Work/2026").doesNotContain("Projects");
        assertThat(admin("mailboxes", "delete", "mia@mail.test", "Work").err()).contains("has folders below it");
        assertThat(admin("mailboxes", "delete", "mia@mail.test", "Work/2026").exit()).isZero();
        String body = "From: Zed <zed@example.org>\r\nSubject: for the cli\r\n\r\nbody line\r\n";
        UUID id;
        stack.stopServer();
        stack.start(Role.SMTP, Role.WORKER);
        try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
            c.expect("220");
            c.send("EHLO cli.test").expect("250");
            id = Mail.send(c, "zed@example.org", "mia@mail.test", body);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> Mail.inbox(stack.mailboxes, "mia@mail.test").contains(id));
        CliRun.Run list = admin("messages", "list", "mia@mail.test", "--json");
        assertThat(list.out()).contains("\"id\":\"" + id + "\"", "\"subject\":\"for the cli\"", "\"from\":\"Zed <zed@example.org>\"");
        assertThat(admin("messages", "list", "mia@mail.test").out()).contains(id.toString(), "for the cli");
        assertThat(list.out()).contains("\"uid\":1,", "\"flags\":[]");
        CliRun.Run raw = admin("messages", "show", id.toString(), "--raw");
        String rawText = new String(raw.outBytes(), StandardCharsets.UTF_8);
        assertThat(rawText).startsWith("Received: from cli.test").endsWith(body);
        assertThat(admin("messages", "show", id.toString(), "--headers").out()).contains("Subject: for the cli").doesNotContain("body line");
        assertThat(admin("messages", "show", id.toString(), "--json").out()).contains("\"status\":\"DELIVERED\"", "\"envelope_from\":\"zed@example.org\"");
        CliRun.Run noSuch = admin("messages", "show", com.datastax.oss.driver.api.core.uuid.Uuids.timeBased().toString());
        assertThat(noSuch.exit()).isNotZero();
        assertThat(noSuch.err()).contains("no such message");
        assertThat(admin("messages", "show", "not-a-uuid").err()).contains("is not a message id");
        assertThat(admin("messages", "show", UUID.randomUUID().toString()).err()).contains("is not a message id");
        // the server holds mia's mailbox now: the CLI's change goes to it over RabbitMQ
        CliRun.Run delete = admin("messages", "delete", "mia@mail.test", id.toString());
        assertThat(delete.exit()).as(delete.err()).isZero();
        assertThat(Mail.inbox(stack.mailboxes, "mia@mail.test")).doesNotContain(id);
        assertThat(stack.messages.find(id)).as("body released").isEmpty();
        assertThat(admin("messages", "delete", "mia@mail.test", id.toString()).err()).contains("is not in mia@mail.test's INBOX");
        assertThat(admin("stats", "--json").out()).containsPattern("\\{\"domains\":\\d+,\"users\":\\d+,\"messages\":\\d+,\"bytes\":\\d+,\"listed\":\\d+,\"listed_bytes\":\\d+\\}");
    }

    @Test
    void queueStatusParkedAndRequeue() throws Exception {
        CliRun.Run status = admin("queue", "status", "--json");
        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains("\"queue\":\"" + stack.topology.deliveryQueue() + "\"", "\"ready\":", "\"consumers\":");
        try (var c = MailStack.broker(); var ch = c.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish("", stack.topology.parkingQueue(), com.rabbitmq.client.MessageProperties.PERSISTENT_BASIC.builder()
                    .headers(java.util.Map.of("x-cassmail-reason", "test parking")).build(), "garbage".getBytes(StandardCharsets.US_ASCII));
            ch.waitForConfirmsOrDie(10_000);
        }
        assertThat(admin("queue", "parked").out()).contains("test parking");
        assertThat(admin("queue", "parked", "--json").out()).contains("\"reason\":\"test parking\"");
        assertThat(admin("queue", "requeue-parked", "--all").out()).contains("requeued 1 parked job(s)");
        assertThat(admin("queue", "parked").out()).contains("no parked jobs");
        CliRun.Run missing = admin("queue", "requeue-parked", UUID.randomUUID().toString());
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("no parked job for message");
    }

    @Test
    void clusterStatusAndCompletionAndHelp() {
        CliRun.Run cluster = admin("cluster", "status", "--json");
        assertThat(cluster.out()).contains("\"state\":\"UP\"", "\"datacenter\":\"datacenter1\"", "\"schema_agreement\":true");
        assertThat(admin("completion").out()).contains("cassmail-admin");
        assertThat(admin("--help").out()).contains("schema", "domains", "users", "mailboxes", "messages", "queue", "cluster", "stats");
    }

    @Test
    void unreachableServicesAreNamedInOneSentence() {
        long t0 = System.nanoTime();
        CliRun.Run cassandra = admin("domains", "list", "--set", "cassandra=127.0.0.1:1", "--set", "cassandra.connect-timeout=3s");
        assertThat(cassandra.exit()).isNotZero();
        assertThat(cassandra.err()).contains("cannot reach Cassandra at 127.0.0.1:1").doesNotContain("\tat ");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
        CliRun.Run rabbit = admin("queue", "status", "--set", "amqp.uri=amqp://guest:guest@127.0.0.1:1/");
        assertThat(rabbit.exit()).isNotZero();
        assertThat(rabbit.err()).contains("cannot reach RabbitMQ at 127.0.0.1:1").doesNotContain("\tat ");
    }

    @Test
    void usersAliasAddListRemoveAndErrors() {
        admin("domains", "add", "alias.test");
        admin("users", "add", "owner@alias.test");
        admin("users", "add", "other@alias.test");
        assertThat(admin("users", "alias", "add", "Sales@Alias.test", "owner@alias.test").out())
                .contains("alias sales@alias.test -> owner@alias.test");
        assertThat(admin("users", "alias", "list", "owner@alias.test", "--json").out().strip())
                .isEqualTo("[\"sales@alias.test\"]");
        CliRun.Run taken = admin("users", "alias", "add", "sales@alias.test", "other@alias.test");
        assertThat(taken.exit()).isNotZero();
        assertThat(taken.err()).contains("already an alias of owner@alias.test");
        CliRun.Run account = admin("users", "alias", "add", "other@alias.test", "owner@alias.test");
        assertThat(account.err()).contains("is an account of its own");
        CliRun.Run foreign = admin("users", "alias", "add", "x@elsewhere.test", "owner@alias.test");
        assertThat(foreign.err()).contains("domain elsewhere.test is not local");
        CliRun.Run shadow = admin("users", "add", "sales@alias.test");
        assertThat(shadow.exit()).isNotZero();
        assertThat(shadow.err()).contains("is an alias of owner@alias.test");
        assertThat(admin("users", "alias", "remove", "sales@alias.test").exit()).isZero();
        CliRun.Run gone = admin("users", "alias", "remove", "sales@alias.test");
        assertThat(gone.exit()).isNotZero();
        assertThat(gone.err()).contains("no such alias: sales@alias.test");
    }

    @Test
    void tlsStatusShowsTheCertificateOrSaysWhatIsMissing(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path[] pair = io.cassmail.testing.TestCerts.create(dir, "status.cassmail.test", "ec");
        CliRun.Run ok = admin("tls", "status", "--json", "--set", "tls.cert=" + pair[0], "--set", "tls.key=" + pair[1]);
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("\"subject\":\"CN=status.cassmail.test\"").contains("\"days_left\":")
                .contains("\"names\":[\"localhost\",\"127.0.0.1\"]");
        CliRun.Run none = admin("tls", "status", "--set", "tls.cert=", "--set", "tls.key=");
        assertThat(none.exit()).isNotZero();
        assertThat(none.err()).contains("no TLS configured");
        CliRun.Run mismatch = admin("tls", "status", "--set", "tls.cert=" + pair[0], "--set", "tls.key=" + dir.resolve("none"));
        assertThat(mismatch.exit()).isNotZero();
        assertThat(mismatch.err()).contains("cannot read TLS certificate or key").doesNotContain("Exception");
    }

    @Test
    void domainsDkimMakesListsAndRemovesKeys() {
        admin("domains", "add", "dkim.test");
        CliRun.Run made = admin("domains", "dkim", "dkim.test", "--selector", "s1");
        assertThat(made.exit()).as(made.err()).isZero();
        assertThat(made.out()).contains("s1._domainkey.dkim.test. IN TXT ( \"v=DKIM1; k=rsa; p=MII");
        assertThat(admin("domains", "dkim", "dkim.test", "--selector", "s2").exit()).isZero();
        String listed = admin("domains", "dkim", "dkim.test", "--list", "--json").out();
        assertThat(listed).contains("\"selector\":\"s2\",\"signing\":true").contains("\"selector\":\"s1\",\"signing\":false");
        CliRun.Run again = admin("domains", "dkim", "dkim.test", "--selector", "s1");
        assertThat(again.exit()).isNotZero();
        assertThat(again.err()).contains("already has a key with selector s1");
        assertThat(admin("domains", "dkim", "dkim.test", "--remove", "s1").exit()).isZero();
        assertThat(admin("domains", "dkim", "dkim.test", "--remove", "s1").err()).contains("has no DKIM key with selector s1");
        assertThat(admin("domains", "dkim", "elsewhere.test").err()).contains("domain elsewhere.test is not local");
    }

    @Test
    void queueListRetryAndDeleteWorkOnPendingRecipients() throws Exception {
        admin("domains", "add", "pending.test");
        admin("users", "add", "dora@pending.test");
        java.util.UUID id;
        try (io.cassmail.testing.SmtpLineClient c = new io.cassmail.testing.SmtpLineClient(stack.smtpPort())) {
            c.expect("220");
            c.send("EHLO client.test").expect("250");
            id = io.cassmail.testing.Mail.send(c, "x@example.org", "dora@pending.test", "Subject: waits\r\n\r\nx\r\n");
        }
        // this stack runs no workers: the recipient stays QUEUED
        CliRun.Run listed = admin("queue", "list", "--json", "--since", "1h");
        assertThat(listed.exit()).as(listed.err()).isZero();
        assertThat(listed.out()).contains("\"id\":\"" + id + "\"").contains("\"recipient\":\"dora@pending.test\"")
                .contains("\"lane\":\"delivery\"").contains("\"status\":\"QUEUED\"").contains("\"next_attempt\":\"now\"");
        assertThat(admin("queue", "list", "--deferred", "--since", "1h").out()).doesNotContain(id.toString());
        CliRun.Run retried = admin("queue", "retry", id.toString());
        assertThat(retried.exit()).as(retried.err()).isZero();
        assertThat(retried.out()).contains("1 pending recipient(s) queued for another attempt now");
        CliRun.Run deleted = admin("queue", "delete", id.toString());
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("gave up on 1 recipient(s); the message is deleted");
        assertThat(admin("queue", "list", "--json", "--since", "1h").out()).doesNotContain(id.toString());
        CliRun.Run gone = admin("queue", "retry", id.toString());
        assertThat(gone.exit()).isNotZero();
        assertThat(gone.err()).contains("no such message: " + id);
        assertThat(admin("queue", "delete", "not-an-id").err()).contains("is not a message id");
    }

    @Test
    void schemaApplyChangesAKeyspacesReplicationOnlyWhenTheSettingIsGivenAndSaysToRepair() {
        String ks = "repl_" + Long.toHexString(System.nanoTime());
        CliRun.Run created = admin("schema", "apply", "--set", "keyspace=" + ks);
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).contains("keyspace " + ks + " is at schema version");
        assertThat(admin("cluster", "status", "--set", "keyspace=" + ks).out())
                .contains("keyspace " + ks + ": replication SimpleStrategy:1").doesNotContain("WARNING");

        CliRun.Run changed = admin("schema", "apply", "--set", "keyspace=" + ks, "--set", "replication=datacenter1:1");
        assertThat(changed.exit()).as(changed.err()).isZero();
        assertThat(changed.out()).contains("replication of keyspace " + ks + " changed from SimpleStrategy:1 to datacenter1:1")
                .contains("nodetool repair -full " + ks).contains("(nothing to apply)");

        CliRun.Run kept = admin("schema", "apply", "--set", "keyspace=" + ks);
        assertThat(kept.exit()).as(kept.err()).isZero();
        assertThat(kept.out()).contains("keyspace " + ks + " keeps its replication datacenter1:1")
                .contains("--set replication=SimpleStrategy:1");
        assertThat(admin("cluster", "status", "--set", "keyspace=" + ks).out())
                .contains("keyspace " + ks + ": replication datacenter1:1");
    }
}
