package io.cassmail.relay;

import io.cassmail.dkim.DkimBodyHash;
import io.cassmail.dkim.DkimHeaders;
import io.cassmail.mail.Addresses;
import io.cassmail.mail.HeaderSection;
import io.cassmail.store.DkimKey;
import io.cassmail.store.Directory;
import io.cassmail.store.StoredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * DKIM signing (RFC 6376) of mail from local domains as it leaves: rsa-sha256, relaxed/relaxed, over the stored
 * bytes exactly as they are sent, with the body hashed as it streams ({@link DkimBodyHash}) and only the header
 * section in memory ({@link DkimHeaders}). A domain without a key sends unsigned.
 */
public final class DkimSigning {
    /** Header fields signed when present (RFC 6376 §5.4.1's recommendation, From first). */
    static final List<String> SIGNED_HEADERS = List.of("from", "to", "cc", "subject", "date", "message-id", "reply-to",
            "in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding");
    /** A header section larger than this is sent unsigned rather than held in memory (or retried for days). */
    static final int MAX_HEADER_BYTES = 1024 * 1024;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DkimSigning.class);

    private final Directory directory;

    public DkimSigning(Directory directory) {
        this.directory = directory;
    }

    /** A new 2048-bit RSA key for {@code domain} under {@code selector}. */
    public static DkimKey generate(String domain, String selector) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            return new DkimKey(Addresses.normalizeDomain(domain), selector,
                    Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()),
                    Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()), Instant.now());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an RSA key: " + e.getMessage(), e);
        }
    }

    /** Something that opens the message's stored bytes (once per call). */
    @FunctionalInterface
    public interface Body {
        InputStream open() throws IOException;
    }

    /**
     * The {@code DKIM-Signature} header field, CRLF included, to put in front of the message; an empty array when
     * neither the {@code From:} domain nor the envelope sender's domain has a key. The {@code From:} domain's key is
     * preferred (DMARC aligns on it), and {@code From} is signed once more than it appears (oversigned), so no second
     * {@code From:} can be added without breaking the signature. The header section is read into memory (at most
     * {@link #MAX_HEADER_BYTES}; beyond that the message goes unsigned), the body only streams through the hash.
     */
    public byte[] signature(StoredMessage message, Body body) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(body.open(), 64 * 1024)) {
            java.io.ByteArrayOutputStream header = new java.io.ByteArrayOutputStream(4096);
            HeaderSection scanner = new HeaderSection();
            int c;
            while (header.size() < MAX_HEADER_BYTES && (c = in.read()) >= 0) { // the body stays in the stream
                header.write(c);
                if (scanner.feed(c)) {
                    break;
                }
            }
            List<DkimHeaders.Field> fields = DkimHeaders.parse(header.toByteArray());
            DkimKey key = key(message, fields);
            if (key == null) {
                return new byte[0];
            }
            if (!scanner.ended() && header.size() >= MAX_HEADER_BYTES) {
                log.warn("message {}: header section over {} bytes; sent unsigned", message.id(), MAX_HEADER_BYTES);
                return new byte[0];
            }
            DkimBodyHash hash = new DkimBodyHash();
            in.transferTo(hash);
            String bh = Base64.getEncoder().encodeToString(hash.finish());
            try {
                PrivateKey privateKey = KeyFactory.getInstance("RSA")
                        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(key.privateKey())));
                return DkimHeaders.sign(fields, SIGNED_HEADERS, key.domain(), key.selector(), bh, privateKey,
                        Instant.now()).getBytes(StandardCharsets.US_ASCII);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IOException("DKIM signing for " + key.domain() + " (selector " + key.selector() + ") failed: "
                        + e.getMessage(), e);
            }
        }
    }

    /** The newest key of the {@code From:} domain, else of the envelope sender's domain, else null. */
    private DkimKey key(StoredMessage message, List<DkimHeaders.Field> fields) {
        String from = DkimHeaders.fromDomain(fields);
        if (from != null) {
            List<DkimKey> keys = directory.dkimKeys(from);
            if (!keys.isEmpty()) {
                return keys.get(0);
            }
        }
        String sender = message.envelopeFrom();
        if (sender == null || sender.isEmpty() || !Addresses.isValid(sender)) {
            return null;
        }
        List<DkimKey> keys = directory.dkimKeys(Addresses.domainOf(Addresses.normalize(sender)));
        return keys.isEmpty() ? null : keys.get(0);
    }
}
