package io.cassmail.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.store.FolderChanges;
import io.cassmail.store.FolderEntry;
import io.cassmail.store.FolderRow;
import io.cassmail.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The order in which a mailbox's delivery groups commit, with a store whose every write the test answers. */
class DeliveryPipelineTest {
    private static final String OWNER = "a@cassmail.test";
    private final UUID inbox = UUID.randomUUID();
    private final UUID junk = UUID.randomUUID();

    /** Every write sent, with the future the test completes. */
    private final List<FolderChanges> sent = new ArrayList<>();
    private final List<CompletableFuture<Void>> answers = new ArrayList<>();
    private final DeliveryPipeline pipeline = new DeliveryPipeline(c -> {
        sent.add(c);
        CompletableFuture<Void> f = new CompletableFuture<>();
        answers.add(f);
        return f;
    }, () -> true);

    private FolderChanges entries(UUID folder, long uid, long ts) {
        return new FolderChanges(OWNER, ts).putEntry(new FolderEntry(folder, uid, UUID.randomUUID(), 10, java.time.Instant.EPOCH, 0, Set.of(),
                uid, null, null)).inParts();
    }

    private FolderChanges rows(UUID folder, long uidNext, long ts) {
        return new FolderChanges(OWNER, ts).putFolder(new FolderRow(folder, "F", null, true, 1, uidNext, uidNext, uidNext - 1,
                0, 0));
    }

    private static List<Long> uidNexts(FolderChanges c) {
        return c.changes().stream().map(x -> ((FolderChanges.PutFolder) x).folder().uidNext()).toList();
    }

    @Test
    void rowsWaitUntilEveryEarlierGroupsEntriesLandedAndCarryTheNewestRowOfEachFolder() {
        CompletableFuture<Void> first = pipeline.submit(entries(inbox, 1, 10), rows(inbox, 2, 11));
        CompletableFuture<Void> second = pipeline.submit(entries(inbox, 2, 12), rows(inbox, 3, 13));
        CompletableFuture<Void> third = pipeline.submit(entries(junk, 1, 14), rows(junk, 2, 15));
        answers.get(1).complete(null); // the second group's entries first
        answers.get(2).complete(null);
        assertThat(sent).hasSize(3); // no rows yet: the first group's entries are still in flight
        answers.get(0).complete(null);
        assertThat(sent).hasSize(4);
        FolderChanges commit = sent.get(3);
        assertThat(commit.timestamp()).isEqualTo(15);
        assertThat(uidNexts(commit)).containsExactly(3L, 2L); // INBOX's newest row, then Junk's
        assertThat(first).isNotDone();
        answers.get(3).complete(null);
        assertThat(first).isCompleted();
        assertThat(second).isCompleted();
        assertThat(third).isCompleted();
        assertThat(pipeline.drain(Duration.ofSeconds(1))).isTrue();
    }

    @Test
    void aLaterGroupWhoseRowsLandFirstWaitsForTheEarlierAndFailsWithIt() {
        CompletableFuture<Void> first = pipeline.submit(entries(inbox, 1, 10), rows(inbox, 2, 11));
        answers.get(0).complete(null); // rows of the first go out
        CompletableFuture<Void> second = pipeline.submit(entries(junk, 1, 12), rows(junk, 2, 13));
        answers.get(2).complete(null); // rows of the second go out
        assertThat(sent).hasSize(4);
        answers.get(3).complete(null); // the second's rows land first
        assertThat(second).as("not answered before the first group's rows are in").isNotDone();
        answers.get(1).completeExceptionally(new StoreUnavailableException("timed out", null));
        assertThat(first).isCompletedExceptionally();
        assertThat(second).isCompletedExceptionally();
        assertThat(pipeline.failed()).isTrue();
        assertThat(pipeline.tail()).as("after a failure, until a new epoch").isCompletedExceptionally();
    }

    @Test
    void aFailureFailsEveryGroupInFlightAndAbandonWaitsForEveryWriteToBeAnswered() throws Exception {
        CompletableFuture<Void> first = pipeline.submit(entries(inbox, 1, 10), rows(inbox, 2, 11));
        CompletableFuture<Void> second = pipeline.submit(entries(inbox, 2, 12), rows(inbox, 3, 13));
        answers.get(0).completeExceptionally(new StoreUnavailableException("timed out", null));
        assertThat(first).isCompletedExceptionally();
        assertThat(second).isCompletedExceptionally();
        assertThat(pipeline.submit(entries(inbox, 3, 14), rows(inbox, 4, 15))).isCompletedExceptionally();

        Thread answerLater = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            answers.get(1).complete(null); // the second group's entries, still in flight
        });
        answerLater.start();
        long start = System.nanoTime();
        pipeline.abandon(new StoreUnavailableException("new epoch", null), Duration.ofSeconds(10));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        answerLater.join();
        assertThat(pipeline.failed()).isFalse();
        assertThat(sent).as("no rows went out for a failed group").hasSize(2);
        assertThat(pipeline.tail()).isCompleted();
    }
}
