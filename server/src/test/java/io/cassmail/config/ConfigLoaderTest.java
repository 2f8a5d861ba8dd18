package io.cassmail.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Defaults, then file, then CASSMAIL_* environment, then --set; every mistake names its key. */
class ConfigLoaderTest {

    @Test
    void environmentOverridesDefaultsAndFlagsOverrideTheEnvironment() {
        CassMailConfig c = ConfigLoader.load(null, Map.of("CASSMAIL_SMTP_PORT", "2600", "CASSMAIL_HOSTNAME", "env.test"),
                List.of("hostname=flag.test"));
        assertThat(c.smtp().port()).isEqualTo(2600);
        assertThat(c.hostname()).isEqualTo("flag.test");
        assertThat(c.delivery().retryDelays()).startsWith(Duration.ofMinutes(1));
    }

    @Test
    void inboundSettingsShareOneDnsAndRefuseWhatTheyCannotUse() {
        CassMailConfig c = ConfigLoader.load(null, Map.of("CASSMAIL_HOSTNAME", "mx.example.test"),
                List.of("relay.dns=127.0.0.1:5353", "milters=inet:127.0.0.1:11332, inet:[::1]:8891", "dnsbl=zen.test"));
        assertThat(c.inbound().dns()).extracting(a -> a.getPort()).containsExactly(5353);
        assertThat(c.relay().dns()).isEqualTo(c.inbound().dns());
        assertThat(c.inbound().checks().authservId()).isEqualTo("mx.example.test");
        assertThat(c.inbound().checks().milters()).hasSize(2);
        assertThat(c.inbound().checks().milterTempfail()).isTrue();
        assertThat(ConfigLoader.load(null, Map.of(), List.of("relay.dns=127.0.0.1:5353", "dns=127.0.0.1:53"))
                .relay().dns()).extracting(a -> a.getPort()).containsExactly(53);
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("milter.default-action=reject")))
                .hasMessageContaining("'milter.default-action' must be accept or tempfail");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("milters=unix:/run/x.sock")))
                .hasMessageContaining("setting 'milters'").hasMessageContaining("unix sockets are not supported");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("inbound.trusted-networks=10.0.0.0/33")))
                .hasMessageContaining("'inbound.trusted-networks'");
    }

    @Test
    void anUnknownKeyIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("smtp.prot=25")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown setting 'smtp.prot'")
                .hasMessageContaining("smtp.port");
    }

    @Test
    void malformedValuesNameTheirKey() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("delivery.give-up-after=soon")))
                .hasMessageContaining("'delivery.give-up-after' must be a duration");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("smtp.max-message-size=1")))
                .hasMessageContaining("smtp.max-message-size");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("pop3.port=70000")))
                .hasMessageContaining("'pop3.port' must be a port");
    }

    @Test
    void listenersCanBeTurnedOffAndTlsNeedsBothFiles() {
        CassMailConfig c = ConfigLoader.load(null, Map.of(), List.of("submissions.port=off", "pop3s.port=OFF"));
        assertThat(c.submission().implicitPort()).isEqualTo(CassMailConfig.OFF);
        assertThat(c.pop3().tlsPort()).isEqualTo(CassMailConfig.OFF);
        assertThat(c.submission().port()).isEqualTo(2587);
        assertThat(c.tls().enabled()).isFalse();
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("tls.cert=/etc/cassmail/cert.pem")))
                .hasMessageContaining("'tls.cert' and 'tls.key' go together");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("pop3.allow-plaintext=maybe")))
                .hasMessageContaining("'pop3.allow-plaintext' must be true or false");
    }

    @Test
    void theSmtpListenBacklogHoldsABurstOfReconnectingClientsAndMustBePositive() {
        assertThat(ConfigLoader.load(null, Map.of(), List.of()).smtp().listenBacklog()).isEqualTo(1024);
        assertThat(ConfigLoader.load(null, Map.of(), List.of("smtp.listen-backlog=200")).smtp().listenBacklog())
                .isEqualTo(200);
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("smtp.listen-backlog=0")))
                .hasMessageContaining("smtp.listen-backlog");
    }

    @Test
    void speculativeExecutionDefaultsToHalfASecondAndCanBeTurnedOff() {
        assertThat(ConfigLoader.load(null, Map.of(), List.of()).cassandra().speculativeDelay())
                .isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigLoader.load(null, Map.of("CASSMAIL_CASSANDRA_SPECULATIVE_DELAY", "off"), List.of())
                .cassandra().speculativeDelay()).isNull();
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("cassandra.speculative-delay=soon")))
                .hasMessageContaining("cassandra.speculative-delay");
    }

    @Test
    void aSettingCountsAsGivenWhenAFileOrASetNamesItNotWhenItIsDefaulted(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path file = dir.resolve("cassmail.properties");
        java.nio.file.Files.writeString(file, "keyspace=mail\n");
        assertThat(ConfigLoader.isGiven("keyspace", file, List.of())).isTrue();
        assertThat(ConfigLoader.isGiven("replication", null, List.of(" replication =dc1:3"))).isTrue();
        assertThat(ConfigLoader.isGiven("consistency", file, List.of("keyspace=other"))).isFalse();
    }
}
