package io.cassmail.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.testing.MemoryMailSystem;
import org.junit.jupiter.api.Test;

class AccountsTest {

    @Test
    void aNewAccountHasAnInboxTheSpecialUseFoldersAndANormalizedAddress() {
        MemoryMailSystem mail = new MemoryMailSystem();
        assertThat(mail.accounts.create("Dave@CassMail.test", "hash")).isEqualTo("dave@cassmail.test");
        assertThat(mail.stores.directory().userExists("dave@cassmail.test")).isTrue();
        assertThat(mail.mailboxes.reader().folders("dave@cassmail.test")).extracting(io.cassmail.store.FolderRow::name)
                .containsExactlyInAnyOrder("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive");
    }

    @Test
    void purgingAnAccountRemovesItsAliasesSoTheyStopReceivingMail() {
        MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test");
        mail.accounts.create("dave@cassmail.test", "hash");
        mail.stores.directory().addAlias("sales@cassmail.test", "dave@cassmail.test");
        mail.accounts.purge("dave@cassmail.test");
        assertThat(mail.stores.directory().aliasOwner("sales@cassmail.test")).isEmpty();
        assertThat(mail.stores.directory().userExists("dave@cassmail.test")).isFalse();
        assertThat(mail.mailboxes.reader().folders("dave@cassmail.test")).isEmpty();
    }
}
