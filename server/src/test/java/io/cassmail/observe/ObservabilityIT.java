package io.cassmail.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cassmail.app.Role;
import io.cassmail.testing.ExternalCommand;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.SmtpLineClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.net.pop3.POP3Client;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real CassMail (all roles, real Cassandra and RabbitMQ): mail flows, then {@code /metrics} shows every family
 * with counters that moved, {@code /ready} passes, and the status page renders live numbers in headless Chromium.
 */
class ObservabilityIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static MailStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = MailStack.create("ObservabilityIT", "password.argon2-memory=64K", "password.argon2-iterations=1",
                        "pop3.auth-failure-delay=0s")
                .withDomain("observe.test").withUser("bob@observe.test", "secret");
        stack.start(Role.SMTP, Role.POP3, Role.WORKER);
        try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
            c.expect("220");
            c.send("EHLO client.test").expect("250");
            Mail.send(c, "alice@example.test", "bob@observe.test", "Subject: measured\r\n\r\nhello\r\n");
            c.send("RCPT TO:<nobody@observe.test>").expect("503");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> !Mail.inbox(stack.mailboxes, "bob@observe.test").isEmpty());
        POP3Client pop3 = new POP3Client();
        pop3.setDefaultTimeout(30_000);
        pop3.connect("127.0.0.1", stack.pop3Port());
        assertThat(pop3.login("bob@observe.test", "wrong")).isFalse();
        pop3.disconnect();
        pop3.connect("127.0.0.1", stack.pop3Port());
        assertThat(pop3.login("bob@observe.test", "secret")).isTrue();
        try (var r = pop3.retrieveMessage(1)) {
            r.transferTo(java.io.Writer.nullWriter());
        }
        pop3.logout();
        pop3.disconnect();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double value(String metrics, String sampleRegex) {
        Matcher m = Pattern.compile("(?m)^" + sampleRegex + " ([0-9.eE+-]+|NaN)$").matcher(metrics);
        assertThat(m.find()).as("a sample matching %s in%n%s", sampleRegex, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void metricsShowEveryFamilyAndTheCountersMovedWithTheMail() throws Exception {
        HttpResponse<String> r = get(stack.port("metrics"), "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        String m = r.body();
        String role = "role=\"pop3\\+smtp\\+worker\"";
        assertThat(value(m, "cassmail_smtp_connections_total\\{listener=\"mx\",result=\"admitted\"," + role + "}")).isGreaterThanOrEqualTo(1);
        assertThat(value(m, "cassmail_smtp_sessions\\{listener=\"mx\"," + role + "}")).isZero();
        assertThat(value(m, "cassmail_smtp_replies_total\\{class=\"5xx\",code=\"5.5.1\",listener=\"mx\"," + role + "}")).isEqualTo(1);
        assertThat(value(m, "cassmail_smtp_messages_accepted_total\\{listener=\"mx\"," + role + "}")).isEqualTo(1);
        assertThat(value(m, "cassmail_smtp_accepted_bytes_total\\{listener=\"mx\"," + role + "}")).isGreaterThan(20);
        assertThat(value(m, "cassmail_smtp_intake_seconds_bucket\\{listener=\"mx\"," + role + ",le=\"\\+Inf\"}")).isEqualTo(1);
        assertThat(value(m, "cassmail_delivery_outcomes_total\\{outcome=\"delivered\"," + role + ",transport=\"local\"}")).isEqualTo(1);
        assertThat(value(m, "cassmail_delivery_latency_seconds_count\\{" + role + ",transport=\"local\"}")).isEqualTo(1);
        assertThat(value(m, "cassmail_pop3_logins_total\\{listener=\"pop3\",result=\"failure\"," + role + "}")).isEqualTo(1);
        assertThat(value(m, "cassmail_pop3_logins_total\\{listener=\"pop3\",result=\"success\"," + role + "}")).isEqualTo(1);
        assertThat(value(m, "cassmail_pop3_retr_bytes_total\\{listener=\"pop3\"," + role + "}")).isGreaterThan(20);
        String deliveryQueue = stack.topology.deliveryQueue().replace(".", "\\.");
        assertThat(value(m, "cassmail_queue_messages\\{queue=\"" + deliveryQueue + "\"," + role + "}")).isZero();
        assertThat(value(m, "cassmail_queue_consumers\\{queue=\"" + deliveryQueue + "\"," + role + "}")).isEqualTo(2);
        assertThat(m).containsPattern("(?m)^cassandra_session_cql_requests_seconds_count\\{.*} [1-9]")
                .containsPattern("(?m)^cassandra_session_connected_nodes\\{.*} 1")
                .containsPattern("(?m)^cassandra_nodes_pool_open_connections\\{.*} [1-9]")
                .containsPattern("(?m)^jvm_memory_used_bytes\\{area=\"heap\"")
                .containsPattern("(?m)^jvm_gc_memory_allocated_bytes_total\\{")
                .containsPattern("(?m)^jvm_threads_live_threads\\{")
                .containsPattern("(?m)^process_uptime_seconds\\{");
    }

    @Test
    void readyAndHealthAnswer200WithEveryCheck() throws Exception {
        HttpResponse<String> ready = get(stack.port("metrics"), "/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("\"cassandra\":\"ok\"", "\"rabbitmq\":\"ok\"", "\"consumers\":\"ok\"",
                "\"listeners\":\"ok\"");
        assertThat(get(stack.port("metrics"), "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void theStatusPageRendersLiveNumbersInHeadlessChromium(@TempDir Path profile) throws Exception {
        String url = "http://127.0.0.1:" + stack.port("metrics") + "/";
        List<String> chromium = List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--virtual-time-budget=10000", "--window-size=1200,900");
        List<String> dump = new java.util.ArrayList<>(chromium);
        dump.addAll(List.of("--dump-dom", url));
        ExternalCommand.Result dom = ExternalCommand.run(dump, null, 120);
        assertThat(dom.output()).contains("id=\"accepted-total\">1<").contains("id=\"delivered-total\">1<")
                .contains("class=\"ok\">ready<").contains("<td>cassandra</td><td class=\"ok\">ok</td>")
                .contains("<td>" + stack.topology.deliveryQueue() + "</td>").doesNotContain("id=\"updated\">failed");
        Path shot = Path.of("target", "status-page.png").toAbsolutePath();
        Files.deleteIfExists(shot);
        List<String> screenshot = new java.util.ArrayList<>(chromium);
        screenshot.addAll(List.of("--screenshot=" + shot, url));
        ExternalCommand.run(screenshot, null, 120);
        assertThat(shot).exists();
        assertThat(Files.size(shot)).isGreaterThan(10_000);
        System.out.println("status page screenshot: " + shot);
    }
}
