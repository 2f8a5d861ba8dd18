package io.cassmail.admin;

import io.cassmail.config.CassMailConfig;
import io.cassmail.tls.ServerTls;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tls status}: the certificate the listeners show, read from the configured PEM files. */
@Command(name = "tls", description = "Inspect the TLS certificate.", mixinStandardHelpOptions = true,
        subcommands = {TlsCommand.Status.class})
final class TlsCommand {

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show the certificate in use (tls.cert/tls.key): subject, names, expiry. Exits 1 when it is"
                    + " missing, does not load, or has expired.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            CassMailConfig.TlsConfig config = options.load().tls();
            if (!config.enabled()) {
                throw new IllegalArgumentException("no TLS configured: set tls.cert and tls.key (PEM files); without"
                        + " them STARTTLS, STLS, submission and POP3S are off");
            }
            X509Certificate cert = new ServerTls(config.cert(), config.key()).certificate();
            Instant notAfter = cert.getNotAfter().toInstant();
            long daysLeft = Duration.between(Instant.now(), notAfter).toDays();
            List<String> names = new ArrayList<>();
            if (cert.getSubjectAlternativeNames() != null) {
                cert.getSubjectAlternativeNames().forEach(n -> names.add(String.valueOf(n.get(1))));
            }
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("cert", config.cert().toString());
            status.put("key", config.key().toString());
            status.put("subject", cert.getSubjectX500Principal().getName());
            status.put("issuer", cert.getIssuerX500Principal().getName());
            status.put("names", names);
            status.put("key_algorithm", cert.getPublicKey().getAlgorithm());
            status.put("not_before", cert.getNotBefore().toInstant().toString());
            status.put("not_after", notAfter.toString());
            status.put("days_left", daysLeft);
            status.put("self_signed", cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal()));
            status.put("sha256", HexFormat.ofDelimiter(":").withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded())));
            boolean expired = notAfter.isBefore(Instant.now());
            if (json) {
                System.out.println(Json.write(status));
            } else {
                status.forEach((k, v) -> System.out.printf("%-14s %s%n", k.replace('_', ' ') + ":",
                        v instanceof List<?> l ? String.join(", ", l.stream().map(String::valueOf).toList())
                                : Printable.of(String.valueOf(v))));
                if (expired) {
                    System.err.println("cassmail-admin: the certificate expired on " + notAfter
                            + "; clients refuse it. Put a renewed one in place: new connections pick it up");
                } else if (daysLeft < 14) {
                    System.err.println("cassmail-admin: warning: the certificate expires in " + daysLeft + " days");
                }
            }
            return expired ? 1 : 0;
        }
    }
}
