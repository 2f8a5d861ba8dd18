package io.cassmail.smtp;

import io.cassmail.net.ConnectionWatchdog;
import io.cassmail.net.DeadlineInputStream;
import io.cassmail.net.ReadDeadline;
import io.cassmail.net.WriteTimeoutOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A connection as SubEthaSMTP's session sees it: the transport socket (plain, or TLS once we have it)
 * whose plaintext replies get an RFC 3463 code from {@link Replies} when SubEthaSMTP wrote one without
 * (unknown command, over-long line, timeout), and whose reads obey the connection's {@link ReadDeadline}.
 * CassMail's own commands build their codes into the reply;
 * this covers only the session loop we do not own. It sits above TLS: a STARTTLS upgrade layers TLS on
 * {@link #transport()} and wraps the TLS socket in a new instance, so no TLS record passes through here.
 */
final class ReplyCodingSocket extends Socket {
    private static final Pattern CRLF = Pattern.compile("\r\n");

    private final Socket transport;
    private final ReadDeadline deadline;
    private final ConnectionWatchdog.Watch watch;
    private final Duration writeTimeout;
    private final ReplyListener replies;
    private InputStream input;
    private OutputStream coded;

    /** Hears the last line of every reply sent (for the reply metrics). */
    interface ReplyListener {
        void replied(String lastLine);
    }

    /**
     * @param watch        the connection's watch, on the raw socket underneath any TLS
     * @param writeTimeout how long one reply (or an implicit-TLS handshake at the greeting) may take to send
     */
    ReplyCodingSocket(Socket transport, ReadDeadline deadline, ConnectionWatchdog.Watch watch, Duration writeTimeout,
                      ReplyListener replies) {
        this.transport = transport;
        this.writeTimeout = writeTimeout;
        this.deadline = deadline;
        this.watch = watch;
        this.replies = replies;
    }

    /** Who hears this connection's replies (carried over to the socket that replaces this one at STARTTLS). */
    ReplyListener replies() {
        return replies;
    }

    /** The time limits every read of this connection obeys. */
    ReadDeadline deadline() {
        return deadline;
    }

    /** How long one reply may take to send (kept across STARTTLS). */
    Duration writeTimeout() {
        return writeTimeout;
    }

    /** The connection's watchdog watch (kept across STARTTLS). */
    ConnectionWatchdog.Watch watch() {
        return watch;
    }

    /** The socket underneath, for layering TLS on the raw connection. */
    Socket transport() {
        return transport;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (input == null) {
            input = new DeadlineInputStream(transport.getInputStream(), transport, deadline, watch);
        }
        return input;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
        if (coded == null) {
            coded = new ReplyCoder(new WriteTimeoutOutputStream(transport.getOutputStream(), watch, writeTimeout), replies);
        }
        return coded;
    }

    @Override
    public InetAddress getInetAddress() {
        return transport.getInetAddress();
    }

    @Override
    public int getPort() {
        return transport.getPort();
    }

    @Override
    public InetAddress getLocalAddress() {
        return transport.getLocalAddress();
    }

    @Override
    public int getLocalPort() {
        return transport.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return transport.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return transport.getLocalSocketAddress();
    }

    /** SubEthaSMTP's per-read timeout; {@link DeadlineInputStream} applies it together with the deadlines. */
    @Override
    public void setSoTimeout(int timeout) {
        deadline.readTimeout(timeout);
    }

    @Override
    public int getSoTimeout() {
        return deadline.readTimeout();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        transport.setTcpNoDelay(on);
    }

    @Override
    public boolean isConnected() {
        return transport.isConnected();
    }

    @Override
    public boolean isBound() {
        return transport.isBound();
    }

    @Override
    public boolean isClosed() {
        return transport.isClosed();
    }

    @Override
    public boolean isInputShutdown() {
        return transport.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return transport.isOutputShutdown();
    }

    @Override
    public void shutdownInput() throws IOException {
        transport.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        transport.shutdownOutput();
    }

    @Override
    public synchronized void close() throws IOException {
        if (coded != null) {
            try {
                coded.flush();
            } catch (IOException ignored) {
                // the peer is gone
            }
        }
        try {
            transport.close();
        } finally {
            watch.close();
        }
    }

    @Override
    public String toString() {
        return transport.toString();
    }

    /** Rewrites reply lines at each flush; SubEthaSMTP flushes once per reply. */
    private static final class ReplyCoder extends FilterOutputStream {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private final ReplyListener replies;

        ReplyCoder(OutputStream out, ReplyListener replies) {
            super(out);
            this.replies = replies;
        }

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            pending.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (pending.size() > 0) {
                String text = pending.toString(StandardCharsets.UTF_8);
                pending.reset();
                StringBuilder coded = new StringBuilder(text.length() + 16);
                String last = null;
                for (String line : CRLF.split(text, -1)) {
                    if (coded.length() > 0) {
                        coded.append("\r\n");
                    }
                    String withCode = Replies.withEnhancedCode(line);
                    coded.append(withCode);
                    if (!withCode.isEmpty()) {
                        last = withCode;
                    }
                }
                if (last != null) {
                    replies.replied(last);
                }
                out.write(coded.toString().getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
        }
    }
}
