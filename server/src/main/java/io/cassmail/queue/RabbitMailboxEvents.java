package io.cassmail.queue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import io.cassmail.mail.Addresses;
import io.cassmail.mailbox.LocalMailboxEvents;
import io.cassmail.mailbox.MailboxEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mailbox notices between processes: the publish/subscribe pattern beside the work queue. A topic exchange
 * ({@code <prefix>.mailbox-events}) carries one message per changed account, keyed by the account; each process
 * binds its own exclusive queue to the accounts its sessions show, and hands what arrives to its
 * {@link LocalMailboxEvents}. Changes are gathered for {@link #GATHER_MILLIS} so a delivery burst is one notice per
 * account. Nothing is durable: a lost notice costs a session a delayed update (its next command reads the folder).
 */
public final class RabbitMailboxEvents implements MailboxEvents, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RabbitMailboxEvents.class);
    static final long GATHER_MILLIS = 20;

    private final BrokerConnection broker;
    private final String exchange;
    private final LocalMailboxEvents local;
    private final String self = UUID.randomUUID().toString();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> bound = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mailbox-events-publish");
        t.setDaemon(true);
        return t;
    });
    private Channel channel;
    private String queue;

    /** @param exchange the exchange's name, e.g. {@code cassmail.mailbox-events} */
    public RabbitMailboxEvents(BrokerConnection broker, String exchange, LocalMailboxEvents local) {
        this.broker = broker;
        this.exchange = exchange;
        this.local = local;
    }

    /** Declares the exchange and this process's queue and starts publishing; with the broker down, local only until it is back. */
    public RabbitMailboxEvents start() {
        try {
            channel();
        } catch (IOException e) {
            log.warn("mailbox notices stay within this process until RabbitMQ is reachable: {}", e.getMessage());
        }
        flusher.scheduleWithFixedDelay(this::flush, GATHER_MILLIS, GATHER_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    private synchronized Channel channel() throws IOException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        Channel c = broker.newChannel();
        c.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
        String q = c.queueDeclare("", false, true, true, Map.of()).getQueue();
        for (String address : bound.keySet()) {
            c.queueBind(q, exchange, key(address));
        }
        c.basicConsume(q, true, (tag, delivery) -> {
            if (!self.equals(delivery.getProperties().getAppId())) {
                local.deliver(new String(delivery.getBody(), StandardCharsets.UTF_8));
            }
        }, tag -> { });
        channel = c;
        queue = q;
        return c;
    }

    /** The routing key of an account: its address, with the topic wildcards escaped. */
    static String key(String address) {
        return address.replace("%", "%25").replace("*", "%2A").replace("#", "%23");
    }

    @Override
    public void changed(String address) {
        String a = Addresses.normalize(address);
        local.deliver(a);
        pending.add(a);
    }

    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        try {
            Channel c = channel();
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().appId(self).build();
            for (String a : pending) {
                pending.remove(a);
                synchronized (this) {
                    c.basicPublish(exchange, key(a), props, a.getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException | RuntimeException e) {
            pending.clear();
            log.debug("mailbox notices not published: {}", e.toString());
        }
    }

    @Override
    public Subscription subscribe(String address, Runnable listener) {
        String a = Addresses.normalize(address);
        Subscription inner = local.subscribe(a, listener);
        if (bound.merge(a, 1, Integer::sum) == 1) {
            try {
                synchronized (this) {
                    channel().queueBind(queue, exchange, key(a));
                }
            } catch (IOException | RuntimeException e) {
                log.debug("notices of {} from other processes not bound yet: {}", a, e.toString());
            }
        }
        return () -> {
            inner.close();
            if (bound.merge(a, -1, (x, y) -> x + y == 0 ? null : x + y) == null) {
                try {
                    synchronized (this) {
                        if (channel != null && channel.isOpen()) {
                            channel.queueUnbind(queue, exchange, key(a));
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    log.debug("unbinding notices of {}: {}", a, e.toString());
                }
            }
        };
    }

    @Override
    public void close() {
        flusher.shutdownNow();
        synchronized (this) {
            if (channel != null && channel.isOpen()) {
                try {
                    channel.close();
                } catch (Exception e) {
                    log.debug("closing the notice channel: {}", e.toString());
                }
            }
        }
    }
}
