package io.cassmail.admin;

import io.cassmail.operations.Actor;
import io.cassmail.operations.UserOperations;
import io.cassmail.store.MailboxUsage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code users add|list|remove|passwd|quota|recount|import|alias}: accounts of local domains. */
@Command(name = "users", description = "Manage user accounts.", mixinStandardHelpOptions = true,
        subcommands = {UsersCommand.Add.class, UsersCommand.ListUsers.class, UsersCommand.Remove.class,
                UsersCommand.Passwd.class, UsersCommand.Quota.class, UsersCommand.Recount.class, UsersImport.class, UsersAlias.class})
final class UsersCommand {

    static String readPassword() throws IOException {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
            throw new IllegalArgumentException("no password on standard input");
        }
        return line;
    }

    static String validAddress(String address) {
        return UserOperations.valid(address);
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create the account ADDRESS (its domain must be local).")
    static final class Add implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "ADDRESS")
        String address;
        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean passwordStdin;

        @Override
        public Integer call() throws IOException {
            String password = passwordStdin ? readPassword() : null;
            try (StoreAccess store = new StoreAccess(options.load())) {
                System.out.println("added user " + store.ops.users().add(Actor.cli(), address, password));
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List accounts; --usage adds messages and bytes stored and the quota.")
    static final class ListUsers implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Option(names = "--domain", paramLabel = "D", description = "Only users of this domain.")
        String domain;
        @Option(names = "--usage", description = "Show each user's usage and limits (one read per user).")
        boolean usage;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                java.io.PrintWriter out = new java.io.PrintWriter(new java.io.BufferedWriter(
                        new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8), 1 << 16));
                if (json) {
                    java.util.List<Object> all = new java.util.ArrayList<>();
                    for (String a : store.ops.users().list(domain)) {
                        all.add(usage ? usageRow(store, a) : a);
                    }
                    out.println(Json.write(all));
                } else if (usage) {
                    out.printf("%-40s %10s %14s %12s %14s%n", "USER", "MESSAGES", "BYTES", "MAX-MSGS", "MAX-BYTES");
                    for (String a : store.ops.users().list(domain)) {
                        Map<String, Object> r = usageRow(store, a);
                        out.printf("%-40s %10d %14d %12d %14d%n", a, r.get("messages"), r.get("bytes"), r.get("max_messages"),
                                r.get("max_bytes"));
                    }
                } else {
                    store.ops.users().list(domain).forEach(out::println);
                }
                out.flush();
            }
            return 0;
        }
    }

    static Map<String, Object> usageRow(StoreAccess store, String address) {
        return row(store.ops.users().get(address));
    }

    static Map<String, Object> row(UserOperations.User u) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("address", u.address());
        row.put("messages", u.messages());
        row.put("bytes", u.bytes());
        row.put("max_messages", u.maxMessages());
        row.put("max_bytes", u.maxBytes());
        return row;
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Delete the account ADDRESS; with mail still in it, only with --purge, which deletes the mail too.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "ADDRESS")
        String address;
        @Option(names = "--purge", description = "Also delete every mailbox and message of the account.")
        boolean purge;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                String a = UserOperations.valid(address);
                long removed = store.ops.users().remove(Actor.cli(), a, purge);
                System.out.println("removed user " + a + (removed > 0 ? " and " + removed + " message(s)" : ""));
            }
            return 0;
        }
    }

    @Command(name = "quota", mixinStandardHelpOptions = true,
            description = "Show or set ADDRESS's limits: --max-messages N, --max-bytes N (e.g. 2G), --default to use the configured ones.")
    static final class Quota implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "ADDRESS")
        String address;
        @Option(names = "--max-messages", paramLabel = "N", description = "Most messages over all mailboxes.")
        Long maxMessages;
        @Option(names = "--max-bytes", paramLabel = "N", description = "Most bytes over all mailboxes (K, M, G suffixes).")
        String maxBytes;
        @Option(names = "--default", description = "Drop the user's own limits.")
        boolean reset;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            if (maxMessages != null && maxMessages < 1) {
                throw new IllegalArgumentException("--max-messages must be at least 1");
            }
            Long bytes = maxBytes == null ? null : parseBytes(maxBytes);
            try (StoreAccess store = new StoreAccess(options.load())) {
                Map<String, Object> row;
                if (reset || maxMessages != null || bytes != null) {
                    row = row(store.ops.users().setQuota(Actor.cli(), address, maxMessages, bytes, reset));
                } else {
                    row = usageRow(store, address);
                }
                if (json) {
                    System.out.println(Json.write(row));
                } else {
                    System.out.printf("%s: %d of %d messages, %d of %d bytes%n", row.get("address"), row.get("messages"),
                            row.get("max_messages"), row.get("bytes"), row.get("max_bytes"));
                }
            }
            return 0;
        }

        private static long parseBytes(String value) {
            try {
                long n = new io.cassmail.config.Settings(Map.of("v", value)).bytes("v");
                if (n >= 1) {
                    return n;
                }
            } catch (io.cassmail.config.ConfigException e) {
                // fall through
            }
            throw new IllegalArgumentException("--max-bytes must be a size like 500M or 2G, got '" + value + "'");
        }
    }

    @Command(name = "recount", mixinStandardHelpOptions = true,
            description = "Count ADDRESS's folders again and correct their counts (for disasters such as a restored backup:"
                    + " in normal operation they are exact).")
    static final class Recount implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                String a = store.existingUser(address);
                MailboxUsage correction = store.accounts.recount(a);
                MailboxUsage now = store.mailboxes.reader().usage(a);
                System.out.printf("%s: %d messages, %d bytes (corrected by %+d messages, %+d bytes)%n", a, now.messages(),
                        now.bytes(), correction.messages(), correction.bytes());
            }
            return 0;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set the password of ADDRESS from standard input.")
    static final class Passwd implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "ADDRESS")
        String address;
        @Option(names = "--password-stdin", required = true, description = "Read the password from standard input.")
        boolean passwordStdin;

        @Override
        public Integer call() throws IOException {
            String a = validAddress(address);
            String password = readPassword();
            try (StoreAccess store = new StoreAccess(options.load())) {
                store.ops.users().setPassword(Actor.cli(), a, password);
            }
            System.out.println("password changed for " + a);
            return 0;
        }
    }
}
