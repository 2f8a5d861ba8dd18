package io.cassmail.pop3;

import io.cassmail.net.ConnectionWatchdog;
import io.cassmail.net.DeadlineInputStream;
import io.cassmail.net.ReadDeadline;
import io.cassmail.net.SessionLocks;
import io.cassmail.net.WriteTimeoutOutputStream;
import io.cassmail.store.StoreUnavailableException;
import io.cassmail.tls.ServerTls;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POP3 connection: owns the read loop and the state machine (RFC 1939 §3), maps failures to
 * {@code -ERR} replies with response codes (RFC 2449 §8), and never shows a client a stack trace.
 */
final class Pop3Session implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Pop3Session.class);
    /** RFC 2449 §4: a command line is at most 255 octets including the CRLF. */
    static final int MAX_LINE = 255;

    /** RFC 1939 §3 states. */
    enum State { AUTHORIZATION, TRANSACTION }

    private Socket socket;
    private final ConnectionWatchdog.Watch watch;
    private ReadDeadline deadline;
    private boolean secure;
    private final Pop3Services services;
    private final Map<String, Pop3Command> commands;
    private final String id;
    private InputStream in;
    private OutputStream out;
    private State state = State.AUTHORIZATION;
    private String pendingUser;
    private String address;
    private Maildrop maildrop;
    private boolean quitting;
    private int authFailures;
    private SessionLocks.Held lock;
    private long reserved;

    /** @param socket the connection; an {@link SSLSocket} on a POP3S port, whose handshake runs first */
    /** @param watch closes the connection when a read or write runs past its deadline, also inside TLS records */
    Pop3Session(Socket socket, ConnectionWatchdog.Watch watch, Pop3Services services, Map<String, Pop3Command> commands,
                String id) {
        this.socket = socket;
        this.watch = watch;
        this.services = services;
        this.commands = commands;
        this.id = id;
    }

    @Override
    public void run() {
        Socket first = socket;
        try (first) {
            deadline = new ReadDeadline(services.sessionTimeout().toNanos(), 1);
            deadline.readTimeout((int) services.idleTimeout().toMillis());
            if (socket instanceof SSLSocket ssl && !handshake(ssl)) {
                return;
            }
            openStreams();
            ok("CassMail POP3 server ready");
            out.flush();
            while (!quitting) {
                String line;
                try {
                    line = readLine();
                } catch (SocketTimeoutException e) {
                    if (!deadline.sessionExpired()) {
                        throw e; // idle, not the session's limit
                    }
                    log.info("pop3 {}: session time limit for {}; nothing deleted", id, address);
                    err("[SYS/TEMP] Session time limit of " + services.sessionTimeout().toMinutes()
                            + " minutes reached; nothing was deleted, log in again");
                    out.flush();
                    break;
                }
                if (line == null) {
                    break;
                }
                dispatch(line);
                if (in.available() == 0) {
                    out.flush();
                }
            }
            out.flush();
        } catch (SocketTimeoutException e) {
            log.info("pop3 {}: idle timeout for {}; nothing deleted", id, address == null ? "unauthenticated client" : address);
        } catch (IOException e) {
            log.debug("pop3 {}: connection ended: {}", id, e.toString());
        } finally {
            releaseMaildrop();
            if (socket != first) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }
        }
    }

    /** Reads bounded by the idle and session deadlines, writes by the write timeout, both watched under TLS. */
    private void openStreams() throws IOException {
        in = new BufferedInputStream(new DeadlineInputStream(socket.getInputStream(), socket, deadline, watch));
        out = new BufferedOutputStream(new WriteTimeoutOutputStream(socket.getOutputStream(), watch,
                services.writeTimeout()));
    }

    /**
     * Runs the TLS handshake within {@link ServerTls#HANDSHAKE_TIMEOUT} in all (the watchdog holds it to that however
     * the client dribbles its records); a failed one ends the connection at once.
     */
    private boolean handshake(SSLSocket ssl) {
        try {
            watch.handshake(ssl, ServerTls.HANDSHAKE_TIMEOUT);
            secure = true;
            return true;
        } catch (IOException e) {
            log.info("pop3 {}: TLS handshake with {} failed: {}", id, ssl.getInetAddress().getHostAddress(), e.getMessage());
            return false;
        }
    }

    /**
     * STLS (RFC 2595 §4): after the +OK the connection is TLS; input read before the handshake is discarded, so
     * nothing pipelined in plain text behind STLS is executed. Returns false when the handshake failed and the
     * session must end.
     */
    boolean startTls() throws IOException {
        out.flush();
        SSLSocket ssl = services.startTls().wrap(socket);
        if (!handshake(ssl)) {
            quit();
            return false;
        }
        socket = ssl;
        openStreams();
        pendingUser = null;
        return true;
    }

    /** Whether the connection is TLS. */
    boolean secure() {
        return secure;
    }

    /** Whether USER/PASS may run now (RFC 2595 §2.3: servers may refuse plaintext passwords without TLS). */
    boolean plaintextLoginAllowed() {
        return secure || services.allowPlaintext() || services.trustedNetwork().test(socket.getInetAddress());
    }

    private void dispatch(String line) throws IOException {
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String argument = space < 0 ? "" : line.substring(space + 1);
        Pop3Command command = commands.get(verb);
        if (command == null) {
            err("Unknown command " + printable(verb));
            return;
        }
        if (command.state() != null && command.state() != state) {
            err(verb + " is not allowed " + (state == State.AUTHORIZATION ? "before login" : "after login"));
            return;
        }
        try {
            command.execute(this, argument);
        } catch (StoreUnavailableException e) {
            log.warn("pop3 {}: {} failed: {}", id, verb, e.getMessage());
            err("[SYS/TEMP] Mail storage is temporarily unavailable, try again later");
        } catch (RuntimeException e) {
            log.error("pop3 {}: {} failed", id, verb, e);
            err("[SYS/TEMP] Internal error, try again later");
        }
    }

    /** Sends what was written and reads the client's next line (a SASL response); null when it closed. */
    String exchangeLine() throws IOException {
        out.flush();
        return readLine();
    }

    /** Reads one CRLF (or LF) terminated line; an over-long line is answered and skipped. */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        boolean tooLong = false;
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                if (tooLong) {
                    err("Command line too long (at most " + (MAX_LINE - 2) + " octets)");
                    out.flush();
                    line.reset();
                    tooLong = false;
                    continue;
                }
                byte[] b = line.toByteArray();
                int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                return new String(b, 0, len, StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_LINE) {
                tooLong = true;
            } else {
                line.write(c);
            }
        }
        return null;
    }

    private static String printable(String s) {
        String t = s.replaceAll("[^\\x21-\\x7e]", "?");
        return t.length() > 40 ? t.substring(0, 40) : t;
    }

    void ok(String text) throws IOException {
        write("+OK " + text);
    }

    void err(String text) throws IOException {
        write("-ERR " + text);
    }

    void write(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    OutputStream rawOutput() {
        return out;
    }

    Pop3Services services() {
        return services;
    }

    String id() {
        return id;
    }

    String pendingUser() {
        return pendingUser;
    }

    void pendingUser(String user) {
        this.pendingUser = user;
    }

    /** TRANSACTION state, holding the account's lock and {@code reserved} bytes of the snapshot budget until the end. */
    void loggedIn(String address, Maildrop maildrop, SessionLocks.Held lock, long reserved) {
        this.address = address;
        this.maildrop = maildrop;
        this.lock = lock;
        this.reserved = reserved;
        this.state = State.TRANSACTION;
    }

    /** Gives back the account's lock and the snapshot's budget (at QUIT before its reply, or at the end). */
    void releaseMaildrop() {
        if (lock != null) {
            lock.close();
            lock = null;
        }
        services.guards().snapshots().release(reserved);
        reserved = 0;
    }

    java.net.InetAddress clientAddress() {
        return socket.getInetAddress();
    }

    /** Counts a failed login of this connection and returns how many there were. */
    int authFailed() {
        return ++authFailures;
    }

    String address() {
        return address;
    }

    Maildrop maildrop() {
        return maildrop;
    }

    State state() {
        return state;
    }

    void quit() {
        quitting = true;
    }
}
