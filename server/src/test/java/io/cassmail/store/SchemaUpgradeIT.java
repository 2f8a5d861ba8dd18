package io.cassmail.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.config.CassMailConfig;
import io.cassmail.mail.MessageIds;
import io.cassmail.mailbox.MailboxReader;
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

/**
 * A keyspace with mail in it keeps every message through {@code schema apply}: from schema 1 (one partition per
 * mailbox) and from schema 7 (time-bucketed entries with low-water marks) to the folder model of schema 8.
 */
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
                    MailboxReader mailboxes = new MailboxReader(CassandraStores.on(session).folders());
                    FolderRow inbox = mailboxes.folder("bob@cassmail.test", "INBOX").orElseThrow();
                    List<FolderEntry> listed = StreamSupport.stream(
                            mailboxes.entries(inbox, 1).spliterator(), false).toList();
                    assertThat(listed).extracting(FolderEntry::messageId).containsExactly(older, newer);
                    assertThat(listed).extracting(FolderEntry::uid).containsExactly(1L, 2L);
                    assertThat(inbox.uidNext()).isEqualTo(3);
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

    @Test
    void entriesListedUnderSchemaSevenBecomeFoldersWithUidsInEntryOrder() {
        String keyspace = "t_upgrade7_" + UUID.randomUUID().toString().substring(0, 8);
        CassMailConfig config = TestInfra.config(keyspace, "test.upgrade");
        try (CqlSession admin = CassandraConnector.connectWithoutKeyspace(config.cassandra())) {
            try {
                new SchemaMigrator(admin, keyspace, SchemaMigrator.bundledMigrations().subList(0, 7))
                        .apply(Replication.parse("SimpleStrategy:1"));
                String insert = "INSERT INTO " + keyspace + ".mailbox_entries (address, mailbox, bucket, entry_id, "
                        + "message_id, size, subject) VALUES (?, ?, ?, ?, ?, ?, ?)";
                List<UUID> entries = new java.util.ArrayList<>();
                List<UUID> messages = new java.util.ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    entries.add(MessageIds.next());
                    messages.add(MessageIds.next());
                }
                int bucket = io.cassmail.schema.MailboxBucket.of(entries.get(0));
                for (int i = 0; i < 3; i++) {
                    admin.execute(insert, "carol@cassmail.test", "INBOX", bucket, entries.get(i), messages.get(i), 10L,
                            "in " + i);
                }
                admin.execute(insert, "carol@cassmail.test", "Archive", bucket, entries.get(3), messages.get(3), 20L, "old");
                admin.execute("INSERT INTO " + keyspace + ".mailbox_buckets (address, mailbox, bucket, low_water) "
                        + "VALUES (?, ?, ?, ?)", "carol@cassmail.test", "INBOX", bucket, entries.get(0));
                admin.execute("INSERT INTO " + keyspace + ".mailbox_buckets (address, mailbox, bucket) VALUES (?, ?, ?)",
                        "carol@cassmail.test", "Archive", bucket);
                admin.execute("INSERT INTO " + keyspace + ".mailboxes (address, mailbox) VALUES (?, ?)",
                        "carol@cassmail.test", "Archive");
                admin.execute("INSERT INTO " + keyspace + ".users (address, domain) VALUES (?, ?)",
                        "carol@cassmail.test", "cassmail.test");
                assertThat(new SchemaMigrator(admin, keyspace).apply(Replication.parse("SimpleStrategy:1")))
                        .extracting(m -> m.version()).contains(8);
                try (CqlSession session = CassandraConnector.connect(config.cassandra())) {
                    MailboxReader mailboxes = new MailboxReader(CassandraStores.on(session).folders());
                    FolderRow inbox = mailboxes.folder("carol@cassmail.test", "INBOX").orElseThrow();
                    assertThat(StreamSupport.stream(mailboxes.entries(inbox, 1).spliterator(), false))
                            .as("the removed head (at or below the low-water mark) stays removed")
                            .extracting(FolderEntry::uid, FolderEntry::messageId, FolderEntry::subject)
                            .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, messages.get(1), "in 1"),
                                    org.assertj.core.groups.Tuple.tuple(2L, messages.get(2), "in 2"));
                    FolderRow archive = mailboxes.folder("carol@cassmail.test", "Archive").orElseThrow();
                    assertThat(archive.specialUse()).isEqualTo("\\Archive");
                    assertThat(archive.uidValidity()).isNotEqualTo(inbox.uidValidity());
                    assertThat(mailboxes.usage("carol@cassmail.test")).isEqualTo(new MailboxUsage(3, 40));
                    assertThat(CassandraStores.on(session).folders().refs(messages.get(3))).singleElement()
                            .satisfies(r -> assertThat(r.folderId()).isEqualTo(archive.id()));
                }
            } finally {
                admin.execute("DROP KEYSPACE IF EXISTS " + keyspace);
            }
        }
    }
}
