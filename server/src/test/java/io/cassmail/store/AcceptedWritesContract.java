package io.cassmail.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.mail.HeaderSummary;
import io.cassmail.mail.MessageIds;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * What every store's {@link AcceptedWrites} promises: after {@link BodyWriter#finishHoldingLast()} and one
 * write, the whole body, the row and every recipient's QUEUED record are there; run on Cassandra and the twin.
 */
public abstract class AcceptedWritesContract {
    private static final List<DeliveryRecord> TWO = List.of(DeliveryRecord.queued("bob@cassmail.test", "bob@cassmail.test"),
            DeliveryRecord.queued("carol@cassmail.test", "carol@cassmail.test"));

    protected abstract Stores stores();

    private static byte[] body(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private StoredMessage row(UUID id, long size, int chunks) {
        return new StoredMessage(id, "alice@example.test", List.of("bob@cassmail.test", "carol@cassmail.test"), size,
                chunks, Instant.now(), InetAddress.getLoopbackAddress(), "client.test", HeaderSummary.EMPTY);
    }

    /** A body writer for message {@code id} that has taken {@code body}, not yet finished. */
    private BodyWriter written(UUID id, byte[] body) throws IOException {
        BodyWriter w = stores().messages().newBody(id);
        w.write(body, 0, body.length);
        return w;
    }

    private byte[] read(UUID id) throws IOException {
        try (InputStream in = stores().messages().openBody(stores().messages().find(id).orElseThrow())) {
            return in.readAllBytes();
        }
    }

    @Test
    void messagesAcceptedConcurrentlyInOneMinuteAreAllInTheReconcilersIndex() throws Exception {
        long minute = 10_000_000L + new Random().nextInt(1_000_000); // a minute no other test writes
        java.util.concurrent.ExecutorService sessions = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<UUID>> adds = new java.util.ArrayList<>();
            for (int i = 0; i < 300; i++) {
                adds.add(sessions.submit(() -> {
                    UUID id = MessageIds.next();
                    stores().accepted().add(minute, id);
                    return id;
                }));
            }
            List<UUID> added = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<UUID> f : adds) {
                added.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(stores().accepted().in(minute)).containsExactlyInAnyOrderElementsOf(added);
        } finally {
            sessions.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 5_000, MessageStore.CHUNK_SIZE - 1, MessageStore.CHUNK_SIZE, MessageStore.CHUNK_SIZE + 1,
            2 * MessageStore.CHUNK_SIZE + 777, 3 * MessageStore.CHUNK_SIZE - 1})
    void theLastChunkTheRowAndTheLedgerLandTogether(int size) throws IOException {
        byte[] body = body(size);
        UUID id = MessageIds.next();
        BodyWriter w = written(id, body);
        int chunks = w.finishHoldingLast();
        assertThat(chunks).isEqualTo(Math.max(1, (size + MessageStore.CHUNK_SIZE - 1) / MessageStore.CHUNK_SIZE));
        stores().writes().write(w, row(id, size, chunks), TWO);

        assertThat(read(id)).isEqualTo(body);
        assertThat(stores().ledger().records(id)).extracting(DeliveryRecord::recipient, DeliveryRecord::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("bob@cassmail.test", DeliveryStatus.QUEUED),
                        org.assertj.core.groups.Tuple.tuple("carol@cassmail.test", DeliveryStatus.QUEUED));
    }

    @Test
    void aHeldBackChunkIsWrittenByALaterFinish() throws IOException {
        byte[] body = body(MessageStore.CHUNK_SIZE + 4321);
        UUID id = MessageIds.next();
        BodyWriter w = written(id, body);
        int held = w.finishHoldingLast();
        assertThat(w.finish()).isEqualTo(held).isEqualTo(2);
        AcceptedWrites.separate(stores().messages(), stores().ledger()).write(w, row(id, body.length, held), TWO);
        assertThat(read(id)).isEqualTo(body);
    }

    @Test
    void aBodyAbortedAfterHoldingBackLeavesNothing() throws IOException {
        byte[] body = body(MessageStore.CHUNK_SIZE + 10);
        UUID id = MessageIds.next();
        BodyWriter w = written(id, body);
        w.finishHoldingLast();
        w.abort();
        StoredMessage ghost = row(id, body.length, 2);
        try (InputStream in = stores().messages().openBody(ghost)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
        }
        assertThat(stores().ledger().records(id)).isEmpty();
    }
}
