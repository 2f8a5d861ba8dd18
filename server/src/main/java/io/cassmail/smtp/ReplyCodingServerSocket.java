package io.cassmail.smtp;

import io.cassmail.net.ConnectionWatchdog;
import io.cassmail.net.ReadDeadline;
import io.cassmail.tls.ServerTls;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/**
 * The listening socket of an SMTP listener: every accepted connection is a {@link ReplyCodingSocket} with its own
 * {@link ReadDeadline}, whose session clock starts at accept. On an implicit-TLS listener (RFC 8314) the connection
 * is TLS from the first byte; its handshake runs on the session's thread, at the greeting, never in the acceptor.
 */
final class ReplyCodingServerSocket extends ServerSocket {
    private final long sessionNanos;
    private final int minDataRate;
    private final ServerTls implicitTls;
    private final ReplyCodingSocket.ReplyListener replies;
    private final StressMode stress;
    private final ConnectionWatchdog watchdog;
    private final Duration writeTimeout;

    /** @param implicitTls the TLS of an implicit-TLS listener, or null for plain text (with or without STARTTLS) */
    ReplyCodingServerSocket(long sessionNanos, int minDataRate, ServerTls implicitTls,
                            ReplyCodingSocket.ReplyListener replies, StressMode stress, ConnectionWatchdog watchdog,
                            Duration writeTimeout) throws IOException {
        super();
        this.writeTimeout = writeTimeout;
        this.watchdog = watchdog;
        this.stress = stress;
        this.replies = replies;
        this.sessionNanos = sessionNanos;
        this.minDataRate = minDataRate;
        this.implicitTls = implicitTls;
    }

    @Override
    public Socket accept() throws IOException {
        Socket plain = super.accept();
        Socket transport = plain;
        if (implicitTls != null) {
            try {
                transport = implicitTls.wrap(plain);
            } catch (IOException e) {
                plain.close();
                throw e;
            }
        }
        return new ReplyCodingSocket(transport, new ReadDeadline(sessionNanos, minDataRate,
                () -> stress.on() ? stress.timeoutNanos() : 0), watchdog.watch(plain), writeTimeout, replies);
    }
}
