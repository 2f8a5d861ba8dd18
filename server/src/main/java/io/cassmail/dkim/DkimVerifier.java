package io.cassmail.dkim;

import io.cassmail.dns.DnsAnswer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Verifies a message's DKIM signatures (RFC 6376 §6; rsa-sha256, and ed25519-sha256 of RFC 8463) while it streams
 * in: built from the header section, it starts every key lookup at once, feeds the body to one hash per distinct
 * canonicalization and length, and judges each signature at the end. At most {@code maxSignatures} are checked.
 * A signature whose {@code l=} leaves part of the body unsigned is {@code policy}, never {@code pass}: what follows
 * the signed length could be anything.
 */
public final class DkimVerifier {
    /** One signature's outcome, as RFC 8601 names it. */
    public record Result(String result, String domain, String selector, String identity, String b, String reason) {
        public boolean pass() {
            return result.equals("pass");
        }
    }

    private static final byte[] ED25519_SPKI = HexFormat.of().parseHex("302a300506032b6570032100");

    private final List<DkimHeaders.Field> fields;
    private final List<Check> checks = new ArrayList<>();
    /** One hash per distinct canonicalization and length, shared by the signatures that use it. */
    private final List<DkimBodyHash> bodies;
    private final Map<DkimBodyHash, byte[]> finished = new java.util.IdentityHashMap<>();

    /** One signature, the body hash it is checked against, and its key lookup (null for a broken signature). */
    private record Check(DkimSignature signature, DkimBodyHash body, CompletableFuture<DnsAnswer> key) {
    }

    /** @param keys looks up a TXT name ({@code selector._domainkey.domain}) */
    public DkimVerifier(List<DkimHeaders.Field> fields, int maxSignatures,
                        Function<String, CompletableFuture<DnsAnswer>> keys) {
        this.fields = fields;
        Map<String, DkimBodyHash> hashes = new java.util.HashMap<>();
        for (DkimHeaders.Field f : fields) {
            if (!f.name().equals("dkim-signature") || checks.size() >= maxSignatures) {
                continue;
            }
            DkimSignature s = DkimSignature.parse(f);
            if (s.problem() != null) {
                checks.add(new Check(s, null, null));
                continue;
            }
            DkimBodyHash hash = hashes.computeIfAbsent(s.relaxedBody() + "/" + s.length(),
                    k -> new DkimBodyHash(s.relaxedBody(), s.length()));
            checks.add(new Check(s, hash, keys.apply(s.selector() + "._domainkey." + s.domain())));
        }
        this.bodies = List.copyOf(hashes.values());
    }

    /** The body as it streams in, after the header section's empty line. */
    public void body(byte[] b, int off, int len) {
        for (DkimBodyHash h : bodies) {
            h.write(b, off, len);
        }
    }

    /** Every signature's result, in the order of the fields; waits for key lookups still running. */
    public List<Result> results(Instant now) {
        for (DkimBodyHash h : bodies) {
            finished.put(h, h.finish());
        }
        List<Result> results = new ArrayList<>();
        for (Check c : checks) {
            results.add(judge(c, now));
        }
        return results;
    }

    private Result judge(Check c, Instant now) {
        DkimSignature s = c.signature();
        if (s.problem() != null) {
            return result(s, "permerror", s.problem());
        }
        if (s.expires() >= 0 && s.expires() < now.getEpochSecond()) {
            return result(s, "permerror", "signature expired");
        }
        DnsAnswer answer = c.key().join();
        if (answer.status() == DnsAnswer.Status.FAILED) {
            return result(s, "temperror", "key lookup failed: " + answer.error());
        }
        if (answer.status() == DnsAnswer.Status.NONE) {
            return result(s, "permerror", "no key for selector " + s.selector());
        }
        Map<String, String> key = DkimSignature.tags(answer.values().get(0));
        String k = key.getOrDefault("k", "rsa").toLowerCase(Locale.ROOT);
        String p = key.getOrDefault("p", "").replaceAll("\\s", "");
        if (p.isEmpty()) {
            return result(s, "permerror", "key revoked");
        }
        if (!s.algorithm().startsWith(k + "-")) {
            return result(s, "permerror", "key type " + k + " does not match " + s.algorithm());
        }
        if (key.containsKey("h") && !List.of(key.get("h").toLowerCase(Locale.ROOT).split("\\s*:\\s*")).contains("sha256")) {
            return result(s, "permerror", "key does not allow sha256");
        }
        if (key.getOrDefault("t", "").contains("s") && s.identity() != null
                && !s.identity().substring(s.identity().lastIndexOf('@') + 1).equalsIgnoreCase(s.domain())) {
            return result(s, "permerror", "key requires i= to be exactly d= (t=s)");
        }
        byte[] bodyHash = finished.get(c.body());
        if (!MessageDigest.isEqual(bodyHash, decode(s.bh()))) {
            return result(s, "fail", "body hash did not verify");
        }
        try {
            PublicKey publicKey = publicKey(k, Base64.getDecoder().decode(p));
            if (publicKey instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 1024) {
                return result(s, "permerror", "RSA key shorter than 1024 bits (RFC 8301)");
            }
            StringBuilder signed = DkimHeaders.canonical(fields, s.headers(), s.relaxedHeader());
            DkimHeaders.Field own = new DkimHeaders.Field("dkim-signature", s.withEmptyB());
            signed.append(s.relaxedHeader() ? DkimHeaders.relaxed(own) : DkimHeaders.simple(own));
            byte[] data = signed.toString().getBytes(StandardCharsets.ISO_8859_1);
            Signature verifier;
            if (k.equals("ed25519")) {
                verifier = Signature.getInstance("Ed25519");
                data = MessageDigest.getInstance("SHA-256").digest(data); // RFC 8463 §3: Ed25519 signs the hash
            } else {
                verifier = Signature.getInstance("SHA256withRSA");
            }
            verifier.initVerify(publicKey);
            verifier.update(data);
            if (!verifier.verify(decode(s.b()))) {
                return result(s, "fail", "signature did not verify");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return result(s, "permerror", "unusable key or signature: " + e.getMessage());
        }
        if (s.length() >= 0 && c.body().canonicalLength() > s.length()) {
            return result(s, "policy", "l= leaves " + (c.body().canonicalLength() - s.length()) + " bytes of the body unsigned");
        }
        return result(s, "pass", null);
    }

    private static PublicKey publicKey(String type, byte[] p) throws GeneralSecurityException {
        if (type.equals("ed25519")) {
            if (p.length != 32) {
                throw new GeneralSecurityException("an Ed25519 key is 32 bytes, this one " + p.length);
            }
            byte[] spki = new byte[ED25519_SPKI.length + 32];
            System.arraycopy(ED25519_SPKI, 0, spki, 0, ED25519_SPKI.length);
            System.arraycopy(p, 0, spki, ED25519_SPKI.length, 32);
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        }
        if (!type.equals("rsa")) {
            throw new GeneralSecurityException("unknown key type " + type);
        }
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(p));
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static Result result(DkimSignature s, String result, String reason) {
        return new Result(result, s.domain(), s.selector(), s.identity(), s.b() == null ? "" : s.b(), reason);
    }
}
