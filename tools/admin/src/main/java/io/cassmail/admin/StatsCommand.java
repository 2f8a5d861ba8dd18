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
 * {@code stats}: totals of domains, users, stored messages and stored bytes. Computed by paging through
 * the domains, users and messages tables (a full scan: fine for thousands or a few million rows, one
 * network round trip per 5,000 rows; the README says so).
 */
@Command(name = "stats", mixinStandardHelpOptions = true, description = "Totals: domains, users, stored messages, stored bytes.")
final class StatsCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions options;
    @Option(names = "--json", description = "Print JSON with keys domains, users, messages, bytes.")
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
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("domains", domains);
            s.put("users", users);
            s.put("messages", messages);
            s.put("bytes", bytes);
            if (json) {
                System.out.println(Json.write(s));
            } else {
                s.forEach((k, v) -> System.out.printf("%-9s %d%n", k + ":", (Long) v));
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
