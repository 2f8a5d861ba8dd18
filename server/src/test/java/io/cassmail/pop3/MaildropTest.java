package io.cassmail.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.mail.MessageIds;
import io.cassmail.store.MailboxEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The POP3 view of an INBOX (RFC 1939 §5, §6). */
class MaildropTest {
    private final List<MailboxEntry> entries = List.of(new MailboxEntry(MessageIds.next(), 100, null, null),
            new MailboxEntry(MessageIds.next(), 200, null, null), new MailboxEntry(MessageIds.next(), 300, null, null));
    private final Maildrop drop = new Maildrop(entries);

    @Test
    void messagesAreNumberedFromOneInArrivalOrder() {
        assertThat(drop.size()).isEqualTo(3);
        assertThat(drop.get(1)).isEqualTo(entries.get(0));
        assertThat(drop.get(3)).isEqualTo(entries.get(2));
        assertThat(drop.get(0)).isNull();
        assertThat(drop.get(4)).isNull();
    }

    @Test
    void aDeletedMessageIsGoneFromCountsButKeepsItsNumber() {
        drop.delete(2);
        assertThat(drop.exists(2)).isFalse();
        assertThat(drop.get(3)).isEqualTo(entries.get(2));
        assertThat(drop.liveCount()).isEqualTo(2);
        assertThat(drop.liveOctets()).isEqualTo(400);
        assertThat(drop.deletedEntries()).containsExactly(entries.get(1));
    }

    @Test
    void rsetUnmarksEveryDeletion() {
        drop.delete(1);
        drop.delete(3);
        drop.undeleteAll();
        assertThat(drop.liveCount()).isEqualTo(3);
        assertThat(drop.deletedEntries()).isEmpty();
    }

    @Test
    void onlyPlainPositiveNumbersAreMessageNumbers() {
        assertThat(Maildrop.number("12")).hasValue(12);
        assertThat(Maildrop.number("-1")).isEmpty();
        assertThat(Maildrop.number("1x")).isEmpty();
        assertThat(Maildrop.number("99999999999")).isEmpty();
        assertThat(Maildrop.number(null)).isEmpty();
    }
}
