package io.cassmail.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.cassmail.mail.MessageIds;
import io.cassmail.schema.MailboxBucket;
import io.cassmail.testing.MailStack;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads tidy closed buckets: entries removed one by one (or younger than the margin when expunged) stop
 * being scanned once their bucket is closed, because the next read moves the low-water mark or drops the row.
 */
class CassandraMailboxTidyIT {
    static MailStack stack;

    @BeforeAll
    static void start() {
        stack = MailStack.create("tidy", "mailbox.visibility-margin=1s");
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    private static Row bucketRow(String owner, int bucket) {
        return stack.session.execute("SELECT low_water FROM mailbox_buckets WHERE address = ? AND mailbox = 'INBOX' "
                + "AND bucket = ?", owner, bucket).one();
    }

    private static List<UUID> listed(String owner) {
        return StreamSupport.stream(stack.mailboxes.list(owner, MailboxStore.INBOX).spliterator(), false)
                .map(MailboxEntry::entryId).toList();
    }

    @Test
    void aClosedBucketsRemovedHeadIsSkippedAndAnEmptiedOneLosesItsRow() {
        String owner = "tidy" + UUID.randomUUID().toString().substring(0, 8) + "@cassmail.test";
        long twoHoursAgo = System.currentTimeMillis() - 2 * 3600_000L;
        long start = MailboxBucket.endMillis(MailboxBucket.of(twoHoursAgo)) - MailboxBucket.WIDTH_MILLIS + 1000;
        UUID a = Uuids.startOf(start);
        UUID b = Uuids.startOf(start + 10);
        UUID c = Uuids.startOf(start + 20);
        int bucket = MailboxBucket.of(a);
        for (UUID id : List.of(a, b, c)) {
            stack.mailboxes.add(owner, MailboxStore.INBOX, new MailboxEntry(id, MessageIds.next(), 10, null, null));
        }
        stack.mailboxes.remove(owner, MailboxStore.INBOX, a, 10);
        stack.mailboxes.remove(owner, MailboxStore.INBOX, b, 10);
        assertThat(bucketRow(owner, bucket).isNull(0)).as("removing one by one moves no mark").isTrue();

        assertThat(listed(owner)).containsExactly(c);
        UUID lowWater = bucketRow(owner, bucket).getUuid(0);
        assertThat(lowWater).isNotNull();
        assertThat(lowWater.timestamp()).isGreaterThan(b.timestamp()).isLessThan(c.timestamp());
        assertThat(listed(owner)).containsExactly(c);

        stack.mailboxes.remove(owner, MailboxStore.INBOX, c, 10);
        assertThat(listed(owner)).isEmpty();
        assertThat(bucketRow(owner, bucket)).as("an emptied closed bucket loses its row").isNull();
        assertThat(stack.mailboxes.usage(owner)).isEqualTo(MailboxUsage.NONE);
    }

    @Test
    void anOpenBucketIsLeftAsItIs() {
        String owner = "open" + UUID.randomUUID().toString().substring(0, 8) + "@cassmail.test";
        MailboxEntry e = new MailboxEntry(MessageIds.next(), MessageIds.next(), 10, null, null);
        stack.mailboxes.add(owner, MailboxStore.INBOX, e);
        stack.mailboxes.remove(owner, MailboxStore.INBOX, e.entryId(), 10);
        assertThat(listed(owner)).isEmpty();
        assertThat(bucketRow(owner, MailboxBucket.of(e.entryId()))).as("a worker may still write here").isNotNull();
    }
}
