package io.cassmail.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.mail.HeaderSummary;
import io.cassmail.mail.MessageIds;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every store's {@link DeliveryReads} promises a worker: the message exactly as {@code find} returns it, with
 * every recipient's current record, or "no longer stored" once the body is removed; run on Cassandra and the twin.
 */
public abstract class DeliveryReadsContract {
    private static final List<DeliveryRecord> TWO = List.of(DeliveryRecord.queued("bob@cassmail.test", "bob@cassmail.test"),
            DeliveryRecord.queued("carol@cassmail.test", "carol@cassmail.test", "NOTIFY=SUCCESS"));

    protected abstract Stores stores();

    private static StoredMessage row(UUID id) {
        return new StoredMessage(id, "alice@example.test", List.of("bob@cassmail.test", "carol@cassmail.test"), 11, 1,
                Instant.now(), InetAddress.getLoopbackAddress(), "client.test",
                new HeaderSummary("Alice <alice@example.test>", "bob@cassmail.test", "Hello", null, "<1@example.test>"),
                "RET=HDRS");
    }

    /** Accepted the way intake accepts a message on this store. */
    private UUID accepted() throws IOException {
        UUID id = MessageIds.next();
        BodyWriter body = stores().messages().newBody(id);
        byte[] bytes = "Subject: x\r\n".getBytes(StandardCharsets.US_ASCII);
        body.write(bytes, 0, bytes.length);
        body.finishHoldingLast();
        stores().writes().write(body, row(id), TWO);
        return id;
    }

    @Test
    void anAcceptedMessageReadsWithEveryRecipientsRecord() throws IOException {
        UUID id = accepted();
        DeliveryReads.Delivery read = stores().reads().read(id);
        assertThat(read.message()).isEqualTo(stores().messages().find(id)).isPresent();
        assertThat(read.message().orElseThrow().headers().subject()).isEqualTo("Hello");
        assertThat(read.message().orElseThrow().dsn()).isEqualTo("RET=HDRS");
        assertThat(read.records()).isEqualTo(stores().ledger().records(id)).hasSize(2);
    }

    @Test
    void aRecordsLaterStateIsWhatTheNextReadSees() throws IOException {
        UUID id = accepted();
        UUID entry = MessageIds.next();
        stores().ledger().delivering(id, "bob@cassmail.test", entry);
        stores().ledger().update(id, "carol@cassmail.test", DeliveryStatus.RETRYING, 1, "4.3.0 busy");
        assertThat(stores().reads().read(id).records())
                .extracting(DeliveryRecord::recipient, DeliveryRecord::status, DeliveryRecord::entryId, DeliveryRecord::dsn)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("bob@cassmail.test", DeliveryStatus.DELIVERING, entry, null),
                        org.assertj.core.groups.Tuple.tuple("carol@cassmail.test", DeliveryStatus.RETRYING, null,
                                "NOTIFY=SUCCESS"));
    }

    @Test
    void aRemovedBodyReadsAsNoLongerStoredWhileItsRecordsStayAsHistory() throws IOException {
        UUID id = accepted();
        stores().messages().delete(id);
        assertThat(stores().reads().read(id).message()).isEmpty();
        assertThat(stores().ledger().records(id)).hasSize(2);
    }

    @Test
    void aWithdrawnMessageReadsAsNoLongerStored() throws IOException {
        UUID id = accepted();
        stores().messages().delete(id);
        stores().ledger().forget(id);
        assertThat(stores().reads().read(id).message()).isEmpty();
        assertThat(stores().reads().read(MessageIds.next()).message()).as("never stored").isEmpty();
    }

    @Test
    void aMessageWrittenRowByRowAsBeforeSchemaVersion7IsReadFromItsRow() {
        UUID id = MessageIds.next();
        stores().messages().save(row(id));
        stores().ledger().recordQueued(id, TWO);
        DeliveryReads.Delivery read = stores().reads().read(id);
        assertThat(read.message()).isEqualTo(stores().messages().find(id)).isPresent();
        assertThat(read.records()).hasSize(2);
    }
}
