package io.cassmail.admin;

import io.cassmail.auth.PasswordHasher;
import io.cassmail.mail.Addresses;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code users import FILE}: one {@code address password} per line (the format postal and rabid share).
 * Lines that fail are reported with their numbers; the rest are imported. Hashing runs on every core.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import users from FILE: one 'address password' per line ('-' reads standard input).")
final class UsersImport implements Callable<Integer> {
    @Mixin
    ConnectionOptions options;
    @Parameters(paramLabel = "FILE")
    String file;
    @Option(names = "--replace", description = "Set the password of users that already exist instead of failing the line.")
    boolean replace;
    @Option(names = "--skip-existing", description = "Leave users that already exist as they are and count them as skipped.")
    boolean skipExisting;
    @Option(names = "--threads", defaultValue = "0", description = "Worker threads (default: one per core).")
    int threads;

    @Override
    public Integer call() throws Exception {
        List<String> lines = readLines();
        Map<Integer, String> failures = new ConcurrentSkipListMap<>();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger imported = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        PrintStream err = System.err;
        boolean tty = System.console() != null;
        long t0 = System.nanoTime();
        try (StoreAccess store = new StoreAccess(options.load())) {
            PasswordHasher hasher = store.config.password().hasher();
            Map<String, Boolean> localDomains = new HashMap<>();
            store.directory.domains().forEach(d -> localDomains.put(d, true));
            int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors() * 2;
            ExecutorService pool = Executors.newFixedThreadPool(n);
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                int lineNo = i + 1;
                String line = lines.get(i);
                work.add(pool.submit(() -> {
                    try {
                        (importLine(store, hasher, localDomains, line) ? imported : skipped).incrementAndGet();
                    } catch (IllegalArgumentException e) {
                        failures.put(lineNo, e.getMessage());
                    } catch (RuntimeException e) {
                        failures.put(lineNo, AdminErrors.sentence(e));
                    }
                    int d = done.incrementAndGet();
                    if (tty && (d % 50 == 0 || d == lines.size())) {
                        progress(err, d, lines.size());
                    }
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
            pool.shutdown();
        }
        if (tty) {
            err.println();
        }
        failures.forEach((line, why) -> err.println("line " + line + ": " + why));
        System.out.printf("imported %d users, %s%d lines failed, in %.1f s%n", imported.get(),
                skipExisting ? skipped.get() + " already existed, " : "", failures.size(), (System.nanoTime() - t0) / 1e9);
        return failures.isEmpty() ? 0 : 1;
    }

    /** Returns false when the user existed and was skipped. */
    private boolean importLine(StoreAccess store, PasswordHasher hasher, Map<String, Boolean> localDomains, String line) {
        String[] f = line.strip().split("\\s+", 2);
        if (f.length != 2 || f[1].isEmpty()) {
            throw new IllegalArgumentException("expected 'address password'");
        }
        String address = UsersCommand.validAddress(f[0]);
        if (!localDomains.containsKey(Addresses.domainOf(address))) {
            throw new IllegalArgumentException("domain " + Addresses.domainOf(address) + " is not local");
        }
        boolean exists = store.directory.userExists(address);
        if (exists && skipExisting) {
            return false;
        }
        if (exists && !replace) {
            throw new IllegalArgumentException("user " + address + " already exists (use --replace to set its password)");
        }
        String hash = hasher.hash(f[1]);
        if (exists) {
            store.directory.setPasswordHash(address, hash);
        } else {
            store.accounts.createLater(address, hash); // folders on first use: an import stays fast
        }
        return true;
    }

    private List<String> readLines() throws IOException {
        BufferedReader r = file.equals("-")
                ? new BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        try (r) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        return lines;
    }

    private static void progress(PrintStream err, int done, int total) {
        int width = 40;
        int filled = (int) ((long) done * width / Math.max(1, total));
        err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
        err.flush();
    }
}
