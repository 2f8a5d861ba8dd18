package io.cassmail.queue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.Optional;

/**
 * One holder at a time across every CassMail process, with RabbitMQ as the arbiter: the lock is an exclusive queue
 * (RabbitMQ refuses a second connection's declaration with RESOURCE_LOCKED, and deletes the queue when its owner's
 * connection closes, so a holder that dies frees it). Used so that one reconciler sweep runs at a time, however many
 * workers run one.
 */
public final class SweepLock {
    private static final int RESOURCE_LOCKED = 405;

    private final BrokerConnection broker;
    private final String name;

    public SweepLock(BrokerConnection broker, String name) {
        this.broker = broker;
        this.name = name;
    }

    /** What releases a held lock. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** The lock if nobody holds it now; empty when another connection does. */
    public Optional<Held> tryAcquire() throws IOException {
        Channel channel = broker.newChannel();
        try {
            channel.queueDeclare(name, false, true, true, null);
        } catch (IOException e) {
            closeQuietly(channel);
            if (e.getCause() instanceof ShutdownSignalException s && s.getReason() instanceof AMQP.Channel.Close c
                    && c.getReplyCode() == RESOURCE_LOCKED) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(() -> {
            try {
                channel.queueDelete(name);
            } catch (IOException | RuntimeException ignored) {
                // closing the channel does not free it, but the connection's end does; the next try says so
            } finally {
                closeQuietly(channel);
            }
        });
    }

    private static void closeQuietly(Channel channel) {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (Exception ignored) {
            // already closed by the broker
        }
    }
}
