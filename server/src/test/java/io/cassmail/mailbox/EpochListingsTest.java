package io.cassmail.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.mail.MessageIds;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EpochListingsTest {
    private static final long EPOCH = 1_800_000_000_000L;
    private static final MailboxWriter.Appended WHERE = new MailboxWriter.Appended(1, 1, true);

    @Test
    void nothingIsCertainBeforeAnEpochBeginsOrAfterItEnds() {
        EpochListings l = new EpochListings();
        UUID later = MessageIds.at(EPOCH + 1000);
        assertThat(l.certainlyUnlisted(later)).isFalse();
        l.begin(EPOCH);
        assertThat(l.certainlyUnlisted(later)).isTrue();
        l.add(later, WHERE, EPOCH + 1000);
        assertThat(l.certainlyUnlisted(later)).isFalse();
        assertThat(l.where(later)).isEqualTo(WHERE);
        l.forget();
        assertThat(l.where(later)).isNull();
        assertThat(l.certainlyUnlisted(later)).as("a failed epoch's listings may not have landed").isFalse();
    }

    @Test
    void aMessageFromBeforeTheHorizonIsLeftToTheStore() {
        EpochListings l = new EpochListings();
        l.begin(EPOCH);
        UUID older = MessageIds.at(EPOCH - 1);
        l.add(older, WHERE, EPOCH);
        assertThat(l.where(older)).isNull();
        assertThat(l.certainlyUnlisted(older)).isFalse();
        assertThat(l.certainlyUnlisted(UUID.randomUUID())).as("an id that is not time-based").isFalse();
    }

    @Test
    void forgettingTheOldestMovesTheHorizonOverThem() {
        EpochListings l = new EpochListings();
        l.begin(EPOCH);
        UUID first = MessageIds.at(EPOCH + 1);
        l.add(first, WHERE, EPOCH + 1);
        for (int i = 0; i < EpochListings.MAX; i++) {
            l.add(MessageIds.at(EPOCH + 2 + i), WHERE, EPOCH + 2 + i);
        }
        assertThat(l.size()).isEqualTo(EpochListings.MAX);
        assertThat(l.where(first)).isNull();
        assertThat(l.certainlyUnlisted(first)).as("forgotten, so no longer certain").isFalse();
        assertThat(l.certainlyUnlisted(MessageIds.at(EPOCH + 2 + EpochListings.MAX))).isTrue();
        // ten minutes later the old ones go too, and the horizon follows them
        long later = EPOCH + EpochListings.KEEP_MILLIS + EpochListings.MAX + 10;
        UUID fresh = MessageIds.at(later);
        l.add(fresh, WHERE, later);
        assertThat(l.size()).isEqualTo(1);
        assertThat(l.certainlyUnlisted(MessageIds.at(EPOCH + 5))).isFalse();
        assertThat(l.certainlyUnlisted(MessageIds.at(later + 1))).isTrue();
    }
}
