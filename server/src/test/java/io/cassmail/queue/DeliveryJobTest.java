package io.cassmail.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cassmail.mail.MessageIds;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeliveryJobTest {

    @Test
    void aJobSurvivesEncodingAndCarriesIdsOnly() {
        DeliveryJob job = DeliveryJob.first(MessageIds.next()).nextAttempt().nextAttempt();
        assertThat(DeliveryJob.decode(job.encode())).isEqualTo(job);
        assertThat(new String(job.encode(), StandardCharsets.US_ASCII)).startsWith("message-id=" + job.messageId());
        assertThat(job.attempt()).isEqualTo(2);
    }

    @Test
    void aBodyThatIsNoJobSaysWhatIsWrong() {
        assertThatThrownBy(() -> DeliveryJob.decode("hello".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(DeliveryJob.MalformedJobException.class).hasMessageContaining("no message-id");
        assertThatThrownBy(() -> DeliveryJob.decode("message-id=x\nattempt=0\nfirst-queued=1\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(DeliveryJob.MalformedJobException.class);
    }
}
