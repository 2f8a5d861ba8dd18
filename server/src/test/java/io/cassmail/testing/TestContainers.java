package io.cassmail.testing;

import java.time.Duration;
import org.testcontainers.cassandra.CassandraContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.rabbitmq.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * {@code CASSMAIL_TEST_INFRA=containers}: one Cassandra node and one RabbitMQ broker per test JVM from Testcontainers,
 * for contributors with Docker and a registry. Images: {@code CASSMAIL_TEST_CASSANDRA_IMAGE} (default cassandra:5.0)
 * and {@code CASSMAIL_TEST_RABBITMQ_IMAGE} (default rabbitmq:3-management); a local build such as
 * docker/local's is declared a compatible substitute.
 */
final class TestContainers {
    private static CassandraContainer cassandra;
    private static RabbitMQContainer rabbit;

    private TestContainers() {
    }

    static synchronized String cassandra() {
        if (cassandra == null) {
            CassandraContainer c = new CassandraContainer(image("CASSMAIL_TEST_CASSANDRA_IMAGE", "cassandra:5.0", "cassandra"))
                    .withEnv("MAX_HEAP_SIZE", "768M")
                    .withEnv("HEAP_NEWSIZE", "128M")
                    .withEnv("JVM_OPTS", "-Dcassandra.skip_wait_for_gossip_to_settle=0 -Dcassandra.ring_delay_ms=1000")
                    .withEnv("CASSANDRA_NUM_TOKENS", "16")
                    // a throw-away node: no fsync before each acknowledgement (the image's default is group)
                    .withEnv("CASSANDRA_COMMITLOG_SYNC", "periodic")
                    // CQL answers on 9042 only once the node is up; the module's default probe runs cqlsh in the
                    // container, which a locally built stand-in (docker/local) does not have
                    .waitingFor(Wait.forListeningPort())
                    .withStartupTimeout(Duration.ofMinutes(4));
            c.start();
            cassandra = c;
            Runtime.getRuntime().addShutdownHook(new Thread(c::stop, "stop-cassandra-container"));
        }
        return cassandra.getHost() + ":" + cassandra.getMappedPort(9042);
    }

    static synchronized String amqpUri() {
        if (rabbit == null) {
            RabbitMQContainer r = new RabbitMQContainer(image("CASSMAIL_TEST_RABBITMQ_IMAGE", "rabbitmq:3-management", "rabbitmq"))
                    .withStartupTimeout(Duration.ofMinutes(2));
            r.start();
            rabbit = r;
            Runtime.getRuntime().addShutdownHook(new Thread(r::stop, "stop-rabbitmq-container"));
        }
        return "amqp://" + rabbit.getAdminUsername() + ":" + rabbit.getAdminPassword() + "@" + rabbit.getHost() + ":"
                + rabbit.getAmqpPort() + "/";
    }

    private static DockerImageName image(String variable, String official, String substituteFor) {
        String name = System.getenv(variable);
        return DockerImageName.parse(name == null || name.isBlank() ? official : name).asCompatibleSubstituteFor(substituteFor);
    }
}
