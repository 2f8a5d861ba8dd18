package io.cassmail.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.testing.TestInfra;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** One reconciler sweep at a time across processes, on a real RabbitMQ broker: each connection stands for a process. */
class SweepLockIT {
    private final String name = "test.sweeplock." + UUID.randomUUID();

    @Test
    void aSecondProcessIsRefusedWhileTheFirstHoldsTheLockAndGetsItWhenTheFirstReleasesOrDies() throws Exception {
        BrokerConnection first = new BrokerConnection(TestInfra.amqpUri(), "sweeplock-a", null);
        BrokerConnection second = new BrokerConnection(TestInfra.amqpUri(), "sweeplock-b", null);
        try {
            SweepLock a = new SweepLock(first, name);
            SweepLock b = new SweepLock(second, name);
            Optional<SweepLock.Held> held = a.tryAcquire();
            assertThat(held).isPresent();
            assertThat(b.tryAcquire()).as("held by the other process").isEmpty();
            held.get().close();
            Optional<SweepLock.Held> next = b.tryAcquire();
            assertThat(next).as("released").isPresent();
            assertThat(a.tryAcquire()).isEmpty();
            second.close(); // the holder's process dies: its connection ends, and the broker frees the lock
            Optional<SweepLock.Held> again = a.tryAcquire();
            assertThat(again).isPresent();
            again.get().close();
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void anInvalidUriIsReportedWithoutItsPassword() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BrokerConnection.factory("amqx://guest:s3cret@host/"))
                .hasMessageContaining("guest:***@").hasMessageNotContaining("s3cret");
        assertThat(BrokerConnection.withoutPassword("amqps://cassmail:p%40ss@rabbit.example:5671/mail"))
                .isEqualTo("amqps://cassmail:***@rabbit.example:5671/mail");
    }
}
