package io.cassmail.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Per-host slots: slow start, back-off after a failure, and a bounded wait. */
class HostConcurrencyTest {
    private static final Duration NO_WAIT = Duration.ofMillis(1);

    @Test
    void aNewHostGetsOneSlotAndEarnsMoreWithEachCompletedTransactionUpToTheMaximum() throws InterruptedException {
        HostConcurrency c = new HostConcurrency(3);
        HostConcurrency.Slot first = c.acquire("mx.example.org", NO_WAIT);
        assertThat(first).isNotNull();
        assertThat(c.acquire("mx.example.org", NO_WAIT)).as("one slot while it proves itself").isNull();
        assertThat(c.acquire("mx.other.org", NO_WAIT)).as("other hosts are not held up").isNotNull();
        first.completed();
        assertThat(c.limit("mx.example.org")).isEqualTo(2);
        HostConcurrency.Slot a = c.acquire("mx.example.org", NO_WAIT);
        HostConcurrency.Slot b = c.acquire("mx.example.org", NO_WAIT);
        assertThat(a).isNotNull();
        assertThat(b).isNotNull();
        a.completed();
        b.completed();
        assertThat(c.limit("mx.example.org")).as("never above the maximum").isEqualTo(3);
    }

    @Test
    void aFailedTransactionDropsTheHostBackToOneSlotAndASlotIsGivenBackOnce() throws InterruptedException {
        HostConcurrency c = new HostConcurrency(4);
        for (int i = 0; i < 4; i++) {
            c.acquire("mx.example.org", NO_WAIT).completed();
        }
        assertThat(c.limit("mx.example.org")).isEqualTo(4);
        HostConcurrency.Slot stalled = c.acquire("mx.example.org", NO_WAIT);
        stalled.failed();
        stalled.completed(); // the second call does nothing
        assertThat(c.limit("mx.example.org")).isEqualTo(1);
        assertThat(c.active()).isZero();
    }

    @Test
    void aWaiterGetsTheSlotWhenItIsGivenBack() throws Exception {
        HostConcurrency c = new HostConcurrency(2);
        HostConcurrency.Slot held = c.acquire("mx.example.org", NO_WAIT);
        Thread giver = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ignored) {
                return;
            }
            held.completed();
        });
        giver.start();
        HostConcurrency.Slot next = c.acquire("mx.example.org", Duration.ofSeconds(30));
        assertThat(next).isNotNull();
        giver.join();
    }
}
