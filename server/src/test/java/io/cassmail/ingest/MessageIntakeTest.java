package io.cassmail.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cassmail.mail.Envelope;
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
    void aBrokerThatDoesNotConfirmFailsTheCommitAndLeavesNoTrace() throws IOException {
        mail.queue.refuse(true);
        MessageIntake.Submission s = begin();
        assertThatThrownBy(s::commit).isInstanceOf(IOException.class).hasMessageContaining("refuses");
        assertThat(mail.stores.ledger().records(s.id())).isEmpty();
        assertThat(mail.stores.messages().find(s.id())).isEmpty();
        assertThat(mail.stores.messages().hasBody(s.id())).isFalse();
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
