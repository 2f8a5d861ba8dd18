package io.cassmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.mail.Envelope;
import io.cassmail.mail.MessageIds;
import io.cassmail.mailbox.Quotas;
import io.cassmail.mailbox.BodyLifetime;
import io.cassmail.mailbox.MailboxReader;
import io.cassmail.mailbox.MailboxWriter;
import io.cassmail.mailbox.NewMessage;
import io.cassmail.store.MessageStore;
import io.cassmail.store.memory.MemoryDeliveryLedger;
import io.cassmail.store.memory.MemoryMessageStore;
import io.cassmail.store.memory.MemoryDirectory;
import io.cassmail.store.memory.MemoryFolderStore;
import org.junit.jupiter.api.Test;

/** Which RCPT an MX accepts, and into whose INBOX it goes (RFC 5321 §4.5.1 for postmaster). */
class RecipientPolicyTest {
    private final MemoryDirectory directory = new MemoryDirectory();
    private final MemoryFolderStore folders = new MemoryFolderStore();
    private final MailboxWriter mailboxes = new MailboxWriter(folders, new BodyLifetime(folders,
            new MemoryDeliveryLedger(java.time.Clock.systemUTC()), new MemoryMessageStore(MessageStore.CHUNK_SIZE)),
            MailboxWriter.Settings.of("test"));
    private final Quotas quotas = new Quotas(directory, new MailboxReader(folders), 3, 1000);
    private final RecipientPolicy policy = new RecipientPolicy(directory, quotas, "", "MX.cassmail.test");

    RecipientPolicyTest() {
        directory.addDomain("cassmail.test");
        directory.addUser("bob@cassmail.test", null);
    }

    @Test
    void aLocalUserIsAcceptedWhateverTheCase() {
        RecipientPolicy.Decision d = policy.decide("Bob@CassMail.test");
        assertThat(d.reply()).startsWith("250 2.1.5");
        assertThat(d.recipient()).isEqualTo(new Envelope.Recipient("bob@cassmail.test", "bob@cassmail.test"));
    }

    @Test
    void anUnknownLocalUserIsRefusedWith511() {
        RecipientPolicy.Decision d = policy.decide("nobody@cassmail.test");
        assertThat(d.reply()).startsWith("550 5.1.1 <nobody@cassmail.test>");
        assertThat(d.recipient()).isNull();
    }

    @Test
    void anotherDomainIsRelayingAndRefusedWith571() {
        RecipientPolicy.Decision d = policy.decide("bob@elsewhere.test");
        assertThat(d.reply()).startsWith("550 5.7.1").contains("Relay access denied");
        assertThat(d.recipient()).isNull();
    }

    @Test
    void postmasterOfALocalDomainIsAcceptedWithoutAnAccount() {
        assertThat(policy.decide("PostMaster@cassmail.test").recipient())
                .isEqualTo(new Envelope.Recipient("postmaster@cassmail.test", "postmaster@cassmail.test"));
    }

    @Test
    void barePostmasterGoesToThePostmasterOfTheHostName() {
        assertThat(policy.decide("postmaster").recipient())
                .isEqualTo(new Envelope.Recipient("postmaster", "postmaster@mx.cassmail.test"));
    }

    @Test
    void aConfiguredPostmasterReceivesEveryPostmastersMail() {
        RecipientPolicy routed = new RecipientPolicy(directory, quotas, "bob@cassmail.test", "mx.cassmail.test");
        assertThat(routed.decide("postmaster@cassmail.test").recipient().mailbox()).isEqualTo("bob@cassmail.test");
        assertThat(routed.decide("postmaster").recipient().mailbox()).isEqualTo("bob@cassmail.test");
    }

    @Test
    void aMailboxAtItsMessageQuotaIsFull() {
        for (int i = 0; i < 3; i++) {
            mailboxes.deliver("bob@cassmail.test", new NewMessage(MessageIds.next(), 10, java.time.Instant.now(), null, null));
        }
        RecipientPolicy.Decision d = policy.decide("bob@cassmail.test");
        assertThat(d.reply()).startsWith("552 5.2.2 <bob@cassmail.test>: Mailbox full");
        assertThat(d.recipient()).isNull();
    }

    @Test
    void aUsersOwnLimitOverridesTheDefault() {
        directory.setQuota("bob@cassmail.test", 100L, 5L);
        mailboxes.deliver("bob@cassmail.test", new NewMessage(MessageIds.next(), 10, java.time.Instant.now(), null, null));
        assertThat(policy.decide("bob@cassmail.test").reply()).startsWith("552 5.2.2");
        directory.setQuota("bob@cassmail.test", 100L, null);
        assertThat(policy.decide("bob@cassmail.test").reply()).startsWith("250");
    }

    @Test
    void postmastersMailboxHasAQuotaToo() {
        for (int i = 0; i < 3; i++) {
            mailboxes.deliver("postmaster@cassmail.test", new NewMessage(MessageIds.next(), 1, java.time.Instant.now(), null, null));
        }
        assertThat(policy.decide("postmaster@cassmail.test").reply()).startsWith("552 5.2.2");
    }
}
