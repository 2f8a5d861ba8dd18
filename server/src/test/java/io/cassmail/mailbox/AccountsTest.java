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
}
