package io.cassmail.relay;

import io.cassmail.mail.DotStuffingOutputStream;
import io.cassmail.net.ConnectionWatchdog;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One SMTP client connection to a remote server (RFC 5321), small on purpose: wall-clock deadlines per command as
 * §4.5.3.2 suggests and per transaction (enforced by the {@link ConnectionWatchdog}, which closes the socket), STARTTLS
 * (RFC 3207), the EHLO keywords, and DATA that streams the stored bytes dot-stuffed, never re-serialised. A failure
 * after the final dot was sent is an {@link UncertainException}: the server may have taken the message.
 */
final class SmtpClient implements Closeable {
    private Socket socket;
    private ReplyReader reader;
    private OutputStream out;
    private final Duration commandTimeout;
    private final ConnectionWatchdog.Watch watch;
    private final Map<String, String> extensions = new HashMap<>();
    private boolean esmtp;

    private SmtpClient(Socket socket, Duration commandTimeout, ConnectionWatchdog watchdog) throws IOException {
        this.commandTimeout = commandTimeout;
        this.watch = watchdog.watch(socket);
        attach(socket);
    }

    static SmtpClient connect(InetSocketAddress address, Duration connectTimeout, Duration commandTimeout,
                              ConnectionWatchdog watchdog) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address, (int) connectTimeout.toMillis());
            s.setTcpNoDelay(true);
            return new SmtpClient(s, commandTimeout, watchdog);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** A connection that is TLS from the first byte (a smarthost on port 465, RFC 8314). */
    static SmtpClient connectTls(InetSocketAddress address, Duration connectTimeout, Duration commandTimeout,
                                 ConnectionWatchdog watchdog, SSLContext context, String host, boolean verify) throws IOException {
        SmtpClient c = connect(address, connectTimeout, commandTimeout, watchdog);
        try {
            c.startTls(context, host, verify);
            return c;
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    private void attach(Socket s) throws IOException {
        this.socket = s;
        watch.socket(s);
        s.setSoTimeout((int) commandTimeout.toMillis());
        this.reader = new ReplyReader(new BufferedInputStream(s.getInputStream(), 8192));
        this.out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
    }

    /** The transaction starting now must end within {@code limit}; null lifts the limit (an idle cached connection). */
    void transactionDeadline(Duration limit) {
        watch.transaction(limit);
    }

    /** The server's next reply, all its lines, within the command timeout (wall clock, not per byte). */
    SmtpReply read() throws IOException {
        return watch.during(commandTimeout.toMillis(), "a reply", reader::read);
    }

    /** Sends one command line and reads its reply. */
    SmtpReply command(String line) throws IOException {
        send(line);
        flush();
        return read();
    }

    /** Writes a command without waiting (PIPELINING, RFC 2920); {@link #flush()} sends the group. */
    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    void flush() throws IOException {
        watch.during(commandTimeout.toMillis(), "sending a command", () -> {
            out.flush();
            return null;
        });
    }

    /** EHLO, remembering the keywords the server offers (e.g. SIZE 10240000, STARTTLS, PIPELINING). */
    SmtpReply ehlo(String name) throws IOException {
        SmtpReply r = command("EHLO " + name);
        extensions.clear();
        if (r.positive()) {
            for (int i = 1; i < r.lines().size(); i++) {
                String[] kv = r.lines().get(i).strip().split("\\s+", 2);
                extensions.put(kv[0].toUpperCase(Locale.ROOT), kv.length > 1 ? kv[1] : "");
            }
        }
        return r;
    }

    /** Whether the server took EHLO (remembered for a cached connection's next transaction). */
    boolean esmtp() {
        return esmtp;
    }

    void esmtp(boolean esmtp) {
        this.esmtp = esmtp;
    }

    boolean offers(String keyword) {
        return extensions.containsKey(keyword);
    }

    /** The SIZE the server announced, or 0 for none or no limit (RFC 1870). */
    long sizeLimit() {
        try {
            return Long.parseLong(extensions.getOrDefault("SIZE", "0").strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Layers TLS on the connection (after a 220 to STARTTLS); {@code verify} checks the name against the certificate. */
    void startTls(SSLContext context, String host, boolean verify) throws IOException {
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, host, socket.getPort(), true);
        ssl.setUseClientMode(true);
        SSLParameters p = ssl.getSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        if (verify) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        ssl.setSSLParameters(p);
        ssl.setSoTimeout((int) commandTimeout.toMillis());
        watch.during(commandTimeout.toMillis(), "the TLS handshake", () -> {
            ssl.startHandshake();
            return null;
        });
        attach(ssl);
        extensions.clear();
    }

    boolean tls() {
        return socket instanceof SSLSocket;
    }

    /**
     * Streams the message after a 354, dot-stuffed, each block written within {@code blockTimeout} (RFC 5321
     * §4.5.3.2.5: 3 minutes), ends it, and reads the final reply within {@code finalTimeout} (§4.5.3.2.6). Any failure
     * once the final dot is sent throws {@link UncertainException}.
     */
    SmtpReply data(InputStream message, Duration blockTimeout, Duration finalTimeout) throws IOException {
        DotStuffingOutputStream stuffed = new DotStuffingOutputStream(out);
        byte[] block = new byte[64 * 1024];
        try {
            int n;
            while ((n = message.read(block)) > 0) {
                watch.arm(blockTimeout, "DATA");
                stuffed.write(block, 0, n);
                watch.disarm();
            }
            watch.arm(blockTimeout, "DATA");
            stuffed.terminate();
            out.flush();
        } catch (IOException e) {
            throw watch.explain(e);
        } finally {
            watch.disarm();
        }
        socket.setSoTimeout((int) finalTimeout.toMillis());
        watch.arm(finalTimeout, "the reply to the end of DATA");
        try {
            return reader.read();
        } catch (IOException e) {
            throw new UncertainException(watch.explain(e).getMessage());
        } finally {
            watch.disarm();
            try {
                socket.setSoTimeout((int) commandTimeout.toMillis());
            } catch (IOException ignored) {
                // the socket is gone; the next command says so
            }
        }
    }

    @Override
    public void close() {
        watch.close();
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /**
     * The connection failed after the final dot went out: the server may have taken the message (RFC 5321 §6.1 and
     * RFC 1047's duplicate problem), so it is neither sent elsewhere at once nor bounced.
     */
    static final class UncertainException extends IOException {
        UncertainException(String message) {
            super(message);
        }
    }
}
