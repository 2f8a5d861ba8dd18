package io.cassmail.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.testing.MemoryMailSystem;
import org.junit.jupiter.api.Test;

class AccountsTest {

    @Test
    void aNewAccountHasAnInboxAndANormalizedAddress() {
        MemoryMailSystem mail = new MemoryMailSystem();
        assertThat(mail.accounts.create("Dave@CassMail.test", "hash")).isEqualTo("dave@cassmail.test");
        assertThat(mail.stores.directory().userExists("dave@cassmail.test")).isTrue();
        assertThat(mail.stores.mailboxes().mailboxNames("dave@cassmail.test")).containsExactly("INBOX");
    }

    @Test
    void purgingAnAccountRemovesItsAliasesSoTheyStopReceivingMail() {
        MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test");
        mail.accounts.create("dave@cassmail.test", "hash");
        mail.stores.directory().addAlias("sales@cassmail.test", "dave@cassmail.test");
        mail.accounts.purge("dave@cassmail.test", new MessageRemover(mail.stores.mailboxes(), mail.stores.ledger(),
                mail.stores.messages()));
        assertThat(mail.stores.directory().aliasOwner("sales@cassmail.test")).isEmpty();
        assertThat(mail.stores.directory().userExists("dave@cassmail.test")).isFalse();
    }
}
