package io.cassmail.smtp;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;

/** The listening socket of a plain-text SMTP listener: every accepted connection is a {@link ReplyCodingSocket}. */
final class ReplyCodingServerSocket extends ServerSocket {

    ReplyCodingServerSocket() throws IOException {
        super();
    }

    @Override
    public Socket accept() throws IOException {
        return new ReplyCodingSocket(super.accept());
    }
}
