package io.cassmail.http.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cassmail.auth.LoginPenalty;
import io.cassmail.auth.PasswordAuthenticator;
import io.cassmail.auth.PasswordHasher;
import io.cassmail.config.CassMailConfig;
import io.cassmail.mailbox.MailboxWriter;
import io.cassmail.mailbox.Mailboxes;
import io.cassmail.operations.Actor;
import io.cassmail.operations.Operations;
import io.cassmail.operations.QueueOperations;
import io.cassmail.queue.DeliveryJob;
import io.cassmail.queue.MemoryParkingLot;
import io.cassmail.queue.ParkedJob;
import io.cassmail.queue.QueueDepth;
import io.cassmail.store.Stores;
import io.cassmail.store.memory.MemoryAdminStore;
import io.cassmail.store.memory.MemoryStores;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin API over real HTTP on the memory twins: authentication, CSRF, problems, pagination, the OpenAPI document. */
class AdminApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final MemoryParkingLot parking = new MemoryParkingLot();
    private Operations ops;
    private AdminHttpServer server;
    private String token;

    @BeforeEach
    void start() throws IOException {
        Stores stores = MemoryStores.create(Clock.systemUTC()).stores();
        Mailboxes mailboxes = Mailboxes.on(stores, MailboxWriter.Settings.of("test"));
        PasswordHasher hasher = new PasswordHasher(64, 1);
        ops = Operations.on(stores, mailboxes, new MemoryAdminStore(Clock.systemUTC()), hasher, 1000, 1 << 30,
                new QueueOperations.Parts(() -> List.of(new QueueDepth("cassmail.delivery", 3L, 0L)), parking, null),
                () -> new io.cassmail.store.ClusterView.Status("test", true, List.of(new io.cassmail.store.ClusterView.Node(
                        "127.0.0.1:9042", "UP", "dc1", "rack1", "5.0.9", null)), "cassmail", "dc1:1", List.of()),
                Clock.systemUTC());
        server = new AdminHttpServer(new CassMailConfig.AdminConfig("127.0.0.1", 0, Duration.ofHours(1), 64 * 1024), null,
                ops, new PasswordAuthenticator(stores.directory(), hasher), new LoginPenalty(5, Duration.ofMinutes(5),
                Clock.systemUTC()), Duration.ofMinutes(15), null, Clock.systemUTC());
        server.start();
        ops.admins().add(Actor.cli(), "root", "root-secret");
        token = ops.admins().newToken(Actor.cli(), "root", "tests");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Reply(int status, JsonNode body, HttpResponse<String> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private Reply send(HttpRequest.Builder b) throws Exception {
        HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()), r);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1" + path));
    }

    private HttpRequest.Builder withToken(String path) {
        return request(path).header("Authorization", "Bearer " + token);
    }

    private static HttpRequest.BodyPublisher json(String body) {
        return HttpRequest.BodyPublishers.ofString(body);
    }

    private static String basic(String name, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static void assertProblem(Reply r, int status) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(r.body().get("status").asInt()).isEqualTo(status);
        assertThat(r.body().get("detail").asText()).isNotBlank();
    }

    @Test
    void anAnonymousCallIsRefusedWithAChallengeExceptFromTheWebAdmin() throws Exception {
        Reply r = send(request("/domains"));
        assertProblem(r, 401);
        assertThat(r.header("WWW-Authenticate")).contains("Basic").contains("Bearer");
        Reply web = send(request("/domains").header(AdminHttpServer.WEB_HEADER, "1"));
        assertProblem(web, 401);
        assertThat(web.header("WWW-Authenticate")).isNull();
        assertProblem(send(request("/openapi.json")), 401);
    }

    @Test
    void aTokenAddsAndListsDomainsAndAWrongOrRevokedOneIsRefused() throws Exception {
        Reply added = send(withToken("/domains").header("Content-Type", "application/json")
                .POST(json("{\"name\": \"Example.ORG\"}")));
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.body().get("name").asText()).isEqualTo("example.org");
        Reply list = send(withToken("/domains"));
        assertThat(list.body().get("items").get(0).get("name").asText()).isEqualTo("example.org");
        assertThat(list.body().has("next")).isTrue();
        assertThat(list.body().get("next").isNull()).isTrue();

        assertProblem(send(request("/domains").header("Authorization", "Bearer cmt_wrong")), 401);
        String id = ops.admins().tokens("root").get(0).id();
        ops.admins().revokeToken(Actor.cli(), "root", id);
        assertProblem(send(withToken("/domains")), 401);
    }

    @Test
    void basicAuthSeparatesAdminsFromUsersWhoSeeOnlyTheirOwnAccount() throws Exception {
        ops.domains().add(Actor.cli(), "example.org");
        ops.users().add(Actor.cli(), "alice@example.org", "alice-secret");
        assertThat(send(request("/domains").header("Authorization", basic("root", "root-secret"))).status()).isEqualTo(200);
        assertProblem(send(request("/domains").header("Authorization", basic("alice@example.org", "alice-secret"))), 403);
        Reply me = send(request("/me").header("Authorization", basic("alice@example.org", "alice-secret")));
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.body().get("address").asText()).isEqualTo("alice@example.org");
        assertThat(me.body().get("max_messages").asLong()).isEqualTo(1000);
        assertProblem(send(request("/me").header("Authorization", basic("alice@example.org", "wrong"))), 401);
    }

    @Test
    void aBrowserSessionNeedsItsCsrfTokenForChangesAndEndsAtSignOut() throws Exception {
        Reply login = send(request("/session").header("Content-Type", "application/json")
                .POST(json("{\"name\": \"root\", \"password\": \"root-secret\"}")));
        assertThat(login.status()).isEqualTo(201);
        String setCookie = login.header("Set-Cookie");
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String csrf = login.body().get("csrf").asText();

        Reply noCsrf = send(request("/domains").header("Cookie", cookie).header("Content-Type", "application/json")
                .POST(json("{\"name\": \"a.example\"}")));
        assertProblem(noCsrf, 403);
        assertThat(ops.domains().list()).isEmpty();
        Reply withCsrf = send(request("/domains").header("Cookie", cookie).header("X-CSRF-Token", csrf)
                .header("Content-Type", "application/json").POST(json("{\"name\": \"a.example\"}")));
        assertThat(withCsrf.status()).isEqualTo(201);
        assertThat(send(request("/session").header("Cookie", cookie)).body().get("name").asText()).isEqualTo("root");

        assertThat(send(request("/session").header("Cookie", cookie).header("X-CSRF-Token", csrf).DELETE()).status())
                .isEqualTo(204);
        assertProblem(send(request("/domains").header("Cookie", cookie)), 401);
    }

    @Test
    void aChangeFromAnotherOriginOrAsAFormIsRefused() throws Exception {
        Reply crossOrigin = send(withToken("/domains").header("Origin", "https://evil.example")
                .header("Content-Type", "application/json").POST(json("{\"name\": \"b.example\"}")));
        assertProblem(crossOrigin, 403);
        Reply form = send(withToken("/domains").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(json("name=b.example")));
        assertProblem(form, 415);
        assertThat(ops.domains().list()).isEmpty();
    }

    @Test
    void malformedJsonMissingFieldsAndHugeBodiesAreProblems() throws Exception {
        assertProblem(send(withToken("/domains").header("Content-Type", "application/json").POST(json("{\"name\": "))), 400);
        assertProblem(send(withToken("/domains").header("Content-Type", "application/json").POST(json("[1, 2]"))), 400);
        assertProblem(send(withToken("/domains").header("Content-Type", "application/json").POST(json("{}"))), 400);
        assertProblem(send(withToken("/domains").header("Content-Type", "application/json")
                .POST(json("{\"name\": 7}"))), 400);
        assertProblem(send(withToken("/domains").header("Content-Type", "application/json")
                .POST(json("{\"name\": \"not a domain\"}"))), 400);
        String huge = "{\"name\": \"" + "x".repeat(100_000) + "\"}";
        assertProblem(send(withToken("/domains").header("Content-Type", "application/json").POST(json(huge))), 413);
        Reply chunked = send(withToken("/domains").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        huge.getBytes(StandardCharsets.UTF_8)))));
        assertProblem(chunked, 413);
        assertThat(ops.domains().list()).isEmpty();
    }

    @Test
    void unknownPathsAndMethodsAreProblems() throws Exception {
        assertProblem(send(withToken("/nothing")), 404);
        Reply wrongMethod = send(withToken("/queue").DELETE());
        assertProblem(wrongMethod, 405);
        assertThat(wrongMethod.header("Allow")).isEqualTo("GET");
        assertProblem(send(withToken("/users/nobody@example.org")), 404);
    }

    @Test
    void failedLoginsSpendTheClientsBudgetAndThenAreRefusedWithRetryAfter() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertProblem(send(request("/domains").header("Authorization", basic("root", "wrong-" + i))), 401);
        }
        Reply refused = send(request("/domains").header("Authorization", basic("root", "root-secret")));
        assertProblem(refused, 429);
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
    }

    @Test
    void listsArePagedWithACursorThatVisitsEveryItemOnce() throws Exception {
        for (int i = 0; i < 7; i++) {
            ops.domains().add(Actor.cli(), "d" + i + ".example");
        }
        Set<String> seen = new HashSet<>();
        List<String> order = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Reply page = send(withToken("/domains?limit=3" + (cursor == null ? "" : "&cursor=" + cursor)));
            assertThat(page.body().get("items").size()).isLessThanOrEqualTo(3);
            page.body().get("items").forEach(d -> {
                assertThat(seen.add(d.get("name").asText())).isTrue();
                order.add(d.get("name").asText());
            });
            cursor = page.body().get("next").isNull() ? null : page.body().get("next").asText();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(order).hasSize(7).isSorted();
        assertProblem(send(withToken("/domains?limit=0")), 400);
        assertProblem(send(withToken("/domains?cursor=%21%21")), 400);
    }

    @Test
    void usersAreCreatedShownGivenAPasswordAndRemoved() throws Exception {
        ops.domains().add(Actor.cli(), "example.org");
        Reply created = send(withToken("/users").header("Content-Type", "application/json")
                .POST(json("{\"address\": \"Bob@Example.org\", \"password\": \"first\"}")));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().get("address").asText()).isEqualTo("bob@example.org");
        assertThat(created.body().get("messages").asLong()).isZero();
        assertProblem(send(withToken("/users").header("Content-Type", "application/json")
                .POST(json("{\"address\": \"bob@example.org\"}"))), 409);
        assertProblem(send(withToken("/users").header("Content-Type", "application/json")
                .POST(json("{\"address\": \"carol@elsewhere.example\"}"))), 404);
        assertThat(send(withToken("/users/bob@example.org/password").header("Content-Type", "application/json")
                .PUT(json("{\"password\": \"second\"}"))).status()).isEqualTo(204);
        assertThat(send(request("/me").header("Authorization", basic("bob@example.org", "second"))).status()).isEqualTo(200);
        Reply quota = send(withToken("/users/bob@example.org/quota").header("Content-Type", "application/json")
                .PUT(json("{\"max_messages\": 50}")));
        assertThat(quota.body().get("max_messages").asLong()).isEqualTo(50);
        assertThat(quota.body().get("own_limits").asBoolean()).isTrue();
        assertThat(send(withToken("/users?domain=example.org")).body().get("items").get(0).get("address").asText())
                .isEqualTo("bob@example.org");
        assertThat(send(withToken("/users?domain=example.org&usage=true")).body().get("items").get(0).get("max_messages")
                .asLong()).isEqualTo(50);
        Reply removed = send(withToken("/users/bob@example.org").DELETE());
        assertThat(removed.status()).isEqualTo(200);
        assertThat(ops.users().list(null)).isEmpty();
    }

    @Test
    void aliasesAndFoldersOfAnAccount() throws Exception {
        ops.domains().add(Actor.cli(), "example.org");
        ops.users().add(Actor.cli(), "dan@example.org", null);
        Reply added = send(withToken("/users/dan@example.org/aliases").header("Content-Type", "application/json")
                .POST(json("{\"alias\": \"Sales+EU@example.org\"}")));
        assertThat(added.status()).isEqualTo(201);
        assertThat(send(withToken("/users/dan@example.org/aliases")).body().get("items").get(0).asText())
                .isEqualTo("sales+eu@example.org");
        assertProblem(send(withToken("/users/dan@example.org/aliases").header("Content-Type", "application/json")
                .POST(json("{\"alias\": \"dan@example.org\"}"))), 409);
        assertThat(send(withToken("/users/dan@example.org/aliases/sales+eu@example.org").DELETE()).status()).isEqualTo(204);
        assertProblem(send(withToken("/users/dan@example.org/aliases/sales+eu@example.org").DELETE()), 404);

        JsonNode folders = send(withToken("/users/dan@example.org/folders")).body().get("items");
        assertThat(folders.findValuesAsText("name")).contains("INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash");
        assertThat(send(withToken("/users/dan@example.org/folders/INBOX/messages")).body().get("items")).isEmpty();
        assertProblem(send(withToken("/users/dan@example.org/folders/Nowhere/messages")), 404);
        assertProblem(send(withToken("/messages/not-an-id")), 400);
        assertProblem(send(withToken("/messages/" + io.cassmail.mail.MessageIds.next())), 404);
    }

    @Test
    void theClusterAsTheStoreSeesIt() throws Exception {
        JsonNode cluster = send(withToken("/cluster")).body();
        assertThat(cluster.get("schema_agreement").asBoolean()).isTrue();
        assertThat(cluster.get("nodes").get(0).get("state").asText()).isEqualTo("UP");
        assertThat(cluster.get("replication").asText()).isEqualTo("dc1:1");
    }

    @Test
    void aUserChangesTheirOwnPasswordOnlyWithTheCurrentOne() throws Exception {
        ops.domains().add(Actor.cli(), "example.org");
        ops.users().add(Actor.cli(), "alice@example.org", "old-one");
        String auth = basic("alice@example.org", "old-one");
        assertProblem(send(request("/me/password").header("Authorization", auth).header("Content-Type", "application/json")
                .PUT(json("{\"current_password\": \"guess\", \"password\": \"new-one\"}"))), 403);
        assertThat(send(request("/me/password").header("Authorization", auth).header("Content-Type", "application/json")
                .PUT(json("{\"current_password\": \"old-one\", \"password\": \"new-one\"}"))).status()).isEqualTo(204);
        assertThat(send(request("/me").header("Authorization", basic("alice@example.org", "new-one"))).status())
                .isEqualTo(200);
    }

    @Test
    void anAdminChangesTheirOwnPasswordAndTheAuditLogSaysSo() throws Exception {
        String auth = basic("root", "root-secret");
        assertThat(send(request("/me/password").header("Authorization", auth).header("Content-Type", "application/json")
                .PUT(json("{\"current_password\": \"root-secret\", \"password\": \"root-2\"}"))).status()).isEqualTo(204);
        assertProblem(send(request("/domains").header("Authorization", auth)), 401);
        assertThat(send(request("/domains").header("Authorization", basic("root", "root-2"))).status()).isEqualTo(200);
        assertThat(ops.adminStore().audit(java.time.LocalDate.now(java.time.ZoneOffset.UTC), 1).get(0).action())
                .isEqualTo("admin.password");
        assertProblem(send(request("/domains").header("Authorization", basic("nobody", "root-2"))), 401);
    }

    @Test
    void dkimKeysAreMadeWithTheRecordToPublish() throws Exception {
        ops.domains().add(Actor.cli(), "example.org");
        Reply key = send(withToken("/domains/example.org/dkim").header("Content-Type", "application/json")
                .POST(json("{\"selector\": \"s1\"}")));
        assertThat(key.status()).isEqualTo(201);
        assertThat(key.body().get("dns_name").asText()).isEqualTo("s1._domainkey.example.org");
        assertThat(key.body().get("txt").asText()).startsWith("v=DKIM1; k=rsa; p=");
        assertThat(key.body().get("zone_line").asText()).startsWith("s1._domainkey.example.org. IN TXT (");
        assertThat(send(withToken("/domains/example.org/dkim")).body().get("items").get(0).get("signing").asBoolean())
                .isTrue();
        assertProblem(send(withToken("/domains/example.org/dkim").header("Content-Type", "application/json")
                .POST(json("{\"selector\": \"s1\"}"))), 409);
        assertThat(send(withToken("/domains/example.org/dkim/s1").DELETE()).status()).isEqualTo(204);
        assertProblem(send(withToken("/domains/example.org/dkim/s1").DELETE()), 404);
    }

    @Test
    void parkedJobsAreListedAndRequeued() throws Exception {
        UUID id = UUID.randomUUID();
        parking.park(new ParkedJob(DeliveryJob.first(id).encode(), "gave up"));
        Reply queue = send(withToken("/queue"));
        assertThat(queue.body().get("items").get(0).get("ready").asLong()).isEqualTo(3);
        assertThat(queue.body().get("warnings").get(0).asText()).contains("no delivery worker");
        Reply parked = send(withToken("/queue/parked"));
        assertThat(parked.body().get("items").get(0).get("message_id").asText()).isEqualTo(id.toString());
        assertThat(parked.body().get("items").get(0).get("reason").asText()).isEqualTo("gave up");
        assertProblem(send(withToken("/queue/parked/" + UUID.randomUUID() + "/requeue").POST(
                HttpRequest.BodyPublishers.noBody())), 404);
        Reply moved = send(withToken("/queue/parked/" + id + "/requeue").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(moved.body().get("requeued").asInt()).isEqualTo(1);
        assertThat(parking.requeued()).hasSize(1);
        assertThat(parking.parked()).isEmpty();
    }

    @Test
    void everyChangeIsInTheAuditLogWithWhoAndFromWhere() throws Exception {
        send(withToken("/domains").header("Content-Type", "application/json").POST(json("{\"name\": \"c.example\"}")));
        send(withToken("/domains/nope.example").DELETE());
        JsonNode items = send(withToken("/audit")).body().get("items");
        String tokenId = ops.admins().tokens("root").get(0).id();
        assertThat(items.get(0).get("action").asText()).isEqualTo("domain.remove");
        assertThat(items.get(0).get("outcome").asText()).startsWith("refused: no such domain");
        assertThat(items.get(1).get("action").asText()).isEqualTo("domain.add");
        assertThat(items.get(1).get("target").asText()).isEqualTo("c.example");
        assertThat(items.get(1).get("actor").asText()).isEqualTo("token:root/" + tokenId);
        assertThat(items.get(1).get("remote").asText()).isEqualTo("127.0.0.1");
        assertThat(items.get(1).get("outcome").asText()).isEqualTo("ok");
    }

    @Test
    void theOpenApiDocumentDescribesExactlyTheRoutes() throws Exception {
        JsonNode doc = send(withToken("/openapi.json")).body();
        Set<String> documented = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase() + " " + path.getKey()));
        }
        Set<String> routed = new HashSet<>();
        server.routes().forEach(r -> routed.add(r.method() + " " + r.path()));
        assertThat(documented).isEqualTo(routed);
        doc.get("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(op -> {
            op.getValue().get("responses").fields().forEachRemaining(resp -> {
                JsonNode ref = resp.getValue().get("$ref");
                if (ref == null) {
                    assertThat(resp.getValue().get("description")).as(p.getKey() + " " + resp.getKey()).isNotNull();
                }
            });
        }));
    }
}
