package io.cassmail.relay;

import io.cassmail.mail.DotStuffingOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One SMTP client connection to a remote server (RFC 5321), small on purpose: timeouts per command as §4.5.3.2
 * suggests, STARTTLS (RFC 3207), the EHLO keywords, and DATA that streams the stored bytes dot-stuffed, never
 * re-serialised.
 */
final class SmtpClient implements Closeable {
    private static final int MAX_LINE = 4096;
    private static final int MAX_LINES = 200;

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final Duration commandTimeout;
    private final Map<String, String> extensions = new HashMap<>();
    private boolean esmtp;

    private SmtpClient(Socket socket, Duration commandTimeout) throws IOException {
        this.commandTimeout = commandTimeout;
        attach(socket);
    }

    static SmtpClient connect(InetSocketAddress address, Duration connectTimeout, Duration commandTimeout)
            throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address, (int) connectTimeout.toMillis());
            s.setTcpNoDelay(true);
            return new SmtpClient(s, commandTimeout);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** A connection that is TLS from the first byte (a smarthost on port 465, RFC 8314). */
    static SmtpClient connectTls(InetSocketAddress address, Duration connectTimeout, Duration commandTimeout,
                                 SSLContext context, String host, boolean verify) throws IOException {
        SmtpClient c = connect(address, connectTimeout, commandTimeout);
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
        s.setSoTimeout((int) commandTimeout.toMillis());
        this.in = new BufferedInputStream(s.getInputStream(), 8192);
        this.out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
    }

    /** The server's next reply, all its lines. */
    SmtpReply read() throws IOException {
        List<String> lines = new ArrayList<>();
        int code = -1;
        while (true) {
            String line = readLine();
            if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
                    || !Character.isDigit(line.charAt(2)) || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                throw new IOException("malformed reply line from the server: " + printable(line));
            }
            int c = Integer.parseInt(line.substring(0, 3));
            if (code >= 0 && c != code) {
                throw new IOException("reply lines with different codes: " + code + " then " + c);
            }
            code = c;
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new SmtpReply(code, List.copyOf(lines));
            }
            if (lines.size() > MAX_LINES) {
                throw new IOException("reply longer than " + MAX_LINES + " lines");
            }
        }
    }

    /** Sends one command line and reads its reply. */
    SmtpReply command(String line) throws IOException {
        send(line);
        out.flush();
        return read();
    }

    /** Writes a command without waiting (PIPELINING, RFC 2920); {@link #flush()} sends the group. */
    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    void flush() throws IOException {
        out.flush();
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
        ssl.startHandshake();
        attach(ssl);
        extensions.clear();
    }

    boolean tls() {
        return socket instanceof SSLSocket;
    }

    /** Streams the message after a 354, dot-stuffed, ends it, and reads the final reply within {@code finalTimeout}. */
    SmtpReply data(InputStream message, Duration finalTimeout) throws IOException {
        DotStuffingOutputStream stuffed = new DotStuffingOutputStream(out);
        message.transferTo(stuffed);
        stuffed.terminate();
        out.flush();
        socket.setSoTimeout((int) finalTimeout.toMillis());
        try {
            return read();
        } finally {
            socket.setSoTimeout((int) commandTimeout.toMillis());
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] b = line.toByteArray();
                int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                return new String(b, 0, len, StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("reply line longer than " + MAX_LINE + " bytes");
            }
            line.write(c);
        }
        throw new IOException("the server closed the connection");
    }

    private static String printable(String s) {
        String t = s.replaceAll("[^\\x20-\\x7e]", "?");
        return t.length() > 100 ? t.substring(0, 100) : t;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
