package io.cassmail.imap;

import io.cassmail.auth.LoginPenalty;
import io.cassmail.auth.PasswordAuthenticator;
import io.cassmail.config.CassMailConfig;
import io.cassmail.mailbox.MailboxEvents;
import io.cassmail.mailbox.Mailboxes;
import io.cassmail.mailbox.Quotas;
import io.cassmail.metrics.CassMailMetrics;
import io.cassmail.net.ConnectionListener;
import io.cassmail.net.ConnectionWatchdog;
import io.cassmail.store.MessageStore;
import io.cassmail.tls.ServerTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * An IMAP listener (RFC 9051): plain text with STARTTLS when the server has a certificate, or TLS from the first
 * byte (IMAPS, RFC 8314 §3.3); a thread per connection on the shared listener plumbing.
 */
public final class ImapListener implements AutoCloseable {
    /** What every IMAP listener of a process shares: the per-account session count and the IDLE notifier threads. */
    public static final class Shared implements AutoCloseable {
        final AccountSessions accounts;
        final ExecutorService notifier = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "imap-notify");
            t.setDaemon(true);
            return t;
        });
        final ExecutorService readers = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "imap-read");
            t.setDaemon(true);
            return t;
        });
        final StructureCache structures;
        final io.cassmail.net.MemoryBudget selections;

        public Shared(CassMailConfig.ImapConfig config) {
            this.accounts = new AccountSessions(config.maxPerAccount());
            this.structures = new StructureCache(config.structureCache());
            this.selections = new io.cassmail.net.MemoryBudget(config.selectMemory());
        }

        @Override
        public void close() {
            notifier.shutdownNow();
            readers.shutdownNow();
        }
    }

    /** The facilities a listener needs beyond its configuration. */
    public record Parts(Mailboxes mailboxes, MessageStore messages, io.cassmail.store.AcceptedWrites writes, Quotas quotas,
                        PasswordAuthenticator authenticator, LoginPenalty penalty, MailboxEvents events,
                        CassMailMetrics metrics) {
    }

    private final ImapServices services;
    private final Map<String, ImapCommand> commands = new HashMap<>();
    private final ServerTls implicitTls;
    private final ConnectionListener listener;
    private final Shared shared;

    public ImapListener(CassMailConfig.ImapConfig config, int port, boolean implicit, ServerTls tls, Parts parts,
                        Shared shared) {
        this(config, port, implicit, tls, parts, shared, InetAddress::isLoopbackAddress);
    }

    /** @param trustedNetwork addresses that may log in before TLS (loopback; tests choose) */
    ImapListener(CassMailConfig.ImapConfig config, int port, boolean implicit, ServerTls tls, Parts parts, Shared shared,
                 Predicate<InetAddress> trustedNetwork) {
        if (implicit && tls == null) {
            throw new IllegalArgumentException("IMAPS needs TLS: set tls.cert and tls.key (PEM files), or imaps.port=off");
        }
        String name = implicit ? "imaps" : "imap";
        this.implicitTls = implicit ? tls : null;
        this.shared = shared;
        this.services = new ImapServices(config, parts.mailboxes(), parts.messages(), parts.writes(), parts.quotas(),
                parts.authenticator(), parts.penalty(), implicit ? null : tls, trustedNetwork, parts.events(),
                parts.metrics(), name, shared.accounts, shared.selections);
        this.listener = new ConnectionListener(
                new ConnectionListener.Spec(name, config.bind(), port, implicit ? "imaps.port" : "imap.port",
                        config.maxConnections(), config.maxConnectionsPerIp(), implicit ? "is" : "i"),
                ConnectionListener.Refusals.withPrefix("* BYE [UNAVAILABLE] "),
                this::serve, delta -> parts.metrics().imapSessions(name, delta));
        commands.put("CAPABILITY", new SessionCommands.Capability());
        commands.put("NOOP", new SessionCommands.Noop());
        commands.put("CHECK", new SessionCommands.Noop());
        commands.put("LOGOUT", new SessionCommands.Logout());
        commands.put("ID", new SessionCommands.Id());
        commands.put("ENABLE", new SessionCommands.Enable());
        commands.put("STARTTLS", new SessionCommands.StartTls());
        commands.put("LOGIN", new SessionCommands.Login());
        commands.put("AUTHENTICATE", new SessionCommands.Authenticate());
        commands.put("NAMESPACE", new SessionCommands.Namespace());
        commands.put("COMPRESS", new SessionCommands.Compress());
        commands.put("IDLE", new IdleMarker());
        commands.put("SELECT", new FolderCommands.Select(false));
        commands.put("EXAMINE", new FolderCommands.Select(true));
        commands.put("CREATE", new FolderCommands.Create());
        commands.put("DELETE", new FolderCommands.Delete());
        commands.put("RENAME", new FolderCommands.Rename());
        commands.put("SUBSCRIBE", new FolderCommands.Subscribe(true));
        commands.put("UNSUBSCRIBE", new FolderCommands.Subscribe(false));
        commands.put("LIST", new FolderCommands.ListFolders(false));
        commands.put("LSUB", new FolderCommands.ListFolders(true));
        commands.put("STATUS", new FolderCommands.Status());
        commands.put("APPEND", new FolderCommands.Append());
        commands.put("GETQUOTAROOT", new FolderCommands.Quota(true));
        commands.put("GETQUOTA", new FolderCommands.Quota(false));
        commands.put("FETCH", new FetchCommand(false));
        commands.put("UID FETCH", new FetchCommand(true));
        commands.put("SEARCH", new SearchCommand(false));
        commands.put("UID SEARCH", new SearchCommand(true));
        commands.put("STORE", new MessageCommands.Store(false));
        commands.put("UID STORE", new MessageCommands.Store(true));
        commands.put("COPY", new MessageCommands.Transfer(false, false));
        commands.put("UID COPY", new MessageCommands.Transfer(true, false));
        commands.put("MOVE", new MessageCommands.Transfer(false, true));
        commands.put("UID MOVE", new MessageCommands.Transfer(true, true));
        commands.put("EXPUNGE", new MessageCommands.Expunge(MessageCommands.Expunge.Mode.EXPUNGE));
        commands.put("UID EXPUNGE", new MessageCommands.Expunge(MessageCommands.Expunge.Mode.UID_EXPUNGE));
        commands.put("CLOSE", new MessageCommands.Expunge(MessageCommands.Expunge.Mode.CLOSE));
        commands.put("UNSELECT", new MessageCommands.Unselect());
    }

    /** IDLE runs in the session itself (it waits outside the session's lock); this entry gives its states. */
    private static final class IdleMarker implements ImapCommand {
        @Override
        public java.util.Set<ImapSession.State> states() {
            return SessionCommands.AUTHENTICATED;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) {
            throw new IllegalStateException("IDLE is run by the session");
        }
    }

    public void start() {
        listener.start();
    }

    private void serve(Socket socket, ConnectionWatchdog.Watch watch, String id) throws IOException {
        Socket transport = implicitTls != null ? implicitTls.wrap(socket) : socket;
        new ImapSession(transport, watch, services, commands, shared.notifier,
                new MessageContent(services.messages(), shared.structures, shared.readers), id).run();
    }

    public boolean running() {
        return listener.running();
    }

    public int port() {
        return listener.port();
    }

    @Override
    public void close() {
        listener.close();
    }
}
