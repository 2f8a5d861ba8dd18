package io.cassmail.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SaslServerTest {

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void plainWithAnInitialResponseGivesTheCredentialsAtOnce() {
        SaslServer plain = SaslServer.start("plain").orElseThrow();
        assertThat(plain.begin(b64("\0alice@cassmail.test\0s3cret")))
                .isEqualTo(new SaslServer.Credentials("alice@cassmail.test", "s3cret"));
    }

    @Test
    void plainWithoutOneAsksWithAnEmptyChallenge() {
        SaslServer plain = SaslServer.start("PLAIN").orElseThrow();
        assertThat(plain.begin(null)).isEqualTo(new SaslServer.Challenge(""));
        assertThat(plain.respond(b64("alice\0alice\0pw"))).isEqualTo(new SaslServer.Credentials("alice", "pw"));
    }

    @Test
    void plainRefusesAnotherAuthorizationIdentityMalformedMessagesAndNonBase64() {
        assertThat(SaslServer.start("PLAIN").orElseThrow().begin(b64("root\0alice\0pw")))
                .isEqualTo(new SaslServer.Refused(SaslServer.Reason.OTHER_AUTHZID));
        assertThat(SaslServer.start("PLAIN").orElseThrow().begin("="))
                .isEqualTo(new SaslServer.Refused(SaslServer.Reason.MALFORMED));
        assertThat(SaslServer.start("PLAIN").orElseThrow().begin("not base64!"))
                .isEqualTo(new SaslServer.Refused(SaslServer.Reason.NOT_BASE64));
    }

    @Test
    void loginPromptsForTheUserThenThePasswordAndStarCancels() {
        SaslServer login = SaslServer.start("LOGIN").orElseThrow();
        assertThat(login.begin(null)).isEqualTo(new SaslServer.Challenge(b64("Username:")));
        assertThat(login.respond(b64("bob"))).isEqualTo(new SaslServer.Challenge(b64("Password:")));
        assertThat(login.respond(b64("pw"))).isEqualTo(new SaslServer.Credentials("bob", "pw"));
        SaslServer cancelled = SaslServer.start("LOGIN").orElseThrow();
        cancelled.begin(b64("bob"));
        assertThat(cancelled.respond("*")).isEqualTo(new SaslServer.Refused(SaslServer.Reason.CANCELLED));
    }

    @Test
    void unknownMechanismsAreNotStarted() {
        assertThat(SaslServer.start("CRAM-MD5")).isEmpty();
    }
}
