package io.cassmail.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cassmail.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Group commit: at most one request per key in flight; whoever arrives meanwhile goes in the next one. */
class GroupCommitTest {
    private final ExecutorService callers = Executors.newCachedThreadPool();
    /** Every request sent: its key and values, and the future that answers it (completed by the test). */
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final GroupCommit<String, Integer> commit = new GroupCommit<>(this::record, Duration.ofSeconds(10));

    /** The send of every GroupCommit here: notes the request and hands back its answer, for the test to give. */
    private CompletableFuture<Object> record(String key, List<Integer> values) {
        Sent s = new Sent(key, List.copyOf(values), new CompletableFuture<>());
        sent.add(s);
        return s.answer;
    }

    private record Sent(String key, List<Integer> values, CompletableFuture<Object> answer) {
    }

    @AfterEach
    void stop() {
        callers.shutdownNow();
    }

    private Future<?> write(String key, int value) {
        return callers.submit(() -> commit.write(key, value));
    }

    private void awaitSent(int n) throws InterruptedException {
        for (int i = 0; i < 500 && sent.size() < n; i++) {
            Thread.sleep(10);
        }
        assertThat(sent).hasSizeGreaterThanOrEqualTo(n);
    }

    private static void awaitBlocked(Future<?> f) throws InterruptedException {
        Thread.sleep(50);
        assertThat(f).as("still waiting for its request").isNotDone();
    }

    @Test
    void writesArrivingWhileOneIsInFlightGoTogetherOnceItAnswers() throws Exception {
        Future<?> first = write("a", 1);
        awaitSent(1);
        List<Future<?>> later = new ArrayList<>();
        for (int v = 2; v <= 4; v++) {
            later.add(write("a", v));
        }
        for (int i = 0; i < 500 && commit.waiting("a") < 3; i++) {
            Thread.sleep(10);
        }
        assertThat(commit.waiting("a")).as("all three wait for the first").isEqualTo(3);
        assertThat(sent).as("nothing more while the first is in flight").hasSize(1);
        awaitBlocked(first);
        sent.get(0).answer().complete(null);
        first.get(5, TimeUnit.SECONDS);
        awaitSent(2);
        assertThat(sent.get(1).values()).containsExactlyInAnyOrder(2, 3, 4);
        for (Future<?> f : later) {
            awaitBlocked(f);
        }
        sent.get(1).answer().complete(null);
        for (Future<?> f : later) {
            f.get(5, TimeUnit.SECONDS);
        }
        assertThat(sent).hasSize(2);
    }

    @Test
    void aGroupStopsAtItsWeightAndWhatIsLeftGoesInTheNextRequests() throws Exception {
        GroupCommit<String, Integer> weighed = new GroupCommit<>(this::record, v -> v, 10, Duration.ofSeconds(10));
        List<Future<?>> writes = new ArrayList<>();
        writes.add(callers.submit(() -> weighed.write("a", 1)));
        awaitSent(1);
        int queued = 0;
        for (int v : new int[] {4, 5, 3, 20, 2}) {
            writes.add(callers.submit(() -> weighed.write("a", v)));
            queued++;
            for (int i = 0; i < 500 && weighed.waiting("a") < queued; i++) {
                Thread.sleep(10);
            }
            assertThat(weighed.waiting("a")).isEqualTo(queued);
        }
        for (int n = 1; n <= 5; n++) {
            awaitSent(n);
            assertThat(sent).as("one request in flight at a time").hasSize(n);
            sent.get(n - 1).answer().complete(null);
        }
        for (Future<?> f : writes) {
            f.get(5, TimeUnit.SECONDS);
        }
        assertThat(sent).extracting(Sent::values).as("4+5 fit in 10, 3 does not; 20 alone is over the limit and goes alone")
                .containsExactly(List.of(1), List.of(4, 5), List.of(3), List.of(20), List.of(2));
    }

    @Test
    void differentKeysDoNotWaitForEachOther() throws Exception {
        Future<?> a = write("a", 1);
        Future<?> b = write("b", 2);
        awaitSent(2);
        assertThat(sent).extracting(Sent::key).containsExactlyInAnyOrder("a", "b");
        sent.stream().filter(s -> s.key().equals("b")).findFirst().orElseThrow().answer().complete(null);
        b.get(5, TimeUnit.SECONDS);
        awaitBlocked(a);
    }

    @Test
    void everyCallerOfAFailedRequestSeesTheFailureAndTheNextGroupStillGoes() throws Exception {
        Future<?> first = write("a", 1);
        awaitSent(1);
        Future<?> second = write("a", 2);
        for (int i = 0; i < 500 && commit.waiting("a") < 1; i++) {
            Thread.sleep(10);
        }
        sent.get(0).answer().completeExceptionally(new IllegalStateException("write timeout"));
        assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("write timeout");
        awaitSent(2);
        sent.get(1).answer().complete(null);
        second.get(5, TimeUnit.SECONDS);
        Future<?> third = write("a", 3);
        awaitSent(3);
        assertThat(sent.get(2).values()).as("with nothing in flight, a write goes at once").containsExactly(3);
        sent.get(2).answer().complete(null);
        third.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aCallerThatGivesUpIsTakenOutOfAGroupNotYetSent() throws Exception {
        GroupCommit<String, Integer> patient = new GroupCommit<>(this::record, Duration.ofSeconds(2));
        callers.submit(() -> patient.write("a", 1));
        awaitSent(1);
        Future<?> gaveUp = callers.submit(() -> patient.write("a", 2));
        assertThatThrownBy(() -> gaveUp.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("did not answer");
        assertThat(patient.waiting("a")).as("its value left the waiting group").isZero();
        Future<?> later = callers.submit(() -> patient.write("a", 3));
        for (int i = 0; i < 500 && patient.waiting("a") < 1; i++) {
            Thread.sleep(10);
        }
        sent.get(0).answer().complete(null);
        awaitSent(2);
        assertThat(sent.get(1).values()).as("what was given up is never written").containsExactly(3);
        sent.get(1).answer().complete(null);
        later.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aRequestThatNeverAnswersFailsItsCallersAfterTheWait() {
        GroupCommit<String, Integer> silent = new GroupCommit<>((k, v) -> new CompletableFuture<>(), Duration.ofMillis(200));
        assertThatThrownBy(() -> silent.write("a", 1)).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("did not answer");
    }
}
