package io.cassmail.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The status HTTP listener over a real loopback connection with the JDK's HTTP client. */
class StatusHttpServerTest {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final AtomicReference<String> brokerProblem = new AtomicReference<>();
    private StatusHttpServer server;

    private StatusHttpServer start() throws IOException {
        server = new StatusHttpServer("127.0.0.1", 0, () -> "# HELP x_total a test\nx_total 3.0\n",
                List.of(new ReadinessCheck("cassandra", () -> null),
                        new ReadinessCheck("rabbitmq", brokerProblem::get)), "smtp+worker");
        server.start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsHealthAndThePageAreServed() throws Exception {
        start();
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
        assertThat(metrics.body()).contains("x_total 3.0");
        assertThat(get("/health").body()).isEqualTo("{\"status\":\"up\",\"roles\":\"smtp+worker\"}");
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>CassMail status</title>").contains("fetch(\"/metrics\"");
        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
    }

    @Test
    void readyIs503NamingTheFailingCheckAnd200OnceItPasses() throws Exception {
        start();
        brokerProblem.set("connection refused");
        HttpResponse<String> down = get("/ready");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("\"status\":\"not ready\"").contains("\"rabbitmq\":\"connection refused\"")
                .contains("\"cassandra\":\"ok\"");
        brokerProblem.set(null);
        Thread.sleep(1100); // readiness is cached for a second
        HttpResponse<String> up = get("/ready");
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).contains("\"status\":\"ready\"").contains("\"rabbitmq\":\"ok\"");
    }

    @Test
    void aProbeThatHangsCountsAsNotReadyWithinTheTimeout() throws Exception {
        server = new StatusHttpServer("127.0.0.1", 0, () -> "", List.of(new ReadinessCheck("cassandra", () -> {
            Thread.sleep(60_000);
            return null;
        })), "worker");
        server.start();
        long start = System.nanoTime();
        HttpResponse<String> r = get("/ready");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("\"cassandra\":\"no answer within 2 s\"");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void clientsThatSendHalfARequestNeitherHangHealthNorStayForEver() throws Exception {
        start();
        List<java.net.Socket> stalled = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                java.net.Socket s = new java.net.Socket("127.0.0.1", server.port());
                s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(
                        java.nio.charset.StandardCharsets.US_ASCII)); // and never the empty line
                s.getOutputStream().flush();
                stalled.add(s);
            }
            assertThat(get("/health").statusCode()).isEqualTo(200);
            // the stalled ones are closed once they pass the request time limit
            java.net.Socket first = stalled.get(0);
            first.setSoTimeout((StatusHttpServer.MAX_REQUEST_SECONDS + 20) * 1000);
            long start = System.nanoTime();
            assertThat(first.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(StatusHttpServer.MAX_REQUEST_SECONDS + 15));
        } finally {
            for (java.net.Socket s : stalled) {
                s.close();
            }
        }
    }
}
