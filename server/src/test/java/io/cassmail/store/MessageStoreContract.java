package io.cassmail.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.mail.HeaderSummary;
import io.cassmail.mail.MessageIds;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link MessageStore} promises; run against the Cassandra tables and the memory twin. */
public abstract class MessageStoreContract {

    protected abstract MessageStore store();

    private UUID write(byte[] body, int pieces) throws IOException {
        UUID id = MessageIds.next();
        BodyWriter w = store().newBody(id);
        int step = Math.max(1, body.length / pieces);
        for (int off = 0; off < body.length; off += step) {
            w.write(body, off, Math.min(step, body.length - off));
        }
        int chunks = w.finish();
        assertThat(w.size()).isEqualTo(body.length);
        store().save(new StoredMessage(id, "alice@example.test", List.of("bob@cassmail.test"), body.length, chunks,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), InetAddress.getLoopbackAddress(), "client.test",
                new HeaderSummary("Alice <alice@example.test>", null, "Hi", null, "<1@example.test>")));
        return id;
    }

    private byte[] read(UUID id) throws IOException {
        try (InputStream in = store().openBody(store().find(id).orElseThrow())) {
            return in.readAllBytes();
        }
    }

    @Test
    void aBodyLargerThanAChunkReadsBackByteForByte() throws IOException {
        byte[] body = new byte[MessageStore.CHUNK_SIZE * 2 + 12345];
        new Random(7).nextBytes(body);
        UUID id = write(body, 7);
        assertThat(store().find(id).orElseThrow().chunkCount()).isEqualTo(3);
        assertThat(read(id)).isEqualTo(body);
    }

    @Test
    void anEmptyBodyIsOneEmptyChunk() throws IOException {
        UUID id = write(new byte[0], 1);
        assertThat(store().find(id).orElseThrow().chunkCount()).isEqualTo(1);
        assertThat(read(id)).isEmpty();
    }

    @Test
    void theRowKeepsEnvelopeAndHeaderSummaryIncludingMissingFields() throws IOException {
        UUID id = write("Subject: Hi\r\n\r\nbody\r\n".getBytes(), 1);
        StoredMessage m = store().find(id).orElseThrow();
        assertThat(m.envelopeFrom()).isEqualTo("alice@example.test");
        assertThat(m.recipients()).containsExactly("bob@cassmail.test");
        assertThat(m.helo()).isEqualTo("client.test");
        assertThat(m.clientIp()).isEqualTo(InetAddress.getLoopbackAddress());
        assertThat(m.headers()).isEqualTo(new HeaderSummary("Alice <alice@example.test>", null, "Hi", null, "<1@example.test>"));
    }

    @Test
    void anUnknownIdIsNotFound() {
        assertThat(store().find(MessageIds.next())).isEmpty();
    }

    @Test
    void deleteRemovesRowAndBody() throws IOException {
        UUID id = write("x".repeat(1000).getBytes(), 2);
        StoredMessage before = store().find(id).orElseThrow();
        store().delete(id);
        assertThat(store().find(id)).isEmpty();
        try (InputStream in = store().openBody(before)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
        }
    }

    @Test
    void anAbortedBodyLeavesNothing() throws IOException {
        UUID id = MessageIds.next();
        BodyWriter w = store().newBody(id);
        w.write(new byte[MessageStore.CHUNK_SIZE + 10], 0, MessageStore.CHUNK_SIZE + 10);
        w.abort();
        StoredMessage ghost = new StoredMessage(id, "", List.of(), MessageStore.CHUNK_SIZE + 10, 2, Instant.now(), null,
                null, HeaderSummary.EMPTY);
        try (InputStream in = store().openBody(ghost)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
        }
    }
}
