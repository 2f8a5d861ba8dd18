package io.cassmail.store;

import java.time.Instant;

/**
 * One DKIM signing key of a local domain (RFC 6376 §3.6): its selector, the PKCS#8 private key and the public key
 * (both base64) and when it was made; the DNS record is {@link #txtRecord()}.
 */
public record DkimKey(String domain, String selector, String privateKey, String publicKey, Instant created) {

    /** The name to publish the record under: {@code selector._domainkey.domain}. */
    public String dnsName() {
        return selector + "._domainkey." + domain;
    }

    /** The TXT record's value (RFC 6376 §3.6.1). */
    public String txtRecord() {
        return "v=DKIM1; k=rsa; p=" + publicKey;
    }
}
