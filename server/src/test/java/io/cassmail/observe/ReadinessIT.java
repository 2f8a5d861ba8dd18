package io.cassmail.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cassmail.app.Role;
import io.cassmail.testing.ExternalCommand;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.ServerProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /ready} follows Cassandra: a CassMail on its own single Cassandra node (started for this test with
 * {@code tools/cassandra-local}) turns 503 within seconds of that node being SIGKILLed, and 200 once it is back.
 */
class ReadinessIT {
    private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
    private static Map<String, String> nodeEnv;
    private static MailStack stack;

    @BeforeAll
    static void start() throws Exception {
        int cql = ServerProcess.freePort();
        nodeEnv = Map.of("CASSANDRA_LOCAL_DIR", REPO.resolve("server/target/readiness-cassandra").toString(),
                "CASSANDRA_LOCAL_PORT", String.valueOf(cql),
                "CASSANDRA_LOCAL_STORAGE", String.valueOf(ServerProcess.freePort()),
                "CASSANDRA_LOCAL_JMX_BASE", String.valueOf(ServerProcess.freePort()),
                "CASSANDRA_LOCAL_CLUSTER", "cassmail-readiness",
                "CASSANDRA_LOCAL_HEAP", "512m");
        node("start");
        stack = MailStack.create("ReadinessIT", "cassandra=127.0.0.1:" + cql, "cassandra.request-timeout=2s")
                .start(Role.SMTP, Role.WORKER);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (stack != null) {
                stack.close();
            }
        } finally {
            node("stop");
        }
    }

    private static ExternalCommand.Result node(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("env"));
        nodeEnv.forEach((k, v) -> command.add(k + "=" + v));
        command.add(REPO.resolve("tools/cassandra-local").toString());
        command.addAll(List.of(args));
        ExternalCommand.Result r = ExternalCommand.run(command, null, 300);
        assertThat(r.exit()).as("tools/cassandra-local %s: %s", String.join(" ", args), r.output()).isZero();
        return r;
    }

    private static HttpResponse<String> ready() throws Exception {
        return ObservabilityIT.get(stack.port("metrics"), "/ready");
    }

    @Test
    void readyTurns503WhenTheCassandraNodeIsKilledAnd200WhenItIsBack() throws Exception {
        assertThat(ready().statusCode()).isEqualTo(200);
        node("kill", "1");
        long killed = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> ready().statusCode() == 503);
        Duration noticed = Duration.ofNanos(System.nanoTime() - killed);
        HttpResponse<String> down = ready();
        assertThat(down.body()).contains("\"status\":\"not ready\"").doesNotContain("\"cassandra\":\"ok\"")
                .contains("\"rabbitmq\":\"ok\"");
        System.out.println("/ready answered 503 " + noticed.toMillis() + " ms after the node was killed: " + down.body());

        node("restart", "1");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> ready().statusCode() == 200);
        assertThat(ready().body()).contains("\"cassandra\":\"ok\"");
    }
}
