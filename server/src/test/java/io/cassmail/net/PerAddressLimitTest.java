package io.cassmail.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class PerAddressLimitTest {

    @Test
    void eachAddressHasItsOwnCountAndAReleaseFreesASlot() throws Exception {
        PerAddressLimit limit = new PerAddressLimit(2);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        assertThat(limit.tryAcquire(a)).isTrue();
        assertThat(limit.tryAcquire(a)).isTrue();
        assertThat(limit.tryAcquire(a)).isFalse();
        assertThat(limit.tryAcquire(b)).isTrue();
        limit.release(a);
        assertThat(limit.tryAcquire(a)).isTrue();
        assertThat(limit.tryAcquire(a)).isFalse();
    }
}
