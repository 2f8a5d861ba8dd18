package io.cassmail.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link Directory} promises; run against the Cassandra tables and the memory twin. */
public abstract class DirectoryContract {

    protected abstract Directory directory();

    private final String domain = "d" + UUID.randomUUID().toString().substring(0, 8) + ".test";

    @Test
    void domainsAreCaseInsensitiveAndIgnoreTheTrailingDot() {
        directory().addDomain(domain.toUpperCase() + ".");
        assertThat(directory().isLocalDomain(domain)).isTrue();
        assertThat(directory().domains()).contains(domain);
    }

    @Test
    void removingADomainSaysWhetherItExisted() {
        directory().addDomain(domain);
        assertThat(directory().removeDomain(domain)).isTrue();
        assertThat(directory().removeDomain(domain)).isFalse();
        assertThat(directory().isLocalDomain(domain)).isFalse();
    }

    @Test
    void aUserIsFoundWhateverTheCaseWithItsPasswordHash() {
        directory().addUser("Alice@" + domain, "$argon2id$hash");
        assertThat(directory().userExists("alice@" + domain.toUpperCase())).isTrue();
        assertThat(directory().passwordHash("ALICE@" + domain)).contains("$argon2id$hash");
    }

    @Test
    void aUserWithoutPasswordHasNoHash() {
        directory().addUser("bob@" + domain, null);
        assertThat(directory().userExists("bob@" + domain)).isTrue();
        assertThat(directory().passwordHash("bob@" + domain)).isEmpty();
        assertThat(directory().passwordHash("nobody@" + domain)).isEmpty();
    }

    @Test
    void usersAreListedByDomainAndAltogether() {
        String other = "o" + domain;
        directory().addUser("a@" + domain, null);
        directory().addUser("b@" + domain, null);
        directory().addUser("c@" + other, null);
        assertThat(directory().users(domain)).containsExactlyInAnyOrder("a@" + domain, "b@" + domain);
        assertThat(directory().users(null)).contains("a@" + domain, "b@" + domain, "c@" + other);
    }

    @Test
    void removingAUserSaysWhetherItExistedAndFreesTheName() {
        directory().addUser("gone@" + domain, null);
        assertThat(directory().removeUser("gone@" + domain)).isTrue();
        assertThat(directory().removeUser("gone@" + domain)).isFalse();
        assertThat(directory().userExists("gone@" + domain)).isFalse();
        assertThat(directory().users(domain)).doesNotContain("gone@" + domain);
    }

    @Test
    void aNewPasswordReplacesTheOld() {
        directory().addUser("pw@" + domain, "old");
        directory().setPasswordHash("pw@" + domain, "new");
        assertThat(directory().passwordHash("pw@" + domain)).contains("new");
    }

    @Test
    void anAliasNamesItsOwnerWhateverTheCaseAndIsListedUnderIt() {
        String owner = "owner@" + domain;
        directory().addAlias("Sales@" + domain.toUpperCase(), owner);
        directory().addAlias("info@" + domain, owner);
        assertThat(directory().aliasOwner("sales@" + domain)).contains(owner);
        assertThat(directory().aliases(owner)).containsExactlyInAnyOrder("sales@" + domain, "info@" + domain);
        assertThat(directory().aliasOwner("nobody@" + domain)).isEmpty();
    }

    @Test
    void anAliasMovedToAnotherOwnerLeavesTheFirstOwnersListAndRemovingItSaysWhetherItExisted() {
        String first = "first@" + domain;
        String second = "second@" + domain;
        directory().addAlias("team@" + domain, first);
        directory().addAlias("team@" + domain, second);
        assertThat(directory().aliasOwner("team@" + domain)).contains(second);
        assertThat(directory().aliases(first)).isEmpty();
        assertThat(directory().removeAlias("team@" + domain)).isTrue();
        assertThat(directory().removeAlias("team@" + domain)).isFalse();
        assertThat(directory().aliases(second)).isEmpty();
        assertThat(directory().aliasOwner("team@" + domain)).isEmpty();
    }

    @Test
    void dkimKeysAreListedNewestFirstAndRemovedBySelector() {
        java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        directory().addDkimKey(new DkimKey(domain, "old", "priv-old", "pub-old", now.minusSeconds(60)));
        directory().addDkimKey(new DkimKey(domain.toUpperCase(), "new", "priv-new", "pub-new", now));
        assertThat(directory().dkimKeys(domain)).extracting(DkimKey::selector).containsExactly("new", "old");
        assertThat(directory().dkimKeys(domain).get(0).publicKey()).isEqualTo("pub-new");
        assertThat(directory().removeDkimKey(domain, "old")).isTrue();
        assertThat(directory().removeDkimKey(domain, "old")).isFalse();
        assertThat(directory().dkimKeys(domain)).extracting(DkimKey::selector).containsExactly("new");
    }
}
