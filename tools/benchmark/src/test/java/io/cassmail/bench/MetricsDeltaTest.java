package io.cassmail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsDeltaTest {

    @Test
    void stagesAreTheDifferenceBetweenTheTwoScrapes() {
        String before = """
                cassmail_smtp_messages_accepted_total{listener="mx",role="smtp"} 10.0
                cassmail_delivery_outcomes_total{outcome="delivered",role="smtp",transport="local"} 10.0
                cassmail_smtp_intake_seconds_bucket{listener="mx",role="smtp",le="0.005"} 5
                cassmail_smtp_intake_seconds_bucket{listener="mx",role="smtp",le="0.01"} 10
                cassmail_smtp_intake_seconds_bucket{listener="mx",role="smtp",le="+Inf"} 10
                cassmail_smtp_intake_seconds_count{listener="mx",role="smtp"} 10
                cassmail_smtp_intake_seconds_sum{listener="mx",role="smtp"} 0.05
                cassandra_session_cql_requests_seconds_count{role="smtp",session="s0"} 80.0
                """;
        String after = """
                cassmail_smtp_messages_accepted_total{listener="mx",role="smtp"} 110.0
                cassmail_delivery_outcomes_total{outcome="delivered",role="smtp",transport="local"} 110.0
                cassmail_delivery_outcomes_total{outcome="retried",role="smtp",transport="local"} 7.0
                cassmail_smtp_intake_seconds_bucket{listener="mx",role="smtp",le="0.005"} 5
                cassmail_smtp_intake_seconds_bucket{listener="mx",role="smtp",le="0.01"} 100
                cassmail_smtp_intake_seconds_bucket{listener="mx",role="smtp",le="+Inf"} 110
                cassmail_smtp_intake_seconds_count{listener="mx",role="smtp"} 110
                cassmail_smtp_intake_seconds_sum{listener="mx",role="smtp"} 1.05
                cassandra_session_cql_requests_seconds_count{role="smtp",session="s0"} 880.0
                """;
        String report = MetricsDelta.report(before, after);
        assertThat(report).contains("metrics_accepted             100")
                .contains("metrics_delivered            100 (recipients)")
                .contains("metrics_intake_latency       mean 10.0 ms, p95 <= beyond the last bucket (100 samples)")
                .contains("metrics_delivery_latency     no samples")
                .contains("metrics_cassandra_per_message 8.00 requests per accepted message");
    }
}
