package io.cassmail.imap;

import io.cassmail.auth.LoginPenalty;
import io.cassmail.auth.PasswordAuthenticator;
import io.cassmail.config.CassMailConfig;
import io.cassmail.config.ConfigLoader;
import io.cassmail.mailbox.MailboxEvents;
import io.cassmail.metrics.CassMailMetrics;
import io.cassmail.testing.MemoryMailSystem;
import io.cassmail.tls.ServerTls;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** An IMAP listener on a loopback port over a memory mail system, for tests; closes with its shared parts. */
final class ImapTestServer implements AutoCloseable {
    final ImapListener listener;
    private final ImapListener.Shared shared;

    private ImapTestServer(ImapListener listener, ImapListener.Shared shared) {
        this.listener = listener;
        this.shared = shared;
    }

    /** The configuration with cheap password hashes, short failure delays, and {@code settings} on top. */
    static CassMailConfig config(String... settings) {
        List<String> all = new ArrayList<>(List.of("imap.auth-failure-delay=10ms", "password.argon2-memory=64K",
                "password.argon2-iterations=1"));
        all.addAll(List.of(settings));
        return ConfigLoader.load(null, Map.of(), all);
    }

    static ImapTestServer start(MemoryMailSystem mail, MailboxEvents events, String... settings) {
        CassMailConfig c = config(settings);
        return start(mail, events, c, c.imap(), false, null, InetAddress::isLoopbackAddress);
    }

    static ImapTestServer start(MemoryMailSystem mail, MailboxEvents events, CassMailConfig c,
                                CassMailConfig.ImapConfig imap, boolean implicit, ServerTls tls,
                                Predicate<InetAddress> trusted) {
        ImapListener.Shared shared = new ImapListener.Shared(imap);
        ImapListener l = new ImapListener(imap, 0, implicit, tls, new ImapListener.Parts(mail.mailboxes,
                mail.stores.messages(), mail.stores.stores().writes(), mail.quotas, new PasswordAuthenticator(mail.stores.directory(),
                c.password().hasher()), new LoginPenalty(50, Duration.ofMinutes(5), mail.clock), events,
                CassMailMetrics.none()), shared, trusted);
        l.start();
        return new ImapTestServer(l, shared);
    }

    int port() {
        return listener.port();
    }

    @Override
    public void close() {
        listener.close();
        shared.close();
    }
}
