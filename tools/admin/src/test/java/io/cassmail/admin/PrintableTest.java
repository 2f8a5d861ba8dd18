package io.cassmail.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Values from mail cannot drive the operator's terminal. */
class PrintableTest {

    @Test
    void escapeSequencesAndOtherControlCharactersBecomeQuestionMarks() {
        assertThat(Printable.of("Hi\u001b[2J\u001b]0;owned\u0007 there\r\nX\u0085\u007f")).isEqualTo("Hi?[2J?]0;owned? there??X??");
    }

    @Test
    void ordinaryTextIncludingNonAsciiIsLeftAlone() {
        assertThat(Printable.of("Grüße, 日本")).isEqualTo("Grüße, 日本");
        assertThat(Printable.of(null)).isEmpty();
    }
}
