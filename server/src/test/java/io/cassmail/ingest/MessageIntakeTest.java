package io.cassmail.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cassmail.mail.Envelope;
import io.cassmail.queue.DeliveryJob;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.StoredMessage;
import io.cassmail.testing.MemoryMailSystem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** When intake may say 250 (DESIGN.md §1), and that a failed accept leaves nothing behind. */
class MessageIntakeTest {
    private static final String MESSAGE = "From: Alice <alice@example.test>\r\nSubject: Hello\r\n\r\nHi Bob\r\n";
    private final MemoryMailSystem mail = new MemoryMailSystem();

    private MessageIntake.Submission begin() throws IOException {
        MessageIntake.Submission s = mail.intake.begin(new Envelope("alice@example.test",
                List.of(new Envelope.Recipient("bob@cassmail.test", "bob@cassmail.test"),
                        new Envelope.Recipient("postmaster@cassmail.test", "carol@cassmail.test")), null, "client.test"));
        byte[] b = MESSAGE.getBytes(StandardCharsets.US_ASCII);
        s.write(b, 0, 10);
        s.write(b, 10, b.length - 10);
        return s;
    }

    @Test
    void aCommittedMessageIsStoredRecordedAndQueuedOnce() throws IOException {
        UUID id = begin().commit();
        StoredMessage m = mail.stores.messages().find(id).orElseThrow();
        assertThat(m.size()).isEqualTo(MESSAGE.length());
        assertThat(m.headers().subject()).isEqualTo("Hello");
        assertThat(m.headers().from()).isEqualTo("Alice <alice@example.test>");
        try (InputStream in = mail.stores.messages().openBody(m)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(MESSAGE);
        }
        assertThat(mail.stores.ledger().records(id)).extracting(DeliveryRecord::recipient, DeliveryRecord::mailbox,
                DeliveryRecord::status).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("bob@cassmail.test", "bob@cassmail.test", DeliveryStatus.QUEUED),
                        org.assertj.core.groups.Tuple.tuple("postmaster@cassmail.test", "carol@cassmail.test", DeliveryStatus.QUEUED));
        assertThat(mail.queue.takeDeliveries()).singleElement().satisfies(j -> {
            assertThat(j.messageId()).isEqualTo(id);
            assertThat(j.attempt()).isZero();
        });
    }

    @Test
    void aLostConfirmStillAcceptsTheMessageAndKeepsWhatTheJobNeeds() throws IOException {
        mail.queue.loseConfirms(true);
        UUID id = begin().commit(); // the job may be queued: 250, never a 451 that makes the client send a second copy
        assertThat(mail.stores.messages().find(id)).isPresent();
        assertThat(mail.stores.messages().hasBody(id)).isTrue();
        assertThat(mail.stores.ledger().records(id)).extracting(DeliveryRecord::status)
                .containsOnly(DeliveryStatus.QUEUED);
        assertThat(mail.queue.takeDeliveries()).extracting(DeliveryJob::messageId).containsOnly(id).hasSize(2);
    }

    @Test
    void aMessageBeyondTheMemoryBudgetIsDroppedAndGivesItsShareBack() throws IOException {
        IntakeMemory memory = new IntakeMemory(IntakeMemory.PER_SESSION + 16 * 1024);
        MessageIntake intake = new MessageIntake(mail.stores.stores(), mail.queue, null, memory);
        Envelope envelope = new Envelope("alice@example.test",
                List.of(new Envelope.Recipient("bob@cassmail.test", "bob@cassmail.test")), null, "client.test");
        MessageIntake.Submission big = intake.begin(envelope);
        assertThatThrownBy(() -> intake.begin(envelope)).isInstanceOf(IntakeMemory.ExhaustedException.class);
        byte[] line = ("x".repeat(998) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 100; i++) {
                big.write(line, 0, line.length);
            }
        }).isInstanceOf(IntakeMemory.ExhaustedException.class);
        assertThat(memory.held()).isZero();
        assertThat(mail.stores.messages().hasBody(big.id())).isFalse();
        MessageIntake.Submission next = intake.begin(envelope);
        next.write(line, 0, line.length);
        assertThat(next.commit()).isEqualTo(next.id());
        assertThat(memory.held()).isZero();
    }

    @Test
    void aBrokerThatRefusesTheJobFailsTheCommitAndLeavesNoTrace() throws IOException {
        mail.queue.refuse(true);
        MessageIntake.Submission s = begin();
        assertThatThrownBy(s::commit).isInstanceOf(IOException.class).hasMessageContaining("refuses");
        assertThat(mail.stores.ledger().records(s.id())).isEmpty();
        assertThat(mail.stores.messages().find(s.id())).isEmpty();
        assertThat(mail.stores.messages().hasBody(s.id())).isFalse();
    }

    @Test
    void aRefusedRelayJobAfterTheLocalJobWasConfirmedKeepsTheMessageForTheReconciler() throws IOException {
        mail.relay.refuse(true);
        MessageIntake.Submission s = mail.intake.begin(new Envelope("alice@example.test",
                List.of(new Envelope.Recipient("bob@cassmail.test", "bob@cassmail.test"),
                        Envelope.Recipient.remote("carol@remote.test")), null, "client.test"));
        byte[] b = MESSAGE.getBytes(StandardCharsets.US_ASCII);
        s.write(b, 0, b.length);
        UUID id = s.commit(); // a 451 now would leave the local copy listed with its body gone, and make a second one
        assertThat(mail.queue.takeDeliveries()).singleElement().satisfies(j -> assertThat(j.messageId()).isEqualTo(id));
        assertThat(mail.stores.messages().hasBody(id)).isTrue();
        assertThat(mail.stores.ledger().records(id)).extracting(DeliveryRecord::status)
                .containsOnly(DeliveryStatus.QUEUED);
        assertThat(mail.stores.accepted().in(io.cassmail.store.AcceptedLog.minuteOf(java.time.Instant.now())))
                .as("where the reconciler finds it").contains(id);
    }

    @Test
    void aRefusedRelayJobForAMessageWithOnlyRemoteRecipientsFailsTheCommit() throws IOException {
        mail.relay.refuse(true);
        MessageIntake.Submission s = mail.intake.begin(new Envelope("alice@example.test",
                List.of(Envelope.Recipient.remote("carol@remote.test")), null, "client.test"));
        byte[] b = MESSAGE.getBytes(StandardCharsets.US_ASCII);
        s.write(b, 0, b.length);
        assertThatThrownBy(s::commit).isInstanceOf(IOException.class);
        assertThat(mail.stores.messages().find(s.id())).isEmpty();
    }

    @Test
    void aStoreOutageAtCommitFailsItAndQueuesNothing() throws IOException {
        MessageIntake.Submission s = begin();
        mail.stores.messages().unavailable(true);
        assertThatThrownBy(s::commit).isInstanceOf(IOException.class);
        mail.stores.messages().unavailable(false);
        assertThat(mail.stores.messages().find(s.id())).isEmpty();
        assertThat(mail.stores.ledger().records(s.id())).isEmpty();
        assertThat(mail.queue.takeDeliveries()).isEmpty();
    }

    @Test
    void anAbortedMessageLeavesNothing() throws IOException {
        MessageIntake.Submission s = begin();
        s.abort();
        assertThat(mail.stores.messages().hasBody(s.id())).isFalse();
        assertThat(mail.stores.messages().find(s.id())).isEmpty();
        assertThat(mail.queue.takeDeliveries()).isEmpty();
    }

    @Test
    void aNullSenderIsStoredAsEmpty() throws IOException {
        UUID id = mail.submit(null, MESSAGE, "bob@cassmail.test");
        assertThat(mail.stores.messages().find(id).orElseThrow().envelopeFrom()).isEmpty();
    }

    @Test
    void idsFollowArrivalOrder() throws IOException {
        UUID first = mail.submit("a@example.test", MESSAGE, "bob@cassmail.test");
        UUID second = mail.submit("a@example.test", MESSAGE, "bob@cassmail.test");
        assertThat(second.timestamp()).isGreaterThan(first.timestamp());
    }
}
