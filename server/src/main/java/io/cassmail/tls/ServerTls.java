package io.cassmail.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of TLS for every listener (RFC 8314 §4, RFC 3207, RFC 2595): TLS 1.2 and 1.3 only, forward-secret
 * AEAD cipher suites only, certificate and key from PEM files. New connections pick up a renewed certificate: the
 * files are compared at most once per {@code checkEvery}, and a pair that does not load (half-written, key of
 * another certificate) is logged and the previous one kept.
 */
public final class ServerTls {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    /** The protocols offered, newest first (RFC 8996 deprecates TLS 1.0 and 1.1). */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** How long a client may take for its handshake. */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);

    /** TLS 1.3 suites and the TLS 1.2 ECDHE AEAD suites (Mozilla's "intermediate" list, without DHE). */
    private static final Set<String> MODERN_SUITES = Set.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final Path certFile;
    private final Path keyFile;
    private final Duration checkEvery;
    private final Clock clock;
    private volatile Loaded current;
    private volatile long nextCheck;

    private record Loaded(byte[] certPem, byte[] keyPem, SSLContext context, X509Certificate leaf) {
    }

    /** Loads the pair now; a missing or broken file fails here, with the reason, before any listener binds. */
    public ServerTls(Path certFile, Path keyFile, Duration checkEvery, Clock clock) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.checkEvery = checkEvery;
        this.clock = clock;
        try {
            this.current = load(Files.readAllBytes(certFile), Files.readAllBytes(keyFile));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read TLS certificate or key: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS certificate " + certFile + " / key " + keyFile + ": " + e.getMessage(), e);
        }
        this.nextCheck = clock.millis() + checkEvery.toMillis();
    }

    public ServerTls(Path certFile, Path keyFile) {
        this(certFile, keyFile, Duration.ofSeconds(1), Clock.systemUTC());
    }

    /** The certificate new connections are shown. */
    public X509Certificate certificate() {
        reloadIfChanged();
        return current.leaf();
    }

    /** The context of the pair loaded now, for the admin listener's HTTPS (which keeps it until restarted). */
    public SSLContext context() {
        reloadIfChanged();
        return current.context();
    }

    /** Restricts parameters to {@link #PROTOCOLS} and the modern suites, as the mail listeners offer them. */
    public static void restrict(SSLParameters p, String[] supportedProtocols, String[] supportedSuites) {
        p.setProtocols(PROTOCOLS.stream().filter(Arrays.asList(supportedProtocols)::contains).toArray(String[]::new));
        p.setCipherSuites(Arrays.stream(supportedSuites).filter(MODERN_SUITES::contains).toArray(String[]::new));
        p.setUseCipherSuitesOrder(true);
    }

    /**
     * Layers server-mode TLS over a connected socket; closing the result closes {@code plain}. No handshake happens
     * here: it starts at the first read or write, or at {@link SSLSocket#startHandshake()}, on the caller's thread.
     */
    public SSLSocket wrap(Socket plain) throws IOException {
        reloadIfChanged();
        SSLSocket ssl = (SSLSocket) current.context().getSocketFactory().createSocket(plain,
                plain.getInetAddress().getHostAddress(), plain.getPort(), true);
        ssl.setUseClientMode(false);
        SSLParameters p = ssl.getSSLParameters();
        restrict(p, ssl.getSupportedProtocols(), ssl.getSupportedCipherSuites());
        ssl.setSSLParameters(p);
        ssl.setSoTimeout((int) HANDSHAKE_TIMEOUT.toMillis());
        return ssl;
    }

    private void reloadIfChanged() {
        long now = clock.millis();
        if (now < nextCheck) {
            return;
        }
        synchronized (this) {
            if (now < nextCheck) {
                return;
            }
            nextCheck = now + checkEvery.toMillis();
            Loaded old = current;
            try {
                byte[] cert = Files.readAllBytes(certFile);
                byte[] key = Files.readAllBytes(keyFile);
                if (Arrays.equals(cert, old.certPem()) && Arrays.equals(key, old.keyPem())) {
                    return;
                }
                current = load(cert, key);
                log.info("TLS certificate reloaded: {}, valid until {}", current.leaf().getSubjectX500Principal(),
                        current.leaf().getNotAfter().toInstant());
            } catch (IOException | GeneralSecurityException e) {
                log.warn("TLS certificate {} / key {} changed but does not load ({}); still using the previous one",
                        certFile, keyFile, e.getMessage());
            }
        }
    }

    private static Loaded load(byte[] certPem, byte[] keyPem) throws GeneralSecurityException {
        List<X509Certificate> chain = PemFiles.certificates(certPem);
        PrivateKey key = PemFiles.privateKey(keyPem);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        char[] none = new char[0];
        store.setKeyEntry("cassmail", key, none, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, none);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        verifyPair(key, chain.get(0));
        return new Loaded(certPem, keyPem, context, chain.get(0));
    }

    /** A key that does not belong to the certificate fails every handshake; say so at load instead. */
    private static void verifyPair(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        byte[] probe = "cassmail-key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.security.Signature signer = java.security.Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
        boolean matches;
        try {
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (java.security.InvalidKeyException e) {
            matches = false;
        }
        if (!matches) {
            throw new GeneralSecurityException("the private key does not belong to the certificate");
        }
    }
}
