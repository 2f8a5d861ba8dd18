package io.cassmail.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cassmail.app.Role;
import io.cassmail.queue.DeliveryJob;
import io.cassmail.queue.RabbitQueues;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.SmtpLineClient;
import io.cassmail.testing.TestCerts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API over HTTPS on a real server (Cassandra, RabbitMQ, a worker): the CLI and the API give the same
 * results for the same operations, tokens from the CLI work and stop working when revoked, and the audit log names
 * both.
 */
class AdminApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static MailStack stack;
    static HttpClient https;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        Path[] pair = TestCerts.create(dir.resolve("tls"), "admin.cassmail.test", "ec");
        stack = MailStack.create("adminapi", "admin.port=0", "tls.cert=" + pair[0], "tls.key=" + pair[1],
                "password.argon2-memory=64K", "password.argon2-iterations=1").start(Role.SMTP, Role.WORKER);
        https = HttpClient.newBuilder().sslContext(TestCerts.trustingClient()).connectTimeout(Duration.ofSeconds(10)).build();
        assertThat(cli("root-password\n", "admins", "add", "root", "--password-stdin").exit()).isZero();
        CliRun.Run made = cli("", "admins", "token", "root", "--label", "provisioning");
        assertThat(made.exit()).as(made.err()).isZero();
        token = made.out().strip();
        assertThat(token).startsWith("cmt_");
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    private static CliRun.Run cli(String stdin, String... args) {
        return CliRun.run(stack.settings, stdin, args);
    }

    private record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    }

    private static Reply call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + stack.adminPort() + "/api/v1" + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = https.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()), r);
    }

    @Test
    void domainsAndUsersMadeOnEitherSideLookTheSameOnTheOther() throws Exception {
        assertThat(call("POST", "/domains", "{\"name\": \"api.parity.test\"}").status()).isEqualTo(201);
        assertThat(cli("", "domains", "add", "cli.parity.test").exit()).isZero();
        List<String> viaCli = List.of(JSON.readValue(cli("", "domains", "list", "--json").out(), String[].class));
        JsonNode viaApi = call("GET", "/domains?limit=1000", null).body().get("items");
        assertThat(viaApi.findValuesAsText("name")).isEqualTo(viaCli).contains("api.parity.test", "cli.parity.test");

        assertThat(call("POST", "/users", "{\"address\": \"ann@api.parity.test\", \"password\": \"ann-pw\"}").status())
                .isEqualTo(201);
        assertThat(cli("bob-pw\n", "users", "add", "bob@api.parity.test", "--password-stdin").exit()).isZero();
        assertThat(cli("", "users", "quota", "ann@api.parity.test", "--max-messages", "7").exit()).isZero();
        JsonNode cliRows = JSON.readTree(cli("", "users", "list", "--domain", "api.parity.test", "--usage", "--json").out());
        assertThat(cliRows).hasSize(2);
        for (JsonNode row : cliRows) {
            JsonNode api = call("GET", "/users/" + row.get("address").asText(), null).body();
            for (String field : List.of("address", "messages", "bytes", "max_messages", "max_bytes")) {
                assertThat(api.get(field)).as(field).isEqualTo(row.get(field));
            }
        }
        assertThat(call("GET", "/users/ann@api.parity.test", null).body().get("max_messages").asLong()).isEqualTo(7);
        assertThat(call("GET", "/users?domain=api.parity.test", null).body().get("items").findValuesAsText("address"))
                .containsExactly("ann@api.parity.test", "bob@api.parity.test");

        // the same refusal, in the same words, from both
        String cliError = cli("", "users", "add", "ann@api.parity.test").err();
        JsonNode problem = call("POST", "/users", "{\"address\": \"bob@api.parity.test\"}").body();
        assertThat(problem.get("status").asInt()).isEqualTo(409);
        assertThat(cliError).contains("user ann@api.parity.test already exists");
        assertThat(problem.get("detail").asText()).isEqualTo("user bob@api.parity.test already exists");
    }

    @Test
    void aUserWithMailIsRemovedOnlyWithPurgeOnBothSides() throws Exception {
        call("POST", "/domains", "{\"name\": \"purge.test\"}");
        call("POST", "/users", "{\"address\": \"full@purge.test\"}");
        call("POST", "/users", "{\"address\": \"other@purge.test\"}");
        for (String to : List.of("full@purge.test", "other@purge.test")) {
            try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
                c.expect("220");
                c.send("EHLO client.test").expect("250");
                Mail.send(c, "x@sender.test", to, "Subject: for purge\r\n\r\nbody\r\n");
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() ->
                call("GET", "/users/full@purge.test", null).body().get("messages").asLong() == 1
                        && call("GET", "/users/other@purge.test", null).body().get("messages").asLong() == 1);
        // the folders, the listing and the stored bytes are the CLI's too
        JsonNode folders = call("GET", "/users/full@purge.test/folders", null).body().get("items");
        JsonNode cliFolders = JSON.readTree(cli("", "mailboxes", "list", "full@purge.test", "--json").out());
        assertThat(folders).isEqualTo(cliFolders);
        assertThat(folders.findValuesAsText("name")).contains("INBOX", "Junk", "Sent");
        JsonNode listed = call("GET", "/users/full@purge.test/folders/INBOX/messages?limit=10", null).body().get("items");
        assertThat(listed).isEqualTo(JSON.readTree(cli("", "messages", "list", "full@purge.test", "--json").out()));
        String id = listed.get(0).get("id").asText();
        HttpResponse<byte[]> raw = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + stack.adminPort()
                        + "/api/v1/messages/" + id + "/raw")).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(raw.headers().firstValue("Content-Type")).hasValue("message/rfc822");
        assertThat(raw.body()).isEqualTo(cli("", "messages", "show", id, "--raw").outBytes());
        assertThat(new String(raw.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("Subject: for purge");
        assertThat(call("GET", "/messages/" + id, null).body().get("subject").asText()).isEqualTo("for purge");
        assertThat(cli("", "mailboxes", "create", "full@purge.test", "Lists/cassmail").exit()).isZero();
        assertThat(call("GET", "/users/full@purge.test/folders/Lists%2Fcassmail/messages", null).body().get("items"))
                .isEmpty();
        assertThat(call("GET", "/users/full@purge.test/folders/Nowhere/messages", null).status()).isEqualTo(404);

        Reply refused = call("DELETE", "/users/full@purge.test", null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().get("detail").asText()).contains("still has 1 message(s)");
        CliRun.Run cliRefused = cli("", "users", "remove", "other@purge.test");
        assertThat(cliRefused.exit()).isNotZero();
        assertThat(cliRefused.err()).contains("still has 1 message(s)").contains("--purge");

        Reply purged = call("DELETE", "/users/full@purge.test?purge=true", null);
        assertThat(purged.status()).isEqualTo(200);
        assertThat(purged.body().get("removed_messages").asLong()).isEqualTo(1);
        assertThat(cli("", "users", "remove", "other@purge.test", "--purge").out())
                .contains("removed user other@purge.test and 1 message(s)");
        assertThat(call("GET", "/users/full@purge.test", null).status()).isEqualTo(404);
    }

    @Test
    void dkimKeysAndParkedJobsAreTheSameThroughEither() throws Exception {
        call("POST", "/domains", "{\"name\": \"dkim.parity.test\"}");
        JsonNode key = call("POST", "/domains/dkim.parity.test/dkim", "{\"selector\": \"api1\"}").body();
        JsonNode listed = JSON.readTree(cli("", "domains", "dkim", "dkim.parity.test", "--list", "--json").out());
        assertThat(listed.get(0).get("selector").asText()).isEqualTo("api1");
        assertThat(listed.get(0).get("txt")).isEqualTo(key.get("txt"));

        UUID parked = UUID.randomUUID();
        try (RabbitQueues queues = new RabbitQueues(stack.config, "admin-api-it")) {
            queues.jobs().park(DeliveryJob.first(parked).encode(), "parked by AdminApiIT");
        }
        JsonNode apiParked = call("GET", "/queue/parked", null).body().get("items");
        assertThat(apiParked.findValuesAsText("message_id")).contains(parked.toString());
        assertThat(cli("", "queue", "parked").out()).contains(parked.toString()).contains("parked by AdminApiIT");
        Reply moved = call("POST", "/queue/parked/" + parked + "/requeue", null);
        assertThat(moved.body().get("requeued").asInt()).isEqualTo(1);
        assertThat(cli("", "queue", "parked").out()).doesNotContain(parked.toString());
        JsonNode queues = call("GET", "/queue", null).body().get("items");
        assertThat(queues.findValuesAsText("queue")).anyMatch(q -> q.endsWith(".delivery"));
    }

    @Test
    void tokensFromTheCliWorkUntilRevokedAndTheAuditLogNamesEveryone() throws Exception {
        String second = cli("", "admins", "token", "root", "--label", "short-lived").out().strip();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + stack.adminPort() + "/api/v1/session"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + second);
        assertThat(https.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        String id = cli("", "admins", "tokens", "root").out().lines().filter(l -> l.contains("short-lived"))
                .findFirst().orElseThrow().split(" ")[0];
        assertThat(cli("", "admins", "revoke", "root", id).exit()).isZero();
        HttpResponse<String> revoked = https.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(revoked.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        call("POST", "/domains", "{\"name\": \"audited.test\"}");
        cli("", "domains", "remove", "audited.test");
        JsonNode entries = JSON.readTree(cli("", "audit", "--json").out());
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.get("action").asText()).isEqualTo("domain.add");
            assertThat(e.get("target").asText()).isEqualTo("audited.test");
            assertThat(e.get("actor").asText()).startsWith("token:root/");
            assertThat(e.get("remote").asText()).isEqualTo("127.0.0.1");
        });
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.get("action").asText()).isEqualTo("domain.remove");
            assertThat(e.get("actor").asText()).startsWith("cli:");
        });
        JsonNode viaApi = call("GET", "/audit", null).body().get("items");
        assertThat(viaApi.findValuesAsText("action")).contains("admin.token.revoke", "domain.add", "domain.remove");
    }

    @Test
    void theListenerSpeaksOnlyTlsAndRefusesAnonymousCalls() throws Exception {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.adminPort()
                + "/api/v1/domains")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.io.IOException.class);
        HttpResponse<String> anonymous = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                + stack.adminPort() + "/api/v1/users")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                + stack.adminPort() + "/health")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        HttpResponse<String> login = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                        + stack.adminPort() + "/api/v1/session")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"root\", \"password\": \"root-password\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(201);
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("Secure").contains("HttpOnly");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        HttpResponse<String> noCsrf = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                        + stack.adminPort() + "/api/v1/domains")).timeout(Duration.ofSeconds(10)).header("Cookie", cookie)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"csrf.test\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(call("POST", "/domains", "{\"name\": ").status()).isEqualTo(400);
        assertThat(call("POST", "/domains", "{\"name\": \"" + "x".repeat(200_000) + "\"}").status()).isEqualTo(413);
        assertThat(JSON.readValue(cli("", "domains", "list", "--json").out(), String[].class)).doesNotContain("csrf.test");
    }
}
