package io.cassmail.queue;

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
