package io.cassmail.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MessageIdsTest {

    @Test
    void idsAreTimeBasedWithTheRfcVariant() {
        UUID id = MessageIds.next();
        assertThat(id.version()).isEqualTo(1);
        assertThat(id.variant()).isEqualTo(2);
    }

    @Test
    void idsOfOneProcessAreUniqueAndStrictlyIncreasingInTime() {
        Set<UUID> seen = new HashSet<>();
        long last = -1;
        for (int i = 0; i < 50_000; i++) {
            UUID id = MessageIds.next();
            assertThat(id.timestamp()).isGreaterThan(last);
            last = id.timestamp();
            seen.add(id);
        }
        assertThat(seen).hasSize(50_000);
    }

    @Test
    void theTimestampIsTheWallClock() {
        long before = System.currentTimeMillis();
        long at = MessageIds.unixMillis(MessageIds.next());
        assertThat(at).isBetween(before - 1000, System.currentTimeMillis() + 1000);
    }
}
