package io.cassmail.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.dns.DnsAnswer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DkimVerifierTest {
    private static KeyPair rsa;
    private static KeyPair ed;
    private static final String BODY = "Hello  there \r\n\r\nsecond line\r\n\r\n";

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        rsa = g.generateKeyPair();
        ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private static List<DkimVerifier.Result> verify(String header, String body, Map<String, String> txt) {
        List<DkimHeaders.Field> fields = DkimHeaders.parse(header.getBytes(StandardCharsets.ISO_8859_1));
        DkimVerifier v = new DkimVerifier(fields, 5, name -> CompletableFuture.completedFuture(
                txt.containsKey(name) ? DnsAnswer.found(List.of(txt.get(name))) : DnsAnswer.none()));
        byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
        v.body(b, 0, b.length);
        return v.results(Instant.now());
    }

    private static String rsaSigned(String body) throws Exception {
        String head = "From: Alice <alice@bank.test>\r\nSubject: pay\r\n";
        List<DkimHeaders.Field> fields = DkimHeaders.parse(head.getBytes(StandardCharsets.ISO_8859_1));
        DkimBodyHash h = new DkimBodyHash();
        h.write(body.getBytes(StandardCharsets.ISO_8859_1));
        String bh = Base64.getEncoder().encodeToString(h.finish());
        return DkimHeaders.sign(fields, List.of("from", "subject"), "bank.test", "s1", bh, rsa.getPrivate(),
                Instant.now()) + head;
    }

    private static Map<String, String> rsaKey() {
        return Map.of("s1._domainkey.bank.test", "v=DKIM1; k=rsa; p="
                + Base64.getEncoder().encodeToString(rsa.getPublic().getEncoded()));
    }

    @Test
    void aSignatureOverTheHeaderAndBodyAsSentPasses() throws Exception {
        List<DkimVerifier.Result> r = verify(rsaSigned(BODY), BODY, rsaKey());
        assertThat(r).singleElement().satisfies(x -> {
            assertThat(x.result()).isEqualTo("pass");
            assertThat(x.domain()).isEqualTo("bank.test");
        });
    }

    @Test
    void aBodyAlteredAfterSigningFails() throws Exception {
        assertThat(verify(rsaSigned(BODY), BODY.replace("second", "Second"), rsaKey()))
                .singleElement().satisfies(x -> assertThat(x.result()).isEqualTo("fail"));
    }

    @Test
    void aHeaderAlteredAfterSigningFails() throws Exception {
        String signed = rsaSigned(BODY).replace("Subject: pay", "Subject: pay now");
        assertThat(verify(signed, BODY, rsaKey())).singleElement()
                .satisfies(x -> assertThat(x.reason()).isEqualTo("signature did not verify"));
    }

    @Test
    void aMissingKeyIsPermerrorAndARevokedOneToo() throws Exception {
        assertThat(verify(rsaSigned(BODY), BODY, Map.of())).singleElement()
                .satisfies(x -> assertThat(x.result()).isEqualTo("permerror"));
        assertThat(verify(rsaSigned(BODY), BODY, Map.of("s1._domainkey.bank.test", "v=DKIM1; p="))).singleElement()
                .satisfies(x -> assertThat(x.reason()).isEqualTo("key revoked"));
    }

    @Test
    void anEd25519SignatureWithSimpleCanonicalizationPasses() throws Exception {
        String head = "From: alice@bank.test\r\nTo: bob@example.test\r\n";
        DkimBodyHash h = new DkimBodyHash(false, -1);
        h.write(BODY.getBytes(StandardCharsets.ISO_8859_1));
        String bh = Base64.getEncoder().encodeToString(h.finish());
        String unsigned = "DKIM-Signature: v=1; a=ed25519-sha256; c=simple/simple; d=bank.test; s=ed;\r\n"
                + "\th=from:to; bh=" + bh + "; b=";
        List<DkimHeaders.Field> fields = DkimHeaders.parse(head.getBytes(StandardCharsets.ISO_8859_1));
        String data = DkimHeaders.canonical(fields, List.of("from", "to"), false) + unsigned;
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(ed.getPrivate());
        s.update(MessageDigest.getInstance("SHA-256").digest(data.getBytes(StandardCharsets.ISO_8859_1)));
        String signed = unsigned + Base64.getEncoder().encodeToString(s.sign()) + "\r\n" + head;
        byte[] spki = ed.getPublic().getEncoded();
        String raw = Base64.getEncoder().encodeToString(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
        assertThat(verify(signed, BODY, Map.of("ed._domainkey.bank.test", "v=DKIM1; k=ed25519; p=" + raw)))
                .singleElement().satisfies(x -> assertThat(x.result()).isEqualTo("pass"));
    }

    @Test
    void aLengthLimitThatLeavesContentUnsignedIsPolicyNotPass() throws Exception {
        String head = "From: alice@bank.test\r\n";
        DkimBodyHash h = new DkimBodyHash(true, -1);
        h.write(BODY.getBytes(StandardCharsets.ISO_8859_1));
        String bh = Base64.getEncoder().encodeToString(h.finish());
        long l = h.canonicalLength();
        String unsigned = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=bank.test; s=s1; l=" + l
                + "; h=from; bh=" + bh + "; b=";
        List<DkimHeaders.Field> fields = DkimHeaders.parse(head.getBytes(StandardCharsets.ISO_8859_1));
        StringBuilder data = DkimHeaders.canonical(fields, List.of("from"), true)
                .append(DkimHeaders.relaxed(new DkimHeaders.Field("dkim-signature", unsigned)));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(rsa.getPrivate());
        s.update(data.toString().getBytes(StandardCharsets.ISO_8859_1));
        String signed = unsigned + Base64.getEncoder().encodeToString(s.sign()) + "\r\n" + head;
        assertThat(verify(signed, BODY, rsaKey())).singleElement()
                .satisfies(x -> assertThat(x.result()).isEqualTo("pass"));
        assertThat(verify(signed, BODY + "Click here: http://evil.test/\r\n", rsaKey())).singleElement()
                .satisfies(x -> assertThat(x.result()).isEqualTo("policy"));
    }

    @Test
    void rsaSha1IsNotAccepted() {
        String signed = "DKIM-Signature: v=1; a=rsa-sha1; d=bank.test; s=s1; h=from; bh=x; b=y\r\n"
                + "From: alice@bank.test\r\n";
        assertThat(verify(signed, BODY, rsaKey())).singleElement().satisfies(x -> {
            assertThat(x.result()).isEqualTo("permerror");
            assertThat(x.reason()).contains("RFC 8301");
        });
    }
}
