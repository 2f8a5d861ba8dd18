package io.cassmail.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A client-side TLS context that verifies the server's certificate chain: against the JVM's trusted authorities, or
 * against the authorities in one PEM file (a private CA, or a self-signed certificate pinned as its own anchor).
 */
public final class VerifyingClientTls {

    private VerifyingClientTls() {
    }

    /** @param caFile PEM certificates to trust instead of the JVM's; null for the JVM's */
    public static SSLContext context(Path caFile) {
        try {
            if (caFile == null) {
                return SSLContext.getDefault();
            }
            List<X509Certificate> anchors = PemFiles.certificates(Files.readAllBytes(caFile));
            if (anchors.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + caFile);
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("ca-" + i, anchors.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the CA file " + caFile + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the CA file " + caFile + ": " + e.getMessage(), e);
        }
    }
}
