package io.cassmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Enhanced codes (RFC 3463) for the replies SubEthaSMTP's own session loop writes. */
class RepliesTest {

    @Test
    void libraryErrorsGetACode() {
        assertThat(Replies.withEnhancedCode("500 Error: command not implemented"))
                .isEqualTo("500 5.5.2 Error: command not implemented");
        assertThat(Replies.withEnhancedCode("421 Timeout waiting for data from client."))
                .isEqualTo("421 4.4.2 Timeout waiting for data from client.");
        assertThat(Replies.withEnhancedCode("421 Too many connections, try again later"))
                .isEqualTo("421 4.7.0 Too many connections, try again later");
        assertThat(Replies.withEnhancedCode("501 Syntax error at character position 3. CR and LF must be CRLF paired."))
                .startsWith("501 5.5.2 ");
    }

    @Test
    void repliesThatHaveACodeOrNeedNoneAreLeftAlone() {
        assertThat(Replies.withEnhancedCode("550 5.1.1 <x@y>: unknown")).isEqualTo("550 5.1.1 <x@y>: unknown");
        assertThat(Replies.withEnhancedCode("220 mx ESMTP CassMail")).isEqualTo("220 mx ESMTP CassMail");
        assertThat(Replies.withEnhancedCode("250-PIPELINING")).isEqualTo("250-PIPELINING");
        assertThat(Replies.withEnhancedCode("")).isEmpty();
    }
}
