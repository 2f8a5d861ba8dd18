package io.cassmail.pop3;

import io.cassmail.auth.LoginPenalty;
import io.cassmail.auth.PasswordAuthenticator;
import io.cassmail.config.CassMailConfig;
import io.cassmail.mailbox.Mailboxes;
import io.cassmail.metrics.CassMailMetrics;
import io.cassmail.net.ConnectionListener;
import io.cassmail.net.ConnectionWatchdog;
import io.cassmail.net.MemoryBudget;
import io.cassmail.net.SessionLocks;
import io.cassmail.store.MessageStore;
import io.cassmail.tls.ServerTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A POP3 listener (RFC 1939): plain text with STLS (RFC 2595) when the server has a certificate, or TLS from the
 * first byte (POP3S, RFC 8314 §3.3); thread per connection, at most N at once and M per client address, every
 * write bounded by a timeout.
 */
public final class Pop3Listener implements AutoCloseable {
    private final Pop3Services services;
    private final Map<String, Pop3Command> commands = new HashMap<>();
    private final ServerTls implicitTls;
    private final ConnectionListener listener;

    /** The plain-text listener on {@code pop3.port}, without TLS. */
    public Pop3Listener(CassMailConfig.Pop3Config config, Mailboxes mailboxes, MessageStore messages,
                         PasswordAuthenticator authenticator, LoginPenalty penalty) {
        this(config, config.port(), false, null, mailboxes, messages, authenticator, penalty,
                InetAddress::isLoopbackAddress, CassMailMetrics.none());
    }

    /**
     * @param implicit whether the port is TLS from the first byte (POP3S); else plain text with STLS when {@code tls}
     *                 is not null
     */
    public Pop3Listener(CassMailConfig.Pop3Config config, int port, boolean implicit, ServerTls tls,
                        Mailboxes mailboxes, MessageStore messages, 
                        PasswordAuthenticator authenticator, LoginPenalty penalty, CassMailMetrics metrics) {
        this(config, port, implicit, tls, mailboxes, messages, authenticator, penalty,
                InetAddress::isLoopbackAddress, metrics, Guards.local(config));
    }

    /** @param guards the maildrop locks and snapshot budget, shared with the process's other POP3 listener */
    public Pop3Listener(CassMailConfig.Pop3Config config, int port, boolean implicit, ServerTls tls,
                        Mailboxes mailboxes, MessageStore messages, 
                        PasswordAuthenticator authenticator, LoginPenalty penalty, CassMailMetrics metrics,
                        Guards guards) {
        this(config, port, implicit, tls, mailboxes, messages, authenticator, penalty,
                InetAddress::isLoopbackAddress, metrics, guards);
    }

    /**
     * What keeps sessions from stepping on each other and the heap: one session per account at a time (RFC 1939
     * §8, across front ends with {@code RabbitSessionLocks}), and a budget for the login snapshots held in memory.
     */
    public record Guards(SessionLocks locks, MemoryBudget snapshots) {
        /** Locks in this process only, and a budget of {@code pop3.snapshot-memory}. */
        public static Guards local(CassMailConfig.Pop3Config config) {
            return new Guards(SessionLocks.local(), new MemoryBudget(config.snapshotMemory()));
        }
    }

    /** @param trustedNetwork addresses that may log in with USER/PASS before TLS (loopback; tests choose) */
    Pop3Listener(CassMailConfig.Pop3Config config, int port, boolean implicit, ServerTls tls, Mailboxes mailboxes,
                 MessageStore messages,  PasswordAuthenticator authenticator, LoginPenalty penalty,
                 Predicate<InetAddress> trustedNetwork, CassMailMetrics metrics) {
        this(config, port, implicit, tls, mailboxes, messages, authenticator, penalty, trustedNetwork, metrics,
                Guards.local(config));
    }

    Pop3Listener(CassMailConfig.Pop3Config config, int port, boolean implicit, ServerTls tls, Mailboxes mailboxes,
                 MessageStore messages,  PasswordAuthenticator authenticator, LoginPenalty penalty,
                 Predicate<InetAddress> trustedNetwork, CassMailMetrics metrics, Guards guards) {
        if (implicit && tls == null) {
            throw new IllegalArgumentException("POP3S needs TLS: set tls.cert and tls.key (PEM files), or pop3s.port=off");
        }
        this.implicitTls = implicit ? tls : null;
        this.services = new Pop3Services(mailboxes, messages,
                authenticator, penalty, config.idleTimeout(), config.authFailureDelay(), config.maxMessages(),
                config.maxAuthFailures(), implicit ? null : tls, config.allowPlaintext(), trustedNetwork, metrics,
                implicit ? "pop3s" : "pop3", guards, config.sessionTimeout(),
                config.writeTimeout());
        String name = implicit ? "pop3s" : "pop3";
        this.listener = new ConnectionListener(
                new ConnectionListener.Spec(name, config.bind(), port, implicit ? "pop3s.port" : "pop3.port",
                        config.maxConnections(), config.maxConnectionsPerIp(), implicit ? "ps" : "p"),
                ConnectionListener.Refusals.withPrefix("-ERR [SYS/TEMP] "),
                this::serve, delta -> metrics.pop3Sessions(name, delta));
        commands.put("USER", new AuthorizationCommands.User());
        commands.put("PASS", new AuthorizationCommands.Pass());
        commands.put("AUTH", new AuthorizationCommands.Auth());
        commands.put("QUIT", new AuthorizationCommands.Quit());
        commands.put("CAPA", new AuthorizationCommands.Capa());
        commands.put("STLS", new AuthorizationCommands.Stls());
        commands.put("STAT", new TransactionCommands.Stat());
        commands.put("LIST", new TransactionCommands.ListMessages());
        commands.put("UIDL", new TransactionCommands.Uidl());
        commands.put("RETR", new TransactionCommands.Retr());
        commands.put("TOP", new TransactionCommands.Top());
        commands.put("DELE", new TransactionCommands.Dele());
        commands.put("RSET", new TransactionCommands.Rset());
        commands.put("NOOP", new TransactionCommands.Noop());
    }

    public void start() {
        listener.start();
    }

    /** Serves one admitted connection: the TLS handshake first on a POP3S port, then the session. */
    private void serve(Socket socket, ConnectionWatchdog.Watch watch, String id) throws IOException {
        Socket transport = implicitTls != null ? implicitTls.wrap(socket) : socket;
        new Pop3Session(transport, watch, services, commands, id).run();
    }

    /** Whether the listener accepts connections. */
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
