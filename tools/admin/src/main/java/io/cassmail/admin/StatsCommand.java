package io.cassmail.admin;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code stats}: totals of domains, users, stored messages and bytes, and mailbox usage (what the mailboxes
 * list, from the folder rows: a message with three recipients is stored once and listed three times). Computed by paging through
 * the domains, users and messages tables (a full scan: fine for thousands or a few million rows, one
 * network round trip per 5,000 rows; the README says so).
 */
@Command(name = "stats", mixinStandardHelpOptions = true, description = "Totals: domains, users, stored messages, stored bytes.")
final class StatsCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions options;
    @Option(names = "--json", description = "Print JSON with keys domains, users, messages, bytes, listed, listed_bytes.")
    boolean json;

    @Override
    public Integer call() {
        try (StoreAccess store = new StoreAccess(options.load())) {
            long domains = count(store, "SELECT domain FROM domains");
            long users = count(store, "SELECT address FROM users");
            long messages = 0;
            long bytes = 0;
            for (Row r : store.session.execute(SimpleStatement.newInstance("SELECT size FROM messages").setPageSize(5000))) {
                messages++;
                bytes += r.isNull(0) ? 0 : r.getLong(0);
            }
            long listed = 0;
            long listedBytes = 0;
            for (Row r : store.session.execute(SimpleStatement.newInstance("SELECT messages, bytes FROM folders")
                    .setPageSize(5000))) {
                listed += r.isNull(0) ? 0 : r.getLong(0);
                listedBytes += r.isNull(1) ? 0 : r.getLong(1);
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("domains", domains);
            s.put("users", users);
            s.put("messages", messages);
            s.put("bytes", bytes);
            s.put("listed", listed);
            s.put("listed_bytes", listedBytes);
            if (json) {
                System.out.println(Json.write(s));
            } else {
                s.forEach((k, v) -> System.out.printf("%-13s %d%n", k + ":", (Long) v));
            }
        }
        return 0;
    }

    private static long count(StoreAccess store, String cql) {
        long n = 0;
        for (Row ignored : store.session.execute(SimpleStatement.newInstance(cql).setPageSize(5000))) {
            n++;
        }
        return n;
    }
}
