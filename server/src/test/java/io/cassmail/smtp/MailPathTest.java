package io.cassmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** MAIL FROM / RCPT TO arguments (RFC 5321 §4.1.2), tolerant the way Postfix is by default. */
class MailPathTest {

    @Test
    void aPathInBracketsWithParametersWhoseKeysAreUpperCased() throws Exception {
        MailPath p = MailPath.parse("MAIL FROM:<alice@example.test> size=1000 BODY=8BITMIME SMTPUTF8", "FROM");
        assertThat(p.address()).isEqualTo("alice@example.test");
        assertThat(p.parameters().keySet()).containsExactly("SIZE", "BODY", "SMTPUTF8");
        assertThat(p.parameters()).containsEntry("SIZE", "1000").containsEntry("BODY", "8BITMIME").containsEntry("SMTPUTF8", null);
    }

    @Test
    void theNullReversePathIsEmpty() throws Exception {
        assertThat(MailPath.parse("MAIL FROM:<>", "FROM").address()).isEmpty();
    }

    @Test
    void aSpaceAfterTheColonAndMissingBracketsAreTolerated() throws Exception {
        assertThat(MailPath.parse("RCPT TO: bob@example.test", "TO").address()).isEqualTo("bob@example.test");
        assertThat(MailPath.parse("rcpt   to:<bob@example.test>", "TO").address()).isEqualTo("bob@example.test");
    }

    @Test
    void anObsoleteSourceRouteNamesTheFinalMailbox() throws Exception {
        assertThat(MailPath.parse("RCPT TO:<@relay.test,@other.test:bob@example.test>", "TO").address())
                .isEqualTo("bob@example.test");
    }

    @Test
    void brokenArgumentsSayWhatIsWrong() {
        assertThatThrownBy(() -> MailPath.parse("MAIL FROM alice@example.test", "FROM")).hasMessage("missing FROM:");
        assertThatThrownBy(() -> MailPath.parse("MAIL TO:<a@b.test>", "FROM")).hasMessage("expected FROM:");
        assertThatThrownBy(() -> MailPath.parse("MAIL FROM:<a@b.test", "FROM")).hasMessage("unbalanced angle brackets");
        assertThatThrownBy(() -> MailPath.parse("MAIL FROM:<a@b.test>x", "FROM"))
                .hasMessage("text after the closing angle bracket");
        assertThatThrownBy(() -> MailPath.parse("RCPT TO:", "TO")).hasMessage("missing address");
    }

    @Test
    void nonAsciiAddressesAreFlagged() throws Exception {
        assertThat(MailPath.parse("RCPT TO:<jörg@example.test>", "TO").isAscii()).isFalse();
        assertThat(MailPath.parse("RCPT TO:<jorg@example.test>", "TO").isAscii()).isTrue();
    }
}
