package io.cassmail.schema;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data step of schema version 2: lists every row of {@code mailbox_messages} in {@code mailbox_entries}
 * (entry id = message id, so the order is kept) and counts it in {@code mailbox_usage}. The inserts are
 * idempotent; the counters are not, so a copy interrupted and run again over-counts until
 * {@code cassmail-admin users recount}.
 */
final class MailboxEntriesCopy {
    private static final Logger log = LoggerFactory.getLogger(MailboxEntriesCopy.class);

    private MailboxEntriesCopy() {
    }

    static void run(CqlSession session, String keyspace) {
        PreparedStatement entry = session.prepare("INSERT INTO " + keyspace + ".mailbox_entries (address, mailbox, bucket, "
                + "entry_id, message_id, size, sender, subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement bucket = session.prepare("INSERT INTO " + keyspace + ".mailbox_buckets (address, mailbox, bucket) "
                + "VALUES (?, ?, ?)");
        PreparedStatement usage = session.prepare("UPDATE " + keyspace + ".mailbox_usage SET messages = messages + 1, "
                + "bytes = bytes + ? WHERE address = ?");
        long copied = 0;
        for (Row r : session.execute(SimpleStatement.newInstance("SELECT address, mailbox, message_id, size, sender, subject FROM "
                + keyspace + ".mailbox_messages").setPageSize(1000))) {
            UUID id = r.getUuid("message_id");
            int b = MailboxBucket.of(id);
            var insert = entry.bind(r.getString("address"), r.getString("mailbox"), b, id, id, r.getLong("size"))
                    .unset(6).unset(7);
            if (r.getString("sender") != null) {
                insert = insert.setString(6, r.getString("sender"));
            }
            if (r.getString("subject") != null) {
                insert = insert.setString(7, r.getString("subject"));
            }
            session.execute(insert);
            session.execute(bucket.bind(r.getString("address"), r.getString("mailbox"), b));
            session.execute(usage.bind(r.getLong("size"), r.getString("address")));
            copied++;
        }
        log.info("schema 2: {} mailbox entries copied from mailbox_messages", copied);
    }
}
