package io.cassmail.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AddressesTest {

    @Test
    void keysAreLowerCasedAndTrimmed() {
        assertThat(Addresses.normalize("  Alice@Example.TEST ")).isEqualTo("alice@example.test");
        assertThat(Addresses.normalizeDomain("Example.TEST.")).isEqualTo("example.test");
    }

    @Test
    void domainAndLocalPartSplitAtTheLastAt() {
        assertThat(Addresses.domainOf("\"a@b\"@Example.test")).isEqualTo("example.test");
        assertThat(Addresses.localPartOf("bob@example.test")).isEqualTo("bob");
        assertThatThrownBy(() -> Addresses.domainOf("nodomain")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void plainAddressesIdnAndLiteralsAreValid() {
        assertThat(Addresses.isValid("bob@example.test")).isTrue();
        assertThat(Addresses.isValid("jörg@bücher.example")).isTrue();
        assertThat(Addresses.isValid("bob@[127.0.0.1]")).isTrue();
    }

    @Test
    void brokenAddressesAreNot() {
        assertThat(Addresses.isValid("@example.test")).isFalse();
        assertThat(Addresses.isValid("bob@")).isFalse();
        assertThat(Addresses.isValid("bo b@example.test")).isFalse();
        assertThat(Addresses.isValid("bob@exa mple.test")).isFalse();
        assertThat(Addresses.isValid("x".repeat(65) + "@example.test")).isFalse();
    }
}
