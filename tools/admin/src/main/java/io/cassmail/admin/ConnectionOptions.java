package io.cassmail.admin;

import io.cassmail.config.CassMailConfig;
import io.cassmail.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The same configuration the server reads: file, CASSMAIL_* environment, --set overrides. */
final class ConnectionOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file (default: $CASSMAIL_CONFIG if set).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one setting.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    CassMailConfig load() {
        return ConfigLoader.fromEnvironment(config, overrides);
    }

    /** True when KEY was given (--set, CASSMAIL_* or the configuration file) rather than left at its default. */
    boolean given(String key) {
        return ConfigLoader.isGiven(key, config, overrides);
    }
}
