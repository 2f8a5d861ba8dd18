package io.cassmail.queue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DeliverCallback;
import io.cassmail.mailbox.WriterLink;
import io.cassmail.store.StoreUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mailbox writes between CassMail processes (README "Data model"): each process that writes accounts listens on
 * an exclusive queue named after its writer id, and a process that needs to change an account another process
 * writes sends the request there and waits for the answer on RabbitMQ's direct reply-to. Nothing is durable: a
 * request whose writer died is unroutable (the exclusive queue went with its connection) or unanswered, and the
 * requester waits for the lease to run out instead. Requests carry ids and flags, never message bytes.
 */
public final class RabbitWriterLink implements WriterLink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RabbitWriterLink.class);
    private static final String REPLY_TO = "amq.rabbitmq.reply-to";

    private final BrokerConnection broker;
    private final String prefix;
    private final Map<String, CompletableFuture<Optional<byte[]>>> waiting = new ConcurrentHashMap<>();
    private Channel calls;
    private Channel serving;

    /** @param prefix queue-name prefix, e.g. {@code cassmail.mailbox-writer.} */
    public RabbitWriterLink(BrokerConnection broker, String prefix) {
        this.broker = broker;
        this.prefix = prefix;
    }

    /** The queue of a writer id (at most 255 bytes: long ids by their SHA-256). */
    String queue(String owner) {
        String name = prefix + owner;
        if (name.getBytes(StandardCharsets.UTF_8).length <= 200) {
            return name;
        }
        try {
            return prefix + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(owner.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Answers requests sent to {@code owner} with {@code handler} (the writer's {@code serve}) on {@code threads};
     * the queue lives as long as this process's connection.
     */
    public synchronized void serve(String owner, UnaryOperator<byte[]> handler, java.util.concurrent.Executor threads)
            throws IOException {
        serving = broker.newChannel();
        String queue = queue(owner);
        serving.queueDeclare(queue, false, true, true, Map.of());
        Channel replies = broker.newChannel();
        // a channel hands deliveries over one at a time: the work goes to the pool, so accounts proceed in parallel
        DeliverCallback onRequest = (tag, delivery) -> threads.execute(() -> {
            AMQP.BasicProperties props = delivery.getProperties();
            try {
                byte[] answer = handler.apply(delivery.getBody());
                if (props.getReplyTo() != null) {
                    synchronized (replies) {
                        replies.basicPublish("", props.getReplyTo(),
                                new AMQP.BasicProperties.Builder().correlationId(props.getCorrelationId()).build(), answer);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the requester times out and treats the change as uncertain
                log.warn("mailbox request from another process not answered: {}", e.toString());
            }
        });
        serving.basicConsume(queue, true, onRequest, tag -> { });
        log.info("serving mailbox writes for other processes on queue {}", queue);
    }

    private synchronized Channel calls() throws IOException {
        if (calls != null && calls.isOpen()) {
            return calls;
        }
        Channel c = broker.newChannel();
        c.basicConsume(REPLY_TO, true, (tag, delivery) -> {
            CompletableFuture<Optional<byte[]>> f = waiting.remove(delivery.getProperties().getCorrelationId());
            if (f != null) {
                f.complete(Optional.of(delivery.getBody()));
            }
        }, tag -> { });
        c.addReturnListener(returned -> {
            CompletableFuture<Optional<byte[]>> f = waiting.remove(returned.getProperties().getCorrelationId());
            if (f != null) {
                f.complete(Optional.empty());
            }
        });
        calls = c;
        return c;
    }

    @Override
    public Optional<byte[]> call(String owner, byte[] request, Duration timeout) {
        String id = UUID.randomUUID().toString();
        CompletableFuture<Optional<byte[]>> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        try {
            Channel c = calls();
            synchronized (this) {
                // mandatory: a writer that is gone has no queue, and the broker returns the request at once
                c.basicPublish("", queue(owner), true,
                        new AMQP.BasicProperties.Builder().correlationId(id).replyTo(REPLY_TO).build(), request);
            }
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            log.debug("mailbox writer {} unreachable: {}", owner, e.getMessage());
            return Optional.empty();
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("the mailbox writer " + owner + " did not answer within " + timeout, e);
        } catch (ExecutionException e) {
            throw new StoreUnavailableException("the mailbox writer " + owner + " failed: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for the mailbox writer " + owner, e);
        } finally {
            waiting.remove(id);
        }
    }

    @Override
    public synchronized void close() {
        for (Channel c : new Channel[] {calls, serving}) {
            if (c != null && c.isOpen()) {
                try {
                    c.close();
                } catch (IOException | TimeoutException | RuntimeException e) {
                    log.debug("closing a writer-link channel: {}", e.toString());
                }
            }
        }
    }
}
