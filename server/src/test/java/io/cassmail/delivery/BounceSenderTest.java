package io.cassmail.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.net.SendingLimits;
import io.cassmail.queue.DeliveryJob;
import io.cassmail.store.StoredMessage;
import io.cassmail.testing.MemoryMailSystem;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Reports to remote addresses are rate-limited, per address and in all; local senders' reports are not. */
class BounceSenderTest {
    private final MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test").withUser("bob@cassmail.test");
    private final BounceSender limited = new BounceSender(mail.intake, mail.stores.messages(), mail.stores.directory(),
            MemoryMailSystem.HOSTNAME, new SendingLimits(2, mail.clock), new SendingLimits(3, mail.clock));

    private StoredMessage from(String sender) throws IOException {
        UUID id = mail.submit(sender, "Subject: x\r\n\r\nx\r\n", "bob@cassmail.test");
        mail.queue.takeDeliveries();
        return mail.stores.messages().find(id).orElseThrow();
    }

    private int reportsQueuedFor(String address) {
        int n = 0;
        for (DeliveryJob job : mail.relay.takeDeliveries()) {
            n += mail.stores.messages().find(job.messageId()).orElseThrow().recipients().contains(address) ? 1 : 0;
        }
        return n;
    }

    private void fail(StoredMessage m) throws IOException {
        limited.send(m, List.of(new DeliveryProcessor.Bounce("bob@cassmail.test", "5.2.2", "mailbox full", 1)));
    }

    @Test
    void aRemoteAddressGetsAtMostItsHourlyShareOfReportsAndAllRemoteAddressesTogetherTheirs() throws IOException {
        for (int i = 0; i < 4; i++) {
            fail(from("victim@remote.test"));
        }
        assertThat(reportsQueuedFor("victim@remote.test")).as("per address").isEqualTo(2);
        for (String other : List.of("a@remote.test", "b@remote.test")) {
            fail(from(other));
        }
        // one more to a, then none to b: three in all this hour
        assertThat(mail.relay.takeDeliveries()).hasSize(1);
        mail.clock.advance(java.time.Duration.ofMinutes(61));
        fail(from("victim@remote.test"));
        assertThat(reportsQueuedFor("victim@remote.test")).as("a new hour").isEqualTo(1);
    }

    @Test
    void aLocalSenderIsNotLimited() throws IOException {
        mail.withUser("alice@cassmail.test");
        List<StoredMessage> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(from("alice@cassmail.test"));
        }
        for (StoredMessage m : sent) {
            fail(m);
        }
        assertThat(mail.queue.takeDeliveries()).hasSize(5);
    }
}
