package io.cassmail.relay;

import io.cassmail.mail.Addresses;
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
import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.exceptions.FailException;

/**
 * DKIM signing (RFC 6376) of mail from local domains as it leaves: rsa-sha256, relaxed/relaxed, over the stored
 * bytes exactly as they are sent (Apache jDKIM). The sender's domain signs with its newest key; a domain without a
 * key sends unsigned.
 */
public final class DkimSigning {
    /** Header fields signed when present (RFC 6376 §5.4.1's recommendation, From first). */
    static final String SIGNED_HEADERS = "from:to:cc:subject:date:message-id:reply-to:in-reply-to:references:"
            + "mime-version:content-type:content-transfer-encoding";

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
     * the sender's domain has no key (or the sender is null).
     */
    public byte[] signature(StoredMessage message, Body body) throws IOException {
        String sender = message.envelopeFrom();
        if (sender == null || sender.isEmpty() || !Addresses.isValid(sender)) {
            return new byte[0];
        }
        String domain = Addresses.domainOf(Addresses.normalize(sender));
        List<DkimKey> keys = directory.dkimKeys(domain);
        if (keys.isEmpty()) {
            return new byte[0];
        }
        DkimKey key = keys.get(0);
        try {
            PrivateKey privateKey = KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(key.privateKey())));
            DKIMSigner signer = new DKIMSigner("v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + key.domain() + "; s="
                    + key.selector() + "; h=" + SIGNED_HEADERS + "; bh=; b=;", privateKey);
            String field;
            try (InputStream in = body.open()) {
                field = signer.sign(in);
            }
            return (field.endsWith("\r\n") ? field : field + "\r\n").getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException | FailException | RuntimeException e) {
            throw new IOException("DKIM signing for " + domain + " (selector " + key.selector() + ") failed: "
                    + e.getMessage(), e);
        }
    }
}
