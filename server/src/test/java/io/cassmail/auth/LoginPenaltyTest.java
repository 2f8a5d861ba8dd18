package io.cassmail.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.testing.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The per-address failed-login budget (anvil-style). */
class LoginPenaltyTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final LoginPenalty penalty = new LoginPenalty(3, Duration.ofMinutes(5), clock);
    private final InetAddress a = InetAddress.getLoopbackAddress();

    @Test
    void anAddressIsRefusedAfterItsBudgetAndForgivenAfterTheWindow() {
        for (int i = 0; i < 3; i++) {
            assertThat(penalty.allows(a)).isTrue();
            penalty.failed(a);
        }
        assertThat(penalty.allows(a)).isFalse();
        assertThat(penalty.secondsLeft(a)).isEqualTo(300);
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertThat(penalty.allows(a)).isTrue();
    }

    @Test
    void aSuccessfulLoginClearsTheRecordAndOtherAddressesAreUntouched() throws Exception {
        penalty.failed(a);
        penalty.failed(a);
        penalty.succeeded(a);
        penalty.failed(a);
        penalty.failed(a);
        assertThat(penalty.allows(a)).isTrue();
        penalty.failed(a);
        assertThat(penalty.allows(a)).isFalse();
        assertThat(penalty.allows(InetAddress.getByName("127.0.0.2"))).isTrue();
    }

    @Test
    void ipv6AddressesShareTheBudgetOfTheirSlash64() throws Exception {
        java.net.InetAddress one = java.net.InetAddress.getByName("2001:db8:1:2::1");
        java.net.InetAddress other = java.net.InetAddress.getByName("2001:db8:1:2:ffff:ffff:ffff:fffe");
        java.net.InetAddress nextNet = java.net.InetAddress.getByName("2001:db8:1:3::1");
        penalty.failed(one);
        penalty.failed(other);
        penalty.failed(java.net.InetAddress.getByName("2001:db8:1:2::abcd"));
        assertThat(penalty.allows(one)).isFalse();
        assertThat(penalty.allows(java.net.InetAddress.getByName("2001:db8:1:2::9"))).as("same /64").isFalse();
        assertThat(penalty.allows(nextNet)).as("another /64").isTrue();
        assertThat(penalty.allows(java.net.InetAddress.getByName("192.0.2.1"))).isTrue();
    }
}
