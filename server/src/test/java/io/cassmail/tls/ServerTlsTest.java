package io.cassmail.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cassmail.testing.TestCerts;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM loading and the server's TLS parameters, on keys and certificates made by openssl. */
class ServerTlsTest {
    @TempDir
    Path dir;

    @Test
    void rsaAndEcPairsLoadAndOnlyTls12And13WithAeadSuitesAreEnabled() throws Exception {
        for (String type : new String[] {"rsa", "ec"}) {
            Path[] pair = TestCerts.create(dir.resolve(type), "cn-" + type, type);
            ServerTls tls = new ServerTls(pair[0], pair[1]);
            assertThat(tls.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=cn-" + type);
            try (ServerSocket server = new ServerSocket(0); Socket client = new Socket("127.0.0.1", server.getLocalPort());
                 Socket accepted = server.accept()) {
                SSLSocket ssl = tls.wrap(accepted);
                assertThat(ssl.getUseClientMode()).isFalse();
                assertThat(ssl.getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
                assertThat(ssl.getEnabledCipherSuites()).isNotEmpty()
                        .allSatisfy(suite -> assertThat(suite).matches("TLS_(AES|CHACHA20).*|TLS_ECDHE_.*_(GCM_SHA\\d+|POLY1305_SHA256)"));
            }
        }
    }

    @Test
    void aPkcs1KeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
        Path[] pair = TestCerts.create(dir, "old-key", "rsa");
        Path pkcs1 = dir.resolve("rsa-key.pem");
        Process p = new ProcessBuilder("openssl", "rsa", "-in", pair[1].toString(), "-traditional", "-out",
                pkcs1.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThatThrownBy(() -> new ServerTls(pair[0], pkcs1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> new ServerTls(dir.resolve("none.pem"), dir.resolve("none.key")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("none.pem");
    }
}
