package io.cassmail.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.config.CassMailConfig;
import io.cassmail.config.ConfigLoader;
import io.cassmail.mailbox.MailboxReader;
import io.cassmail.store.FolderEntry;
import io.cassmail.store.FolderRow;
import io.cassmail.store.cassandra.CassandraConnector;
import io.cassmail.store.cassandra.CassandraStores;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Prints how many messages the given users' INBOXes list (tools/bench measures rabid's deletions with it,
 * tools/bench-ceiling verifies its run). Reads each INBOX as POP3 does, through its bucket rows; exits 1 when
 * a message is listed more than once.
 */
@Command(name = "bench-count", mixinStandardHelpOptions = true, description = "Count the INBOX entries of the users in a postal/rabid users file.")
public final class BenchCount implements Callable<Integer> {
    @Option(names = "--users-file", required = true, description = "The 'address password' file.")
    Path usersFile;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCount()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<String> users = BenchReport.readUsers(usersFile);
        CassMailConfig config = ConfigLoader.fromEnvironment(null, List.of());
        long entries = 0;
        Set<UUID> messages = new HashSet<>();
        try (CqlSession session = CassandraConnector.connect(config.cassandra())) {
            MailboxReader mailboxes = new MailboxReader(CassandraStores.on(session).folders());
            for (String user : users) {
                java.util.Optional<FolderRow> inbox = mailboxes.folder(user, "INBOX");
                if (inbox.isEmpty()) {
                    continue;
                }
                for (FolderEntry e : mailboxes.entries(inbox.get(), 1)) {
                    entries++;
                    messages.add(e.messageId());
                }
            }
        }
        System.out.println(entries);
        if (messages.size() != entries) {
            System.err.println((entries - messages.size()) + " entries list a message that is already listed");
            return 1;
        }
        return 0;
    }
}
