package io.cassmail.queue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * {@link ParkingLot} on the parking queue. Jobs are read with {@code basic.get} without ack; closing the
 * channel returns every job not requeued to the parking queue, so a crash here loses nothing.
 */
final class RabbitParkingLot implements ParkingLot {
    /** The lane a job was parked from, set by {@link RabbitJobQueue#park}. */
    static final String LANE_HEADER = "x-cassmail-lane";

    private final BrokerConnection broker;
    private final QueueTopology topology;

    RabbitParkingLot(BrokerConnection broker, QueueTopology topology) {
        this.broker = broker;
        this.topology = topology;
    }

    @Override
    public List<ParkedJob> parked() throws IOException {
        List<ParkedJob> jobs = new ArrayList<>();
        try (Channel ch = broker.newChannel()) {
            GetResponse r;
            while ((r = ch.basicGet(topology.parkingQueue(), false)) != null) {
                jobs.add(parkedJob(r));
            }
        } catch (TimeoutException e) {
            throw new IOException("RabbitMQ did not close the channel in time", e);
        }
        return jobs;
    }

    @Override
    public int requeue(Predicate<ParkedJob> which) throws IOException {
        int moved = 0;
        try (Channel ch = broker.newChannel()) {
            ch.confirmSelect();
            GetResponse r;
            while ((r = ch.basicGet(topology.parkingQueue(), false)) != null) {
                ParkedJob job = parkedJob(r);
                if (which.test(job)) {
                    String back = QueueTopology.RELAY.equals(job.lane()) ? topology.relayLane().deliveryQueue()
                            : topology.deliveryQueue();
                    ch.basicPublish("", back, MessageProperties.PERSISTENT_BASIC, r.getBody());
                    ch.waitForConfirmsOrDie(10_000);
                    ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
                    moved++;
                }
            }
        } catch (TimeoutException e) {
            throw new IOException("RabbitMQ did not confirm a requeued job within 10 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while requeueing parked jobs", e);
        }
        return moved;
    }

    private ParkedJob parkedJob(GetResponse r) {
        return new ParkedJob(r.getBody(), reason(r.getProps()), lane(r.getProps()));
    }

    /**
     * The lane a job was parked from: ours, or for a job the broker dead-lettered (its delivery limit), the lane
     * of the queue it died in.
     */
    String lane(AMQP.BasicProperties props) {
        Map<String, Object> h = props.getHeaders() == null ? Map.of() : props.getHeaders();
        if (h.get(LANE_HEADER) != null) {
            return h.get(LANE_HEADER).toString();
        }
        Object diedIn = h.get("x-first-death-queue");
        return diedIn != null && diedIn.toString().equals(topology.relayLane().deliveryQueue()) ? QueueTopology.RELAY
                : QueueTopology.DELIVERY;
    }

    /** The reason a job was parked: ours, or the broker's dead-letter reason. */
    static String reason(AMQP.BasicProperties props) {
        Map<String, Object> h = props.getHeaders();
        if (h == null) {
            return "unknown";
        }
        if (h.get("x-cassmail-reason") != null) {
            return h.get("x-cassmail-reason").toString();
        }
        if (h.get("x-first-death-reason") != null) {
            return "dead-lettered: " + h.get("x-first-death-reason") + " (the job kept failing; see the worker log)";
        }
        return "unknown";
    }
}
