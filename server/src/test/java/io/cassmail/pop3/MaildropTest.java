package io.cassmail.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.mail.MessageIds;
import io.cassmail.mailbox.FolderSnapshot;
import io.cassmail.store.FolderEntry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The POP3 view of an INBOX (RFC 1939 §5, §6), compact and capped. */
class MaildropTest {
    private final List<FolderEntry> entries = List.of(entry(1, 100), entry(2, 200), entry(5, 300));
    private final Maildrop drop = new Maildrop(FolderSnapshot.of(entries, 10));

    private static FolderEntry entry(long uid, long size) {
        return new FolderEntry(MessageIds.next(), uid, MessageIds.next(), size, Instant.now(), 0, null, uid, "sender",
                "subject");
    }

    @Test
    void messagesAreNumberedFromOneInUidOrder() {
        assertThat(drop.size()).isEqualTo(3);
        assertThat(drop.messageId(1)).isEqualTo(entries.get(0).messageId());
        assertThat(drop.messageId(3)).isEqualTo(entries.get(2).messageId());
        assertThat(drop.octets(2)).isEqualTo(200);
        assertThat(drop.exists(0)).isFalse();
        assertThat(drop.exists(4)).isFalse();
        assertThat(drop.truncated()).isFalse();
    }

    @Test
    void aDeletedMessageIsGoneFromCountsButKeepsItsNumber() {
        drop.delete(2);
        assertThat(drop.exists(2)).isFalse();
        assertThat(drop.messageId(3)).isEqualTo(entries.get(2).messageId());
        assertThat(drop.liveCount()).isEqualTo(2);
        assertThat(drop.liveOctets()).isEqualTo(400);
        assertThat(drop.deleted().stream().toArray()).containsExactly(1);
    }

    @Test
    void rsetUnmarksEveryDeletion() {
        drop.delete(1);
        drop.delete(3);
        drop.undeleteAll();
        assertThat(drop.liveCount()).isEqualTo(3);
        assertThat(drop.deleted().isEmpty()).isTrue();
    }

    @Test
    void aLargeInboxShowsOnlyTheOldestUpToTheCap() {
        Maildrop capped = new Maildrop(FolderSnapshot.of(entries, 2));
        assertThat(capped.size()).isEqualTo(2);
        assertThat(capped.truncated()).isTrue();
        assertThat(capped.messageId(2)).isEqualTo(entries.get(1).messageId());
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
