package io.cassmail.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.delivery.DeliveryProcessor;
import io.cassmail.smtp.SmtpListener;
import io.cassmail.smtp.SmtpProfile;
import io.cassmail.config.CassMailConfig;
import io.cassmail.config.ConfigLoader;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MemoryMailSystem;
import io.cassmail.testing.SmtpLineClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SMTP and delivery metrics move when mail flows, in Prometheus names (memory twins, loopback SMTP). */
class CassMailMetricsTest {

    @Test
    void acceptingAndDeliveringAMessageMovesTheirCounters() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CassMailMetrics metrics = new CassMailMetrics(registry);
        MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test").withUser("bob@cassmail.test");
        CassMailConfig c = ConfigLoader.load(null, Map.of(), List.of("smtp.port=0", "hostname=mx.cassmail.test"));
        SmtpListener l = new SmtpListener(SmtpProfile.mx(c.smtp()), c.smtp(), c.hostname(), mail.stores.directory(),
                mail.quotas, mail.intake, null, null, metrics);
        l.start();
        try (SmtpLineClient client = new SmtpLineClient(l.port())) {
            client.expect("220");
            client.send("EHLO client.test").expect("250");
            Mail.send(client, "a@example.test", "bob@cassmail.test", "Subject: counted\r\n\r\nx\r\n");
            client.send("RCPT TO:<bob@cassmail.test>").expect("503");
            client.send("QUIT").expect("221");
        } finally {
            l.close();
        }
        DeliveryProcessor processor = new DeliveryProcessor(mail.stores.stores(), mail.localTransport(), mail.bounces, MemoryMailSystem.GIVE_UP_AFTER,
                Clock.systemUTC(), metrics);
        mail.queue.takeDeliveries().forEach(processor::process);

        String text = registry.scrape();
        assertThat(text)
                .contains("cassmail_smtp_connections_total{listener=\"mx\",result=\"admitted\"} 1.0")
                .contains("cassmail_smtp_messages_accepted_total{listener=\"mx\"} 1.0")
                .containsPattern("cassmail_smtp_accepted_bytes_total\\{listener=\"mx\"} [1-9][0-9]*\\.0")
                .contains("cassmail_smtp_intake_seconds_count{listener=\"mx\"} 1")
                .contains("cassmail_smtp_replies_total{class=\"2xx\",code=\"2.0.0\",listener=\"mx\"}")
                .contains("cassmail_smtp_replies_total{class=\"5xx\",code=\"5.5.1\",listener=\"mx\"} 1.0")
                .contains("cassmail_smtp_sessions{listener=\"mx\"} 0.0")
                .contains("cassmail_delivery_outcomes_total{outcome=\"delivered\",transport=\"local\"} 1.0")
                .contains("cassmail_delivery_latency_seconds_count{transport=\"local\"} 1");
    }
}
