package io.cassmail.app;

import io.cassmail.config.CassMailConfig;
import io.cassmail.config.ConfigException;
import io.cassmail.config.ConfigLoader;
import io.cassmail.store.StoreUnavailableException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code cassmail-server}: the daemon. Runs until SIGTERM or Ctrl-C, then stops its roles gracefully. */
@Command(name = "cassmail-server", mixinStandardHelpOptions = true, version = "CassMail 0.1.0",
        description = "Runs CassMail roles: smtp (ingest), pop3 and imap (mail access), worker (delivery).")
public final class ServerMain implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file (default: $CASSMAIL_CONFIG if set).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one setting, e.g. --set smtp.port=2526.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--roles", paramLabel = "ROLES", split = ",", defaultValue = "${env:CASSMAIL_ROLES:-smtp,pop3,imap,worker}",
            description = "Comma-separated roles: smtp, pop3, imap, worker (default: $CASSMAIL_ROLES, else smtp,pop3,imap,worker).")
    List<String> roles;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServerMain()).execute(args));
    }

    @Override
    public Integer call() {
        Set<Role> selected = EnumSet.noneOf(Role.class);
        for (String r : roles) {
            try {
                selected.add(Role.valueOf(r.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                System.err.println("cassmail-server: unknown role '" + r + "' (roles: smtp, pop3, imap, worker)");
                return 2;
            }
        }
        CassMailServer server;
        try {
            CassMailConfig cfg = ConfigLoader.fromEnvironment(config, overrides);
            server = CassMailServer.start(cfg, selected);
        } catch (ConfigException | StoreUnavailableException | IllegalStateException | IllegalArgumentException e) {
            System.err.println("cassmail-server: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
