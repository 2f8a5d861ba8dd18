package io.cassmail.net;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accept loop of a thread-per-connection protocol listener (POP3, IMAP): at most N connections at once and M
 * per client address, each refused one answered with the protocol's line and closed; each admitted one served on
 * its own thread with a {@link ConnectionWatchdog.Watch} that the session arms for its reads and writes.
 */
public final class ConnectionListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConnectionListener.class);

    /** Serves one admitted connection on its own thread; the listener closes the socket afterwards. */
    public interface Handler {
        void serve(Socket socket, ConnectionWatchdog.Watch watch, String id) throws IOException;
    }

    /** The protocol's answers to a connection it will not serve (without line ending). */
    public interface Refusals {
        String tooMany();

        String tooManyFrom(InetAddress client);

        /** The usual pair: {@code prefix} + "Too many connections[ from ADDRESS], try again later". */
        static Refusals withPrefix(String prefix) {
            return new Refusals() {
                @Override
                public String tooMany() {
                    return prefix + "Too many connections, try again later";
                }

                @Override
                public String tooManyFrom(InetAddress client) {
                    return prefix + "Too many connections from " + client.getHostAddress() + ", try again later";
                }
            };
        }
    }

    /**
     * @param name        the protocol listener's name, for threads, logs and metrics ({@code pop3}, {@code imaps})
     * @param portSetting the setting that moves the port, named when the port is taken
     */
    public record Spec(String name, String bind, int port, String portSetting, int maxConnections, int maxPerAddress,
                       String idPrefix) {
    }

    private final Spec spec;
    private final Refusals refusals;
    private final Handler handler;
    private final Gauge sessions;
    private final Semaphore permits;
    private final PerAddressLimit perAddress;
    private final ConnectionWatchdog watchdog;
    private final AtomicLong ids = new AtomicLong();
    private final ExecutorService threads;
    private ServerSocket server;
    private Thread acceptor;

    /** Hears sessions begin (+1) and end (-1). */
    public interface Gauge {
        void add(int delta);
    }

    public ConnectionListener(Spec spec, Refusals refusals, Handler handler, Gauge sessions) {
        this.spec = spec;
        this.refusals = refusals;
        this.handler = handler;
        this.sessions = sessions;
        this.permits = new Semaphore(spec.maxConnections());
        this.perAddress = new PerAddressLimit(spec.maxPerAddress());
        this.watchdog = new ConnectionWatchdog(spec.name());
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, spec.name() + "-session");
            t.setDaemon(true);
            return t;
        });
    }

    /** Binds and starts accepting; a port already taken is reported in a sentence that names the setting. */
    public void start() {
        String where = spec.bind() + ":" + spec.port();
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getByName(spec.bind()), spec.port()), 100);
        } catch (BindException e) {
            throw new IllegalStateException(spec.name().toUpperCase() + " cannot listen on " + where
                    + ": the address is already in use; set " + spec.portSetting() + " or its bind setting", e);
        } catch (IOException e) {
            throw new IllegalStateException(spec.name().toUpperCase() + " cannot listen on " + where + ": "
                    + e.getMessage(), e);
        }
        acceptor = new Thread(this::acceptLoop, spec.name() + "-accept");
        acceptor.start();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                admit(server.accept());
            } catch (IOException e) {
                if (!server.isClosed()) {
                    log.warn("{} accept failed: {}", spec.name(), e.toString());
                }
            }
        }
    }

    private void admit(Socket socket) {
        if (!permits.tryAcquire()) {
            refuse(socket, refusals.tooMany());
            return;
        }
        InetAddress client = socket.getInetAddress();
        if (!perAddress.tryAcquire(client)) {
            permits.release();
            refuse(socket, refusals.tooManyFrom(client));
            return;
        }
        String id = spec.idPrefix() + ids.incrementAndGet();
        try {
            threads.execute(() -> serve(socket, client, id));
        } catch (RuntimeException e) { // shutting down
            perAddress.release(client);
            permits.release();
            closeQuietly(socket);
        }
    }

    private void serve(Socket socket, InetAddress client, String id) {
        sessions.add(1);
        try (ConnectionWatchdog.Watch watch = watchdog.watch(socket)) {
            handler.serve(socket, watch, id);
        } catch (IOException e) {
            log.debug("{} {}: {}", spec.name(), id, e.toString());
        } catch (RuntimeException e) {
            log.error("{} {}: session failed", spec.name(), id, e);
        } finally {
            closeQuietly(socket);
            sessions.add(-1);
            perAddress.release(client);
            permits.release();
        }
    }

    /** Answers and closes on the acceptor's thread, never waiting more than a second for a client that reads nothing. */
    private void refuse(Socket socket, String reply) {
        try (ConnectionWatchdog.Watch watch = watchdog.watch(socket); socket) {
            socket.setSoTimeout(1000);
            watch.arm(1000, "refusal");
            OutputStream out = socket.getOutputStream();
            out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException ignored) {
            // the client left already
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // gone already
        }
    }

    /** Whether the listener accepts connections. */
    public boolean running() {
        return server != null && !server.isClosed() && acceptor != null && acceptor.isAlive();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Stops accepting, ends every session (their sockets close under them) within a few seconds. */
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
            log.debug("closing {}: {}", spec.name(), e.toString());
        }
        watchdog.expireAll("the listener is closing");
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            watchdog.close();
        }
    }
}
