package io.cassmail.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.mail.MessageIds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobQueue} and {@link ParkingLot} promise; run against RabbitMQ and the memory twin.
 * Implementations are built with retry tiers of 1 and 5 minutes, so nothing leaves a tier during a test.
 */
public abstract class JobQueueContract {
    protected static final List<Duration> TIERS = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5));

    protected abstract JobQueue queue();

    protected abstract ParkingLot parkingLot();

    /** Takes every job now waiting for the workers. */
    protected abstract List<DeliveryJob> takeForWorkers() throws Exception;

    /** Takes every job now waiting in the retry tier of the given delay. */
    protected abstract List<DeliveryJob> takeFromTier(Duration delay) throws Exception;

    @Test
    void aPublishedJobReachesTheWorkersUnchanged() throws Exception {
        DeliveryJob job = DeliveryJob.first(MessageIds.next());
        queue().publish(job);
        assertThat(takeForWorkers()).containsExactly(job);
    }

    @Test
    void aRetryWaitsInTheTierOfItsAttemptNotWithTheWorkers() throws Exception {
        DeliveryJob second = DeliveryJob.first(MessageIds.next()).nextAttempt();
        DeliveryJob ninth = new DeliveryJob(MessageIds.next(), 9, second.firstQueued());
        queue().retry(second);
        queue().retry(ninth);
        assertThat(takeForWorkers()).isEmpty();
        assertThat(takeFromTier(TIERS.get(0))).containsExactly(second);
        assertThat(takeFromTier(TIERS.get(1))).containsExactly(ninth);
    }

    @Test
    void theRetryDelayOfLaterAttemptsStaysOnTheLastTier() {
        assertThat(queue().retryDelay(1)).isEqualTo(TIERS.get(0));
        assertThat(queue().retryDelay(2)).isEqualTo(TIERS.get(1));
        assertThat(queue().retryDelay(40)).isEqualTo(TIERS.get(1));
    }

    @Test
    void aParkedJobIsListedWithItsReasonAndStaysParked() throws Exception {
        DeliveryJob job = DeliveryJob.first(MessageIds.next());
        queue().park(job.encode(), "operator look");
        for (int look = 0; look < 2; look++) {
            assertThat(parkingLot().parked()).filteredOn(p -> p.messageId().equals(java.util.Optional.of(job.messageId())))
                    .singleElement().extracting(ParkedJob::reason).isEqualTo("operator look");
        }
    }

    @Test
    void requeueMovesOnlyTheMatchingJobsToTheWorkers() throws Exception {
        DeliveryJob chosen = DeliveryJob.first(MessageIds.next());
        DeliveryJob other = DeliveryJob.first(MessageIds.next());
        queue().park(chosen.encode(), "one");
        queue().park(other.encode(), "two");
        queue().park("not a job".getBytes(StandardCharsets.US_ASCII), "unreadable");
        int moved = parkingLot().requeue(p -> p.messageId().equals(java.util.Optional.of(chosen.messageId())));
        assertThat(moved).isEqualTo(1);
        assertThat(takeForWorkers()).containsExactly(chosen);
        assertThat(parkingLot().parked()).extracting(ParkedJob::reason).containsExactly("two", "unreadable");
        assertThat(parkingLot().parked()).filteredOn(p -> p.messageId().isEmpty()).singleElement()
                .extracting(ParkedJob::bodyText).isEqualTo("not a job");
    }
}
