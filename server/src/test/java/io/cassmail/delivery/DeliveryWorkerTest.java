package io.cassmail.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cassmail.queue.DeliveryJob;
import io.cassmail.queue.MemoryJobQueue;
import io.cassmail.testing.MemoryMailSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** From a job body to a durable outcome: park, retry in the right tier, or done; throwing means no ack. */
class DeliveryWorkerTest {
    private final MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test").withUser("bob@cassmail.test");

    @Test
    void anUnreadableJobIsParkedWithTheReason() throws IOException {
        mail.worker().handle("garbage".getBytes(StandardCharsets.US_ASCII));
        assertThat(mail.queue.parked()).singleElement().satisfies(p -> {
            assertThat(p.bodyText()).isEqualTo("garbage");
            assertThat(p.reason()).contains("malformed delivery job");
        });
    }

    @Test
    void aJobNeedingAnotherAttemptGoesToTheTierOfThatAttempt() throws IOException {
        mail.submit("a@example.test", "Subject: x\r\n\r\ny\r\n", "bob@cassmail.test");
        DeliveryJob job = mail.queue.takeDeliveries().get(0);
        mail.stores.folders().unavailable(true);
        mail.worker().handle(job.encode());
        mail.worker().handle(job.nextAttempt().encode());
        assertThat(mail.queue.takeRetries()).extracting(MemoryJobQueue.Retry::job, MemoryJobQueue.Retry::delay)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(job.nextAttempt(), Duration.ofMinutes(1)),
                        org.assertj.core.groups.Tuple.tuple(job.nextAttempt().nextAttempt(), Duration.ofMinutes(5)));
    }

    @Test
    void aDeliveredJobLeavesNothingQueued() throws IOException {
        UUID id = mail.submit("a@example.test", "Subject: x\r\n\r\ny\r\n", "bob@cassmail.test");
        mail.worker().handle(mail.queue.takeDeliveries().get(0).encode());
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(id);
        assertThat(mail.queue.takeRetries()).isEmpty();
        assertThat(mail.queue.takeDeliveries()).isEmpty();
        assertThat(mail.queue.parked()).isEmpty();
    }

    @Test
    void aRetryTheQueueDoesNotConfirmThrowsSoTheJobIsNotAcked() throws IOException {
        mail.submit("a@example.test", "Subject: x\r\n\r\ny\r\n", "bob@cassmail.test");
        DeliveryJob job = mail.queue.takeDeliveries().get(0);
        mail.stores.folders().unavailable(true);
        mail.queue.refuse(true);
        assertThatThrownBy(() -> mail.worker().handle(job.encode())).isInstanceOf(IOException.class);
    }
}
