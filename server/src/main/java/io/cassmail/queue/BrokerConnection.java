package io.cassmail.queue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP connection per process, opened lazily and recovered automatically by the client after a
 * broker restart; if the broker was down when first asked, the next call tries again.
 */
public final class BrokerConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerConnection.class);

    private final ConnectionFactory factory;
    private final String displayUri;
    private final String name;
    private final ExecutorService consumerExecutor;
    private Connection connection;
    private long nextAttempt;

    public BrokerConnection(String uri, String name, ExecutorService consumerExecutor) {
        this.factory = factory(uri);
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(1000);
        factory.setConnectionTimeout(5000);
        factory.setHandshakeTimeout(5000);
        factory.setRequestedHeartbeat(10);
        factory.setChannelRpcTimeout(10_000); // a broker that stops answering fails a call in 10 s, not 10 min
        this.displayUri = factory.getHost() + ":" + factory.getPort();
        this.name = name;
        this.consumerExecutor = consumerExecutor;
    }

    /**
     * A connection factory for an AMQP URI. A URI ending in a bare "/" (as in the documented default
     * {@code amqp://guest:guest@127.0.0.1:5672/}) means RabbitMQ's default vhost "/", not a vhost named "".
     */
    public static ConnectionFactory factory(String uri) {
        ConnectionFactory f = new ConnectionFactory();
        try {
            f.setUri(uri);
        } catch (Exception e) {
            throw new IllegalArgumentException("invalid AMQP URI '" + withoutPassword(uri) + "': "
                    + withoutPassword(String.valueOf(e.getMessage())));
        }
        if (f.getVirtualHost().isEmpty()) {
            f.setVirtualHost("/");
        }
        return f;
    }

    /** The URI with any password in its user info replaced by {@code ***}, for messages and logs. */
    public static String withoutPassword(String uri) {
        return uri.replaceAll("(?<=://)([^:/@]*):[^@/]*@", "$1:***@");
    }

    /** The open connection, connecting now if needed; fails fast (within ~5 s) when the broker is down. */
    public synchronized Connection get() throws IOException {
        if (connection != null && connection.isOpen()) {
            return connection;
        }
        if (connection != null) {
            // automatic recovery is at work; hand it back so callers fail on the closed channel and retry
            return connection;
        }
        long now = System.currentTimeMillis();
        if (now < nextAttempt) {
            throw new IOException("RabbitMQ at " + displayUri + " is unreachable (retrying shortly)");
        }
        try {
            connection = consumerExecutor == null ? factory.newConnection(name) : factory.newConnection(consumerExecutor, name);
            log.info("connected to RabbitMQ at {}", displayUri);
            return connection;
        } catch (IOException | TimeoutException e) {
            nextAttempt = now + 1000;
            throw new IOException("cannot reach RabbitMQ at " + displayUri + ": " + e.getMessage(), e);
        }
    }

    public Channel newChannel() throws IOException {
        Channel channel = get().createChannel();
        if (channel == null) {
            throw new IOException("RabbitMQ at " + displayUri + " refused a new channel");
        }
        return channel;
    }

    public String displayUri() {
        return displayUri;
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close(5000);
            } catch (Exception e) {
                log.debug("closing AMQP connection: {}", e.toString());
            }
            connection = null;
        }
    }
}
