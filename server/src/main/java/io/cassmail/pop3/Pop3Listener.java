package io.cassmail.pop3;

import io.cassmail.auth.LoginPenalty;
import io.cassmail.auth.PasswordAuthenticator;
import io.cassmail.config.CassMailConfig;
import io.cassmail.mailbox.Mailboxes;
import io.cassmail.metrics.CassMailMetrics;
import io.cassmail.net.MemoryBudget;
import io.cassmail.net.PerAddressLimit;
import io.cassmail.net.SessionLocks;
import io.cassmail.store.MessageStore;
import io.cassmail.tls.ServerTls;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A POP3 listener (RFC 1939): plain text with STLS (RFC 2595) when the server has a certificate, or TLS from the
 * first byte (POP3S, RFC 8314 §3.3); thread per connection, at most N at once and M per client address, every
 * write bounded by a timeout.
 */
public final class Pop3Listener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pop3Listener.class);

    private final CassMailConfig.Pop3Config config;
    private final Pop3Services services;
    private final Map<String, Pop3Command> commands = new HashMap<>();
    private final Semaphore permits;
    private final ExecutorService sessions = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pop3-session");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong ids = new AtomicLong();
    private final PerAddressLimit perIp;
    private final ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "pop3-write-watchdog");
        t.setDaemon(true);
        return t;
    });
    private final int port;
    private final ServerTls implicitTls;
    private ServerSocket server;
    private Thread acceptor;

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
        this.config = config;
        this.port = port;
        this.implicitTls = implicit ? tls : null;
        this.services = new Pop3Services(mailboxes, messages,
                authenticator, penalty, config.idleTimeout(), config.authFailureDelay(), config.maxMessages(),
                config.maxAuthFailures(), implicit ? null : tls, config.allowPlaintext(), trustedNetwork, metrics,
                implicit ? "pop3s" : "pop3", guards, config.sessionTimeout());
        this.permits = new Semaphore(config.maxConnections());
        this.perIp = new PerAddressLimit(config.maxConnectionsPerIp());
        watchdog.setRemoveOnCancelPolicy(true);
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
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getByName(config.bind()), port), 100);
        } catch (BindException e) {
            throw new IllegalStateException("POP3 cannot listen on " + config.bind() + ":" + port
                    + ": the address is already in use; set " + (implicitTls != null ? "pop3s.port" : "pop3.port")
                    + " or pop3.bind", e);
        } catch (IOException e) {
            throw new IllegalStateException("POP3 cannot listen on " + config.bind() + ":" + port + ": "
                    + e.getMessage(), e);
        }
        acceptor = new Thread(this::acceptLoop, "pop3-accept");
        acceptor.start();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                if (!permits.tryAcquire()) {
                    refuse(socket, "-ERR [SYS/TEMP] Too many connections, try again later");
                    continue;
                }
                InetAddress ip = socket.getInetAddress();
                if (!perIp.tryAcquire(ip)) {
                    permits.release();
                    refuse(socket, "-ERR [SYS/TEMP] Too many connections from " + ip.getHostAddress()
                            + ", try again later");
                    continue;
                }
                String id = (implicitTls != null ? "ps" : "p") + ids.incrementAndGet();
                sessions.execute(() -> {
                    services.metrics().pop3Sessions(services.listener(), 1);
                    try {
                        Socket transport = implicitTls != null ? implicitTls.wrap(socket) : socket;
                        new Pop3Session(transport, this::timedOutput, services, commands, id).run();
                    } catch (IOException e) {
                        log.debug("pop3 {}: {}", id, e.toString());
                        try {
                            socket.close();
                        } catch (IOException ignored) {
                            // already gone
                        }
                    } finally {
                        services.metrics().pop3Sessions(services.listener(), -1);
                        perIp.release(ip);
                        permits.release();
                    }
                });
            } catch (IOException e) {
                if (!server.isClosed()) {
                    log.warn("pop3 accept failed: {}", e.toString());
                }
            }
        }
    }

    /** A connection's output whose every write is bounded by {@code pop3.write-timeout}. */
    private OutputStream timedOutput(Socket socket) throws IOException {
        return new WriteTimeoutOutputStream(socket.getOutputStream(), socket, config.writeTimeout(), watchdog);
    }

    private static void refuse(Socket socket, String reply) {
        try (socket; OutputStream out = socket.getOutputStream()) {
            socket.setSoTimeout(1000);
            out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
            // the client left already
        }
    }

    /** Whether the listener accepts connections. */
    public boolean running() {
        return server != null && !server.isClosed() && acceptor != null && acceptor.isAlive();
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.close();
            }
            if (acceptor != null) {
                acceptor.join(Duration.ofSeconds(5).toMillis());
            }
        } catch (IOException | InterruptedException e) {
            log.debug("closing pop3: {}", e.toString());
        }
        sessions.shutdownNow();
        watchdog.shutdownNow();
        try {
            sessions.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
