package io.cassmail.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.config.ConfigLoader;
import io.cassmail.store.cassandra.CassandraConnector;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** Prints how many messages the benchmark users' INBOXes hold (tools/bench measures rabid's deletions with it). */
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
        try (CqlSession session = CassandraConnector.connect(ConfigLoader.fromEnvironment(null, List.of()).cassandra())) {
            System.out.println(new MailboxSweep(session).entriesSince(users, Instant.EPOCH).size());
        }
        return 0;
    }
}
