package io.cassmail.admin;

import io.cassmail.store.AdminStore;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code audit}: the changes made through the CLI and the admin API on one day, newest first. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Show the audit log: who changed what, when and from where (CLI and admin API), newest first.")
final class AuditCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions options;
    @Option(names = "--day", paramLabel = "YYYY-MM-DD", description = "The UTC day (default: today).")
    String day;
    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N entries (default 100).")
    int limit;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        LocalDate d;
        try {
            d = day == null ? LocalDate.now(ZoneOffset.UTC) : LocalDate.parse(day);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("--day must be a date like 2026-12-07, got '" + day + "'");
        }
        if (limit < 1 || limit > 100_000) {
            throw new IllegalArgumentException("--limit must be from 1 to 100000");
        }
        try (StoreAccess store = new StoreAccess(options.load())) {
            List<AdminStore.AuditEntry> entries = store.ops.adminStore().audit(d, limit);
            if (json) {
                System.out.println(Json.write(entries.stream().map(e -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("at", e.at().toString());
                    row.put("actor", e.actor());
                    row.put("action", e.action());
                    row.put("target", e.target());
                    row.put("remote", e.remote());
                    row.put("outcome", e.outcome());
                    return (Object) row;
                }).toList()));
            } else {
                for (AdminStore.AuditEntry e : entries) {
                    System.out.println(e.at() + "  " + Printable.of(e.actor()) + " from " + Printable.of(e.remote()) + "  "
                            + e.action() + " " + Printable.of(e.target()) + "  " + Printable.of(e.outcome()));
                }
            }
        }
        return 0;
    }
}
