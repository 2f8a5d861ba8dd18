package io.cassmail.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/** Self-signed test certificates made by the real {@code openssl} CLI, and a client context that accepts them. */
public final class TestCerts {

    private TestCerts() {
    }

    /** Writes {@code cert.pem} and {@code key.pem} (PKCS#8) for {@code CN=commonName} into {@code dir}. */
    public static Path[] create(Path dir, String commonName, String keyType) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        List<String> newKey = keyType.equals("rsa") ? List.of("-newkey", "rsa:2048")
                : List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1");
        List<String> command = new java.util.ArrayList<>(List.of("openssl", "req", "-x509"));
        command.addAll(newKey);
        command.addAll(List.of("-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "30",
                "-subj", "/CN=" + commonName, "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl req failed: " + output);
        }
        return new Path[] {cert, key};
    }

    /** A client context that accepts any server certificate (the tests check which one they got). */
    public static SSLContext trustingClient() {
        return io.cassmail.tls.TrustingClientTls.context();
    }
}
