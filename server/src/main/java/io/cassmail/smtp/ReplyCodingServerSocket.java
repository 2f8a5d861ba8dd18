package io.cassmail.smtp;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The listening socket of a plain-text SMTP listener: every accepted connection is a {@link ReplyCodingSocket}
 * with its own {@link ReadDeadline}, whose session clock starts at accept.
 */
final class ReplyCodingServerSocket extends ServerSocket {
    private final long sessionNanos;
    private final int minDataRate;

    ReplyCodingServerSocket(long sessionNanos, int minDataRate) throws IOException {
        super();
        this.sessionNanos = sessionNanos;
        this.minDataRate = minDataRate;
    }

    @Override
    public Socket accept() throws IOException {
        return new ReplyCodingSocket(super.accept(), new ReadDeadline(sessionNanos, minDataRate));
    }
}
