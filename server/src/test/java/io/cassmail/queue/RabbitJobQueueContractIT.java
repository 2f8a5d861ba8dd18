package io.cassmail.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.cassmail.testing.TestInfra;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The queue contract against the real RabbitMQ, on queues of its own prefix that it deletes afterwards. */
class RabbitJobQueueContractIT extends JobQueueContract {
    private RabbitQueues queues;
    private BrokerConnection reader;

    @BeforeEach
    void declare() {
        String prefix = "test.queuecontract." + UUID.randomUUID().toString().substring(0, 8);
        queues = new RabbitQueues(TestInfra.config(List.of("amqp.uri=" + TestInfra.amqpUri(), "queue.prefix=" + prefix,
                "delivery.retry-delays=1m,5m")), "cassmail-test");
        queues.declare();
        reader = new BrokerConnection(TestInfra.amqpUri(), "cassmail-test-reader", null);
    }

    @AfterEach
    void delete() throws Exception {
        queues.deleteAll();
        queues.close();
        reader.close();
    }

    @Override
    protected JobQueue queue() {
        return queues.jobs();
    }

    @Override
    protected ParkingLot parkingLot() {
        return queues.parkingLot();
    }

    @Override
    protected List<DeliveryJob> takeForWorkers() throws Exception {
        return take(queues.topology().deliveryQueue());
    }

    @Override
    protected List<DeliveryJob> takeFromTier(Duration delay) throws Exception {
        int attempt = TIERS.indexOf(delay) + 1;
        return take(queues.topology().retryQueue(attempt));
    }

    @org.junit.jupiter.api.Test
    void aParkedRelayJobGoesBackToTheRelayLaneAndADeliveryJobToTheDeliveryLane() throws Exception {
        DeliveryJob relay = DeliveryJob.first(io.cassmail.mail.MessageIds.next());
        DeliveryJob local = DeliveryJob.first(io.cassmail.mail.MessageIds.next());
        DeliveryJob deadLettered = DeliveryJob.first(io.cassmail.mail.MessageIds.next());
        queues.relayJobs().park(relay.encode(), "relay worker gave up");
        queues.jobs().park(local.encode(), "delivery worker gave up");
        // what the broker's dead-lettering leaves on a job that hit the relay queue's delivery limit
        try (Channel ch = reader.newChannel()) {
            ch.basicPublish("", queues.topology().parkingQueue(), com.rabbitmq.client.MessageProperties.PERSISTENT_BASIC
                    .builder().headers(java.util.Map.of("x-first-death-queue", queues.topology().relayLane().deliveryQueue(),
                            "x-first-death-reason", "delivery_limit")).build(), deadLettered.encode());
        }
        assertThat(parkingLot().parked()).extracting(ParkedJob::lane)
                .containsExactly(QueueTopology.RELAY, QueueTopology.DELIVERY, QueueTopology.RELAY);
        assertThat(parkingLot().requeue(p -> true)).isEqualTo(3);
        assertThat(take(queues.topology().relayLane().deliveryQueue())).containsExactly(relay, deadLettered);
        assertThat(takeForWorkers()).containsExactly(local);
        assertThat(parkingLot().parked()).isEmpty();
    }

    private List<DeliveryJob> take(String queue) throws Exception {
        List<DeliveryJob> jobs = new ArrayList<>();
        try (Channel ch = reader.newChannel()) {
            GetResponse r;
            while ((r = ch.basicGet(queue, true)) != null) {
                jobs.add(DeliveryJob.decode(r.getBody()));
            }
        }
        return jobs;
    }
}
