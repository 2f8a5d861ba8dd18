package io.cassmail.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.config.CassMailConfig;
import io.cassmail.mail.MessageIds;
import io.cassmail.schema.Replication;
import io.cassmail.schema.SchemaMigrator;
import io.cassmail.store.cassandra.CassandraConnector;
import io.cassmail.store.cassandra.CassandraStores;
import io.cassmail.testing.TestInfra;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** A keyspace at schema 1 with mail in it keeps every message through {@code schema apply} to schema 2. */
class SchemaUpgradeIT {

    @Test
    void mailListedUnderSchemaOneIsListedInOrderAfterTheUpgrade() {
        String keyspace = "t_upgrade_" + UUID.randomUUID().toString().substring(0, 8);
        CassMailConfig config = TestInfra.config(keyspace, "test.upgrade");
        try (CqlSession admin = CassandraConnector.connectWithoutKeyspace(config.cassandra())) {
            try {
                SchemaMigrator v1 = new SchemaMigrator(admin, keyspace, SchemaMigrator.bundledMigrations().subList(0, 1));
                v1.apply(Replication.parse("SimpleStrategy:1"));
                UUID older = MessageIds.next();
                UUID newer = MessageIds.next();
                for (UUID id : List.of(newer, older)) {
                    admin.execute("INSERT INTO " + keyspace + ".mailbox_messages (address, mailbox, message_id, size, sender) "
                            + "VALUES ('bob@cassmail.test', 'INBOX', ?, 100, 'alice@example.test')", id);
                }
                SchemaMigrator all = new SchemaMigrator(admin, keyspace);
                // every later migration is applied, in order (2: mailbox buckets, 3: accepted log, 4: aliases, ...)
                List<Integer> later = SchemaMigrator.bundledMigrations().stream().map(m -> m.version())
                        .filter(v -> v > 1).toList();
                assertThat(later).startsWith(2, 3, 4);
                assertThat(all.apply(Replication.parse("SimpleStrategy:1"))).extracting(m -> m.version())
                        .containsExactlyElementsOf(later);
                try (CqlSession session = CassandraConnector.connect(config.cassandra())) {
                    MailboxStore mailboxes = CassandraStores.on(session, Duration.ofSeconds(60)).mailboxes();
                    List<MailboxEntry> listed = StreamSupport.stream(
                            mailboxes.list("bob@cassmail.test", MailboxStore.INBOX).spliterator(), false).toList();
                    assertThat(listed).extracting(MailboxEntry::messageId).containsExactly(older, newer);
                    assertThat(listed.get(0).sender()).isEqualTo("alice@example.test");
                    assertThat(listed.get(0).subject()).isNull();
                    assertThat(mailboxes.usage("bob@cassmail.test")).isEqualTo(new MailboxUsage(2, 200));
                }
                assertThat(all.pending()).isEmpty();
            } finally {
                admin.execute("DROP KEYSPACE IF EXISTS " + keyspace);
            }
        }
    }
}
