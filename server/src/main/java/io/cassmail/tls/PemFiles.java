package io.cassmail.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a certificate chain and an unencrypted PKCS#8 private key from PEM text (RFC 7468). */
public final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    private PemFiles() {
    }

    /** Every {@code CERTIFICATE} block, leaf first as the file lists them. */
    public static List<X509Certificate> certificates(byte[] pem) throws GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> chain = new ArrayList<>();
        Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
        while (m.find()) {
            if (m.group(1).equals("CERTIFICATE")) {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(decode(m.group(2)))));
            }
        }
        if (chain.isEmpty()) {
            throw new CertificateException("no '-----BEGIN CERTIFICATE-----' block found");
        }
        return List.copyOf(chain);
    }

    /** The first {@code PRIVATE KEY} block, RSA, EC or Ed25519; other forms are named in the error. */
    public static PrivateKey privateKey(byte[] pem) throws GeneralSecurityException {
        Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
        while (m.find()) {
            String type = m.group(1);
            switch (type) {
                case "PRIVATE KEY" -> {
                    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(decode(m.group(2)));
                    for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
                        try {
                            return KeyFactory.getInstance(algorithm).generatePrivate(spec);
                        } catch (GeneralSecurityException wrongAlgorithm) {
                            // try the next one
                        }
                    }
                    throw new GeneralSecurityException("the PRIVATE KEY block is not an RSA, EC or Ed25519 key");
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new GeneralSecurityException("the key is in the old '"
                        + type + "' form; convert it once with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8");
                case "ENCRYPTED PRIVATE KEY" -> throw new GeneralSecurityException(
                        "the key is encrypted; store it unencrypted (readable by CassMail only): openssl pkcs8 -topk8 -nocrypt");
                default -> {
                    // certificates and parameters may share the file
                }
            }
        }
        throw new GeneralSecurityException("no '-----BEGIN PRIVATE KEY-----' block found");
    }

    private static byte[] decode(String base64) {
        return Base64.getMimeDecoder().decode(base64.replaceAll("\\s", ""));
    }
}
