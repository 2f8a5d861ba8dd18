package io.cassmail.queue;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import io.cassmail.config.CassMailConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Names and declares CassMail's exchanges and queues. Declarations are idempotent, so any number of
 * processes may start at once. Retry tier names carry their delay, so changing the delays adds queues
 * instead of clashing with existing arguments.
 */
public final class QueueTopology {
    /** The lane of local delivery. */
    public static final String DELIVERY = "delivery";
    /** The lane of remote relay: its own queue, retry tiers and workers, so slow remote hosts never hold up local mail. */
    public static final String RELAY = "relay";

    private final String prefix;
    private final String lane;
    private final List<Duration> retryDelays;
    private final int deliveryLimit;

    /** The topology the configuration describes: queue prefix, retry tiers and delivery limit. */
    public static QueueTopology from(CassMailConfig config) {
        return new QueueTopology(config.amqp().queuePrefix(), config.delivery().retryDelays(),
                config.delivery().deliveryLimit());
    }

    public QueueTopology(String prefix, List<Duration> retryDelays, int deliveryLimit) {
        this(prefix, DELIVERY, retryDelays, deliveryLimit);
    }

    private QueueTopology(String prefix, String lane, List<Duration> retryDelays, int deliveryLimit) {
        this.prefix = prefix;
        this.lane = lane;
        this.retryDelays = List.copyOf(retryDelays);
        this.deliveryLimit = deliveryLimit;
    }

    /** The same names for the relay lane: {@code PREFIX.relay} and {@code PREFIX.relay.retry.<delay>}; parking is shared. */
    public QueueTopology relayLane() {
        return lane.equals(RELAY) ? this : new QueueTopology(prefix, RELAY, retryDelays, deliveryLimit);
    }

    /** {@link #DELIVERY} or {@link #RELAY}. */
    public String lane() {
        return lane;
    }

    /** Durable quorum queue of this lane's jobs ({@code PREFIX.delivery} or {@code PREFIX.relay}). */
    public String deliveryQueue() {
        return prefix + "." + lane;
    }

    /** Exchange that receives dead-lettered (poison) jobs. */
    public String parkingExchange() {
        return prefix + ".parking";
    }

    /** Jobs that could not be processed, kept for an operator. */
    public String parkingQueue() {
        return prefix + ".parked";
    }

    /** Retry tier for the given attempt (1-based); later attempts stay on the last tier. */
    public String retryQueue(int attempt) {
        return retryQueueFor(retryDelays.get(Math.min(attempt, retryDelays.size()) - 1));
    }

    public Duration retryDelay(int attempt) {
        return retryDelays.get(Math.min(attempt, retryDelays.size()) - 1);
    }

    /** Every queue CassMail declares: delivery, parking, the retry tiers, then the relay lane's queue and tiers. */
    public List<String> allQueues() {
        List<String> names = new ArrayList<>(List.of(deliveryQueue(), parkingQueue()));
        names.addAll(retryQueues());
        if (lane.equals(DELIVERY)) {
            names.add(relayLane().deliveryQueue());
            names.addAll(relayLane().retryQueues());
        }
        return names;
    }

    public List<String> retryQueues() {
        List<String> names = new ArrayList<>();
        retryDelays.forEach(d -> names.add(retryQueueFor(d)));
        return names;
    }

    public int deliveryLimit() {
        return deliveryLimit;
    }

    private String retryQueueFor(Duration delay) {
        return prefix + (lane.equals(DELIVERY) ? "" : "." + lane) + ".retry." + delay.toMillis() + "ms";
    }

    /** Declares everything; safe to call from every process at start. */
    public void declare(Channel channel) throws IOException {
        channel.exchangeDeclare(parkingExchange(), BuiltinExchangeType.FANOUT, true);
        channel.queueDeclare(parkingQueue(), true, false, false, Map.of());
        channel.queueBind(parkingQueue(), parkingExchange(), "");
        channel.queueDeclare(deliveryQueue(), true, false, false, Map.of(
                "x-queue-type", "quorum",
                "x-delivery-limit", deliveryLimit,
                "x-dead-letter-exchange", parkingExchange()));
        for (Duration delay : retryDelays) {
            channel.queueDeclare(retryQueueFor(delay), true, false, false, Map.of(
                    "x-message-ttl", delay.toMillis(),
                    "x-dead-letter-exchange", "",
                    "x-dead-letter-routing-key", deliveryQueue()));
        }
        if (lane.equals(DELIVERY)) {
            relayLane().declare(channel);
        }
    }
}
