package io.cassmail.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.config.CassMailConfig;
import io.cassmail.config.ConfigLoader;
import io.cassmail.mail.MessageIds;
import io.cassmail.mailbox.MailboxReader;
import io.cassmail.mailbox.MailboxWriter;
import io.cassmail.mailbox.Mailboxes;
import io.cassmail.mailbox.NewMessage;
import io.cassmail.store.FolderEntry;
import io.cassmail.store.FolderRow;
import io.cassmail.store.Stores;
import io.cassmail.store.cassandra.CassandraConnector;
import io.cassmail.store.cassandra.CassandraStores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The folder model under IMAP-style deletes (issue 29): one folder gets {@code --entries} entries, then
 * {@code --expunge} of them, picked at random anywhere in the folder, are expunged in batches; then it times
 * what a mail client asks first, the folder's status (one read of the account's folders) and its newest 50
 * entries with their flags, {@code --reads} times, and prints p50/p99/max and the first (cold) read. Works on
 * the stores directly, through a mailbox writer of its own (no SMTP), against the keyspace of CASSMAIL_*.
 */
@Command(name = "bench-growth folder", mixinStandardHelpOptions = true,
        description = "Fill one folder, expunge at random, time status + newest 50.")
public final class FolderGrowthBench implements Callable<Integer> {
    @Option(names = "--entries", defaultValue = "200000", description = "Entries listed (default ${DEFAULT-VALUE}).")
    int entries;
    @Option(names = "--expunge", defaultValue = "150000", description = "Entries expunged at random (default ${DEFAULT-VALUE}).")
    int expunge;
    @Option(names = "--batch", defaultValue = "1000", description = "UIDs per EXPUNGE (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--reads", defaultValue = "500", description = "Timed status + newest-50 reads (default ${DEFAULT-VALUE}).")
    int reads;
    @Option(names = "--to", defaultValue = "folder@growth.bench", description = "The account (created if missing).")
    String to;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FolderGrowthBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        CassMailConfig config = ConfigLoader.fromEnvironment(null, List.of());
        try (CqlSession session = CassandraConnector.connect(config.cassandra())) {
            Stores stores = CassandraStores.on(session);
            BenchAccount.ensure(stores, to, null);
            Mailboxes mailboxes = Mailboxes.on(stores, MailboxWriter.Settings.of("cassmail-bench-folder/"
                    + ProcessHandle.current().pid()));
            MailboxWriter writer = mailboxes.writer();
            MailboxReader reader = mailboxes.reader();
            String folder = "Bench-" + System.currentTimeMillis();
            writer.create(to, folder, null);
            long t0 = System.nanoTime();
            List<Long> uids = new ArrayList<>(entries);
            List<NewMessage> chunk = new ArrayList<>();
            for (int i = 0; i < entries; i++) {
                chunk.add(new NewMessage(MessageIds.next(), 2048, Instant.now(), "Sender " + (i % 97) + " <s@bench.test>",
                        "message " + i));
                if (chunk.size() == 6400 || i == entries - 1) {
                    writer.appendAll(to, folder, chunk).forEach(a -> uids.add(a.uid()));
                    chunk.clear();
                }
            }
            System.out.printf("filled %,d entries in %.1f s%n", entries, (System.nanoTime() - t0) / 1e9);
            Collections.shuffle(uids, new Random(29));
            List<Long> doomed = new ArrayList<>(uids.subList(0, Math.min(expunge, uids.size())));
            t0 = System.nanoTime();
            for (int i = 0; i < doomed.size(); i += batch) {
                writer.expunge(to, folder, doomed.subList(i, Math.min(doomed.size(), i + batch)));
            }
            System.out.printf("expunged %,d at random in batches of %,d in %.1f s%n", doomed.size(), batch,
                    (System.nanoTime() - t0) / 1e9);
            writer.releaseAll();
            long[] micros = new long[reads];
            long first = -1;
            int listed = 0;
            for (int i = 0; i < reads; i++) {
                long s = System.nanoTime();
                FolderRow row = reader.folder(to, folder).orElseThrow();
                List<FolderEntry> newest = reader.newest(row, 50);
                micros[i] = (System.nanoTime() - s) / 1000;
                listed = newest.size();
                if (first < 0) {
                    first = micros[i];
                    System.out.printf("status: %,d messages, UIDNEXT %,d; newest %d listed with flags %s%n", row.messages(),
                            row.uidNext(), newest.size(), newest.isEmpty() ? "-" : newest.get(0).flags());
                }
            }
            java.util.Arrays.sort(micros);
            System.out.printf("status + newest %d over %,d reads: first (cold) %.1f ms, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    listed, reads, first / 1000.0, micros[reads / 2] / 1000.0, micros[(int) (reads * 0.99)] / 1000.0,
                    micros[reads - 1] / 1000.0);
            return 0;
        }
    }
}
