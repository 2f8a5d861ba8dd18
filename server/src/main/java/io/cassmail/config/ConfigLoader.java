package io.cassmail.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Layers configuration once at start: built-in defaults, then a properties file, then {@code CASSMAIL_*}
 * environment variables, then {@code --set key=value} flags. Key {@code smtp.max-message-size} is
 * overridden by {@code CASSMAIL_SMTP_MAX_MESSAGE_SIZE}.
 */
public final class ConfigLoader {

    /** Every key CassMail reads, with its default. */
    public static final Map<String, String> DEFAULTS = defaults();

    private ConfigLoader() {
    }

    public static CassMailConfig load(Path file, Map<String, String> environment, List<String> overrides) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        values.putAll(given(file, environment, overrides));
        for (String key : values.keySet()) {
            if (!DEFAULTS.containsKey(key)) {
                throw new ConfigException("unknown setting '" + key + "' (known: " + String.join(", ", DEFAULTS.keySet()) + ")");
            }
        }
        return CassMailConfig.from(new Settings(values));
    }

    /** Loads from the process environment: file from {@code CASSMAIL_CONFIG} when set. */
    public static CassMailConfig fromEnvironment(Path file, List<String> overrides) {
        Map<String, String> env = System.getenv();
        return load(configFile(file, env), env, overrides);
    }

    /** True when KEY was given (file, {@code CASSMAIL_*} or --set) in this process's environment, not defaulted. */
    public static boolean isGiven(String key, Path file, List<String> overrides) {
        Map<String, String> env = System.getenv();
        return given(configFile(file, env), env, overrides).containsKey(key);
    }

    private static Path configFile(Path file, Map<String, String> env) {
        return file != null ? file : (env.containsKey("CASSMAIL_CONFIG") ? Path.of(env.get("CASSMAIL_CONFIG")) : null);
    }

    /** The settings the three layers give, later ones winning: file, then environment, then --set. */
    private static Map<String, String> given(Path file, Map<String, String> environment, List<String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        if (file != null) {
            values.putAll(readFile(file));
        }
        for (String key : DEFAULTS.keySet()) {
            String env = environment.get(envName(key));
            if (env != null) {
                values.put(key, env);
            }
        }
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq < 1) {
                throw new ConfigException("--set expects key=value, got '" + override + "'");
            }
            values.put(override.substring(0, eq).strip(), override.substring(eq + 1));
        }
        return values;
    }

    public static String envName(String key) {
        return "CASSMAIL_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        Map<String, String> result = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> result.put(k, p.getProperty(k)));
        return result;
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("cassandra", "127.0.0.1:9042");
        d.put("cassandra.local-dc", "datacenter1");
        d.put("cassandra.connect-timeout", "15s");
        d.put("cassandra.speculative-delay", "500ms");
        d.put("cassandra.request-timeout", "10s");
        d.put("keyspace", "cassmail");
        d.put("replication", "SimpleStrategy:1");
        d.put("consistency", "LOCAL_QUORUM");
        d.put("amqp.uri", "amqp://guest:guest@127.0.0.1:5672/");
        d.put("amqp.confirm-timeout", "10s");
        d.put("queue.prefix", "cassmail");
        d.put("hostname", "localhost");
        d.put("smtp.bind", "127.0.0.1");
        d.put("smtp.port", "2525");
        d.put("smtp.max-message-size", "25M");
        d.put("smtp.max-recipients", "100");
        d.put("smtp.max-connections", "1000");
        d.put("smtp.max-connections-per-ip", "100");
        d.put("smtp.listen-backlog", "1024");
        d.put("smtp.stress-timeout", "10s");
        d.put("smtp.stress-max-connections-per-ip", "10");
        d.put("smtp.read-timeout", "5m");
        d.put("smtp.session-timeout", "30m");
        d.put("smtp.min-data-rate", "500");
        d.put("smtp.in-flight-memory", "64M");
        d.put("smtp.postmaster", "");
        d.put("submission.bind", "127.0.0.1");
        d.put("submission.port", "2587");
        d.put("submissions.port", "2465");
        d.put("submission.max-messages-per-hour", "200");
        d.put("submission.max-recipients", "50");
        d.put("submission.received-auth-user", "false");
        d.put("tls.cert", "");
        d.put("tls.key", "");
        d.put("pop3.bind", "127.0.0.1");
        d.put("pop3.port", "2110");
        d.put("pop3s.port", "2995");
        d.put("pop3.allow-plaintext", "false");
        d.put("pop3.idle-timeout", "10m");
        d.put("pop3.max-connections", "1000");
        d.put("pop3.max-connections-per-ip", "20");
        d.put("pop3.write-timeout", "2m");
        d.put("pop3.auth-failure-delay", "2s");
        d.put("pop3.max-messages", "20000");
        d.put("pop3.max-auth-failures", "3");
        d.put("pop3.session-timeout", "1h");
        d.put("pop3.snapshot-memory", "64M");
        d.put("imap.bind", "127.0.0.1");
        d.put("imap.port", "2143");
        d.put("imaps.port", "2993");
        d.put("imap.allow-plaintext", "false");
        d.put("imap.idle-timeout", "30m");
        d.put("imap.max-connections", "2000");
        d.put("imap.max-connections-per-ip", "50");
        d.put("imap.max-connections-per-account", "20");
        d.put("imap.write-timeout", "2m");
        d.put("imap.auth-failure-delay", "2s");
        d.put("imap.max-auth-failures", "3");
        d.put("imap.max-line", "64K");
        d.put("imap.max-literal", "1M");
        d.put("imap.max-messages", "500000");
        d.put("imap.hide-capabilities", "");
        d.put("imap.account-hide-capabilities", "");
        d.put("imap.structure-cache", "64M");
        d.put("imap.select-memory", "256M");
        d.put("imap.search-budget", "1G");
        d.put("auth.max-failures-per-ip", "10");
        d.put("auth.failure-window", "5m");
        d.put("auth.cache-ttl", "10m");
        d.put("mailbox.writer-id", "");
        d.put("mailbox.writer-lease", "30s");
        d.put("mailbox.writer-grace", "15s");
        d.put("mailbox.vanished-window", "30d");
        d.put("quota.max-messages", "1000000");
        d.put("quota.max-bytes", "10G");
        d.put("quota.usage-cache-ttl", "5s");
        d.put("directory.cache-ttl", "30s");
        d.put("password.argon2-memory", "19M");
        d.put("password.argon2-iterations", "2");
        d.put("worker.threads", "64");
        d.put("worker.prefetch", "4");
        d.put("delivery.retry-delays", "1m,5m,30m,2h,6h");
        d.put("delivery.give-up-after", "5d");
        d.put("delivery.limit", "5");
        d.put("delivery.remote-reports-per-address", "10");
        d.put("delivery.remote-reports-per-hour", "500");
        d.put("relay.threads", "8");
        d.put("relay.dns", "");
        d.put("dns", "");
        d.put("dns.timeout", "5s");
        d.put("inbound.checks", "true");
        d.put("inbound.authserv-id", "");
        d.put("inbound.trusted-networks", "127.0.0.0/8,::1");
        d.put("inbound.dkim-max-signatures", "5");
        d.put("inbound.dmarc-enforce", "true");
        d.put("dnsbl", "");
        d.put("milters", "");
        d.put("milter.timeout", "30s");
        d.put("milter.default-action", "tempfail");
        d.put("relay.dns-timeout", "5s");
        d.put("relay.port", "25");
        d.put("relay.connect-timeout", "30s");
        d.put("relay.command-timeout", "5m");
        d.put("relay.data-timeout", "10m");
        d.put("relay.verify-tls", "false");
        d.put("relay.max-per-destination", "4");
        d.put("relay.allow-private-mx", "false");
        d.put("relay.mx-address-limit", "5");
        d.put("relay.mx-session-limit", "2");
        d.put("relay.transaction-timeout", "20m");
        d.put("relay.job-timeout", "25m");
        d.put("relay.data-block-timeout", "3m");
        d.put("relay.slot-wait", "10s");
        d.put("relay.lease", "2m");
        d.put("relay.smarthost", "");
        d.put("relay.smarthost-tls", "starttls");
        d.put("relay.smarthost-user", "");
        d.put("relay.smarthost-password", "");
        d.put("relay.smarthost-ca", "");
        d.put("metrics.bind", "127.0.0.1");
        d.put("metrics.port", "8025");
        d.put("admin.bind", "127.0.0.1");
        d.put("admin.port", "8443");
        d.put("admin.session-ttl", "8h");
        d.put("admin.max-body", "64K");
        d.put("reconcile.interval", "5m");
        d.put("reconcile.stale-after", "15m");
        return java.util.Collections.unmodifiableMap(d);
    }
}
