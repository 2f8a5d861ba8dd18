package io.cassmail.testing;

import io.cassmail.delivery.BounceSender;
import io.cassmail.delivery.DeliveryProcessor;
import io.cassmail.delivery.DeliveryTransport;
import io.cassmail.delivery.DeliveryWorker;
import io.cassmail.delivery.LocalMailboxTransport;
import io.cassmail.ingest.IntakeMemory;
import io.cassmail.ingest.MessageIntake;
import io.cassmail.mail.Envelope;
import io.cassmail.mailbox.Accounts;
import io.cassmail.mailbox.MailboxWriter;
import io.cassmail.mailbox.Mailboxes;
import io.cassmail.mailbox.Quotas;
import io.cassmail.queue.MemoryJobQueue;
import io.cassmail.store.memory.MemoryStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * CassMail's pipeline on the memory twins: intake, queue, delivery and bounces wired as the server wires
 * them, with a hand-moved clock. For unit tests that need no Cassandra and no broker.
 */
public final class MemoryMailSystem {
    public static final String HOSTNAME = "mx.cassmail.test";
    public static final Duration GIVE_UP_AFTER = Duration.ofDays(5);

    public final MutableClock clock = new MutableClock(Instant.now());
    public final MemoryStores stores = MemoryStores.create(clock);
    public final MemoryJobQueue queue = new MemoryJobQueue(List.of(Duration.ofMinutes(1), Duration.ofMinutes(5)));
    /** The relay lane's jobs (messages with remote recipients). */
    public final MemoryJobQueue relay = new MemoryJobQueue(List.of(Duration.ofMinutes(1), Duration.ofMinutes(5)));
    public final MessageIntake intake = new MessageIntake(stores.stores(), queue, relay, IntakeMemory.unlimited());
    public final Mailboxes mailboxes = Mailboxes.on(stores.stores(), MailboxWriter.Settings.of("memory"));
    public final Accounts accounts = new Accounts(stores.directory(), mailboxes);
    public final Quotas quotas = new Quotas(stores.directory(), mailboxes.reader(), 1_000_000, 10L << 30);
    public final BounceSender bounces = new BounceSender(intake, stores.messages(), stores.directory(), HOSTNAME);

    public MemoryMailSystem withDomain(String domain) {
        stores.directory().addDomain(domain);
        return this;
    }

    public MemoryMailSystem withUser(String address) {
        accounts.create(address, null);
        return this;
    }

    /** A processor delivering to local mailboxes, or through the given transport. */
    public DeliveryProcessor processor() {
        return processor(localTransport());
    }

    public LocalMailboxTransport localTransport() {
        return new LocalMailboxTransport(mailboxes.writer(), stores.directory());
    }

    public DeliveryProcessor processor(DeliveryTransport transport) {
        return new DeliveryProcessor(stores.stores(), transport, bounces, GIVE_UP_AFTER, clock);
    }

    public DeliveryWorker worker() {
        return new DeliveryWorker(processor(), queue);
    }

    /** Accepts a message as SMTP would (each recipient lands in its own INBOX) and returns its id. */
    public UUID submit(String from, String data, String... to) throws IOException {
        Envelope envelope = new Envelope(from, Arrays.stream(to).map(a -> new Envelope.Recipient(a, a)).toList(),
                null, "client.test");
        return intake.submit(envelope, data.getBytes(StandardCharsets.UTF_8));
    }

    public List<UUID> inbox(String address) {
        return Mail.inbox(mailboxes.reader(), address);
    }
}
