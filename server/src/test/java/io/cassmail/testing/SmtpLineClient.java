package io.cassmail.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A line client in the style of SubEthaSMTP's tests: {@code send(line)}, {@code expect("250")}. */
public final class SmtpLineClient implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    public SmtpLineClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    public SmtpLineClient send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return this;
    }

    public SmtpLineClient sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads one (possibly multi-line) reply and checks it starts with the given prefix; returns the full text. */
    public String expect(String prefix) throws IOException {
        String reply = reply();
        assertThat(reply).startsWith(prefix);
        return reply;
    }

    public String reply() throws IOException {
        StringBuilder all = new StringBuilder();
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed by server; got so far: " + all);
            }
            all.append(line).append('\n');
        } while (line.length() > 3 && line.charAt(3) == '-');
        return all.toString().strip();
    }

    /** A reply the server has already sent, or null when none is waiting. */
    public String poll() throws IOException {
        return in.ready() ? reply() : null;
    }

    /** True when the server has closed the connection. */
    public boolean closedByServer() throws IOException {
        return in.readLine() == null;
    }

    public void close() throws IOException {
        socket.close();
    }
}
