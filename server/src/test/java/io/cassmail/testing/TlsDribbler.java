package io.cassmail.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLSocket;

/**
 * A hostile TLS client: after its handshake on {@code plain} it starts an application-data record and sends its
 * body one byte at a time, each byte just inside the server's read timeout, which keeps a server that only sets
 * socket read timeouts reading that record for minutes.
 */
public final class TlsDribbler {
    private TlsDribbler() {
    }

    /**
     * Handshakes on {@code plain} (after STARTTLS/STLS, or at once for implicit TLS), then dribbles a 64-byte record
     * one byte every {@code every} until the server closes the connection or {@code giveUp} passes.
     *
     * @return how long after the record started the server closed the connection, or null if it never did
     */
    public static Duration dribble(Socket plain, Duration every, Duration giveUp) throws IOException {
        SSLSocket ssl = (SSLSocket) TestCerts.trustingClient().getSocketFactory()
                .createSocket(plain, "127.0.0.1", plain.getPort(), false);
        ssl.startHandshake();
        OutputStream raw = plain.getOutputStream();
        InputStream rawIn = plain.getInputStream();
        long start = System.nanoTime();
        try {
            raw.write(new byte[] {0x17, 0x03, 0x03, 0x00, 0x40});
            raw.flush();
            int sent = 0;
            while (System.nanoTime() - start < giveUp.toNanos() && sent < 64) {
                plain.setSoTimeout((int) every.toMillis());
                try {
                    while (rawIn.read() >= 0) {
                        // session tickets and the like: the server still talks, which is not a close
                    }
                    return Duration.ofNanos(System.nanoTime() - start);
                } catch (SocketTimeoutException e) {
                    raw.write(0x41);
                    raw.flush();
                    sent++;
                }
            }
            return null;
        } catch (IOException e) {
            return Duration.ofNanos(System.nanoTime() - start); // reset: closed
        } finally {
            plain.close();
        }
    }
}
