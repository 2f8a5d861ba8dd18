package io.cassmail.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.mail.MessageIds;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EpochListingsTest {
    private static final long TAKEN = 1_800_000_000_000L;
    private static final long SKEW = 15_000;
    /** The first instant whose messages only this epoch can have listed. */
    private static final long HORIZON = TAKEN + SKEW;
    private static final MailboxWriter.Appended WHERE = new MailboxWriter.Appended(1, 1, true);

    @Test
    void nothingIsCertainBeforeAnEpochBeginsOrAfterItEnds() {
        EpochListings l = new EpochListings();
        UUID later = MessageIds.at(HORIZON + 1000);
        assertThat(l.certainlyUnlisted(later, HORIZON + 1000)).isFalse();
        l.begin(TAKEN, SKEW);
        assertThat(l.certainlyUnlisted(later, HORIZON + 1000)).isTrue();
        l.add(later, WHERE, HORIZON + 1000);
        assertThat(l.certainlyUnlisted(later, HORIZON + 1000)).isFalse();
        assertThat(l.where(later)).isEqualTo(WHERE);
        l.forget();
        assertThat(l.where(later)).isNull();
        assertThat(l.certainlyUnlisted(later, HORIZON + 1000)).as("a failed epoch's listings may not have landed").isFalse();
    }

    @Test
    void messagesFromBeforeTheHorizonOrFromAClockRunningAheadAreLeftToTheStore() {
        EpochListings l = new EpochListings();
        l.begin(TAKEN, SKEW);
        UUID older = MessageIds.at(HORIZON - 1);
        l.add(older, WHERE, HORIZON);
        assertThat(l.where(older)).isNull();
        assertThat(l.certainlyUnlisted(older, HORIZON)).isFalse();
        assertThat(l.certainlyUnlisted(UUID.randomUUID(), HORIZON)).as("an id that is not time-based").isFalse();
        long now = HORIZON + 10_000;
        assertThat(l.certainlyUnlisted(MessageIds.at(now + SKEW + 1), now))
                .as("made further ahead of the writer's clock than the skew allowed").isFalse();
        l.begin(TAKEN, 10 * 60_000);
        assertThat(l.certainlyUnlisted(MessageIds.at(HORIZON + 1), HORIZON + 1)).as("a longer skew allowed counts")
                .isFalse();
    }

    @Test
    void forgettingTheOldestMovesTheHorizonOverThem() {
        EpochListings l = new EpochListings();
        l.begin(TAKEN, SKEW);
        UUID first = MessageIds.at(HORIZON + 1);
        l.add(first, WHERE, HORIZON + 1);
        for (int i = 0; i < EpochListings.MAX; i++) {
            l.add(MessageIds.at(HORIZON + 2 + i), WHERE, HORIZON + 2 + i);
        }
        long now = HORIZON + 2 + EpochListings.MAX;
        assertThat(l.size()).isEqualTo(EpochListings.MAX);
        assertThat(l.where(first)).isNull();
        assertThat(l.certainlyUnlisted(first, now)).as("forgotten, so no longer certain").isFalse();
        assertThat(l.certainlyUnlisted(MessageIds.at(now), now)).isTrue();
        // ten minutes later the old ones go too, and the horizon follows them
        long later = now + EpochListings.KEEP_MILLIS + 10;
        l.add(MessageIds.at(later), WHERE, later);
        assertThat(l.size()).isEqualTo(1);
        assertThat(l.certainlyUnlisted(MessageIds.at(HORIZON + 5), later)).isFalse();
        assertThat(l.certainlyUnlisted(MessageIds.at(later + 1), later)).isTrue();
        l.forget();
    }

    @Test
    void pastTheProcessBudgetAListingIsNotRememberedAndNothingUpToItIsCertain() {
        java.util.List<EpochListings> full = new java.util.ArrayList<>();
        EpochListings l = new EpochListings();
        l.begin(TAKEN, SKEW);
        try {
            long t = HORIZON + 1;
            for (int a = 0; a < EpochListings.PROCESS_MAX / EpochListings.MAX; a++) {
                EpochListings account = new EpochListings();
                full.add(account);
                account.begin(TAKEN, SKEW);
                for (int i = 0; i < EpochListings.MAX; i++) {
                    account.add(MessageIds.at(t), WHERE, t);
                    t++;
                }
            }
            UUID m = MessageIds.at(t + 10);
            l.add(m, WHERE, t + 10);
            assertThat(l.where(m)).isNull();
            assertThat(l.certainlyUnlisted(m, t + 10)).isFalse();
            assertThat(l.certainlyUnlisted(MessageIds.at(t + 11), t + 11)).isTrue();
        } finally {
            full.forEach(EpochListings::forget); // the budget is the process's: give it back for the other tests
            l.forget();
        }
    }
}
