package io.cassmail.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.mail.MessageIds;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link DeliveryLedger} promises; run against the Cassandra table and the memory twin. */
public abstract class DeliveryLedgerContract {

    protected abstract DeliveryLedger ledger();

    private UUID queued(String... recipients) {
        UUID id = MessageIds.next();
        ledger().recordQueued(id, java.util.Arrays.stream(recipients).map(r -> DeliveryRecord.queued(r, r)).toList());
        return id;
    }

    @Test
    void queuedRecipientsReadBackInRecipientOrderWithNoAttempts() {
        UUID id = queued("carol@cassmail.test", "bob@cassmail.test");
        List<DeliveryRecord> records = ledger().records(id);
        assertThat(records).extracting(DeliveryRecord::recipient).containsExactly("bob@cassmail.test", "carol@cassmail.test");
        assertThat(records).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(DeliveryStatus.QUEUED);
            assertThat(r.attempts()).isZero();
            assertThat(r.lastError()).isNull();
            assertThat(r.mailbox()).isEqualTo(r.recipient());
            assertThat(r.updated()).isNotNull();
        });
    }

    @Test
    void updateChangesOneRecipientAndKeepsItsMailbox() {
        UUID id = queued("bob@cassmail.test", "carol@cassmail.test");
        ledger().update(id, "bob@cassmail.test", DeliveryStatus.RETRYING, 2, "4.3.0 store down");
        List<DeliveryRecord> records = ledger().records(id);
        assertThat(records.get(0)).extracting(DeliveryRecord::status, DeliveryRecord::attempts, DeliveryRecord::lastError,
                DeliveryRecord::mailbox).containsExactly(DeliveryStatus.RETRYING, 2, "4.3.0 store down", "bob@cassmail.test");
        assertThat(records.get(1).status()).isEqualTo(DeliveryStatus.QUEUED);
    }

    @Test
    void aLocalRecipientKeepsTheEntryIdIntakeTookAndARemoteOneHasNone() {
        UUID id = MessageIds.next();
        UUID entry = MessageIds.next();
        ledger().recordQueued(id, List.of(DeliveryRecord.queued("bob@cassmail.test", "bob@cassmail.test", null, entry),
                DeliveryRecord.queued("carol@example.test", "", "NOTIFY=NEVER", null)));
        List<DeliveryRecord> records = ledger().records(id);
        assertThat(records.get(0).entryId()).isEqualTo(entry);
        assertThat(records.get(1).entryId()).isNull();
        assertThat(records.get(1).dsn()).isEqualTo("NOTIFY=NEVER");
        ledger().update(id, "bob@cassmail.test", DeliveryStatus.DELIVERED, 1, null);
        assertThat(ledger().records(id).get(0).entryId()).as("an update keeps it").isEqualTo(entry);
    }

    @Test
    void updateClearsTheLastErrorWhenGivenNone() {
        UUID id = queued("bob@cassmail.test");
        ledger().update(id, "bob@cassmail.test", DeliveryStatus.RETRYING, 1, "temporary");
        ledger().update(id, "bob@cassmail.test", DeliveryStatus.DELIVERED, 2, null);
        assertThat(ledger().records(id).get(0).lastError()).isNull();
    }

    @Test
    void forgetRemovesEveryRecipient() {
        UUID id = queued("bob@cassmail.test", "carol@cassmail.test");
        ledger().forget(id);
        assertThat(ledger().records(id)).isEmpty();
    }

    @Test
    void aMessageNeverQueuedHasNoRecords() {
        assertThat(ledger().records(MessageIds.next())).isEmpty();
    }
}
