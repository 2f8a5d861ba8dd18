package io.cassmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.cassmail.app.CassMailServer;
import io.cassmail.app.Role;
import io.cassmail.config.CassMailConfig;
import io.cassmail.schema.SchemaMigrator;
import io.cassmail.store.StoreUnavailableException;
import io.cassmail.store.cassandra.CassandraConnector;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.TestInfra;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The foundation against the real node and broker: schema, a CQL round trip, an AMQP confirm/ack round trip. */
class InfrastructureIT {
    static MailStack stack;

    @BeforeAll
    static void setUp() {
        stack = MailStack.create("infra");
    }

    @AfterAll
    static void tearDown() throws Exception {
        stack.close();
    }

    @Test
    void schemaIsAppliedOnceAndRecorded() {
        try (CqlSession admin = CassandraConnector.connectWithoutKeyspace(stack.config.cassandra())) {
            SchemaMigrator migrator = new SchemaMigrator(admin, stack.config.cassandra().keyspace());
            assertThat(migrator.currentVersion()).isEqualTo(migrator.latestVersion()).isPositive();
            assertThat(migrator.pending()).isEmpty();
            assertThat(migrator.apply(stack.config.cassandra().replication())).as("second apply").isEmpty();
        }
        var tables = stack.session.getMetadata().getKeyspace(stack.config.cassandra().keyspace()).orElseThrow().getTables();
        assertThat(tables.keySet().stream().map(Object::toString))
                .contains("domains", "users", "mailboxes", "mailbox_messages", "messages", "message_chunks",
                        "deliveries", "schema_migrations");
    }

    @Test
    void cqlRoundTrip() {
        stack.directory.addDomain("Round.Trip.Test");
        assertThat(stack.directory.isLocalDomain("round.trip.test")).isTrue();
        Row row = stack.session.execute("SELECT domain, created FROM domains WHERE domain = 'round.trip.test'").one();
        assertThat(row).isNotNull();
        assertThat(row.getInstant("created")).isNotNull();
    }

    @Test
    void amqpPublishConfirmConsumeAck() throws Exception {
        String queue = stack.topology.deliveryQueue() + ".roundtrip";
        byte[] body = ("hello " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        try (Connection c = MailStack.broker(); Channel ch = c.createChannel()) {
            ch.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
            ch.confirmSelect();
            ch.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, body);
            ch.waitForConfirmsOrDie(10_000);
            GetResponse got = null;
            for (int i = 0; i < 50 && got == null; i++) {
                got = ch.basicGet(queue, false);
                if (got == null) {
                    Thread.sleep(100);
                }
            }
            assertThat(got).isNotNull();
            assertThat(got.getBody()).isEqualTo(body);
            ch.basicAck(got.getEnvelope().getDeliveryTag(), false);
            assertThat(ch.queueDeclarePassive(queue).getMessageCount()).isZero();
            ch.queueDelete(queue);
        }
    }

    @Test
    void serverRefusesToStartWhenSchemaIsBehind() {
        String keyspace = "t_behind_" + UUID.randomUUID().toString().substring(0, 8);
        stack.session.execute("CREATE KEYSPACE " + keyspace
                + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        try {
            CassMailConfig config = TestInfra.config(keyspace, "test.behind");
            assertThatThrownBy(() -> CassMailServer.start(config, Set.of(Role.SMTP)))
                    .hasMessageContaining("lacks schema 001-mail.cql")
                    .hasMessageContaining("tools/cassmail-admin schema apply");
        } finally {
            stack.session.execute("DROP KEYSPACE " + keyspace);
        }
    }

    @Test
    void unreachableCassandraIsNamedInTheError() {
        CassMailConfig config = TestInfra.config("cassmail", "test.unreachable", "cassandra=127.0.0.1:1",
                "cassandra.connect-timeout=2s");
        assertThatThrownBy(() -> CassandraConnector.connect(config.cassandra()))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("127.0.0.1:1");
    }
}
