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
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    public SmtpLineClient(int port) throws IOException {
        this("127.0.0.1", port);
    }

    public SmtpLineClient(String host, int port) throws IOException {
        this(new Socket(host, port));
    }

    /** A client connecting from a chosen loopback address (127.0.0.x), as a server elsewhere would seem to. */
    public static SmtpLineClient from(String localAddress, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new java.net.InetSocketAddress(localAddress, 0));
        s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
        return new SmtpLineClient(s);
    }

    private SmtpLineClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(30_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    /** A connection that is TLS from the first byte (RFC 8314), accepting any server certificate. */
    public static SmtpLineClient implicitTls(int port, String... protocols) throws IOException {
        javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) TestCerts.trustingClient().getSocketFactory()
                .createSocket("127.0.0.1", port);
        if (protocols.length > 0) {
            ssl.setEnabledProtocols(protocols);
        }
        ssl.setSoTimeout(30_000);
        ssl.startHandshake();
        return new SmtpLineClient(ssl);
    }

    /** Layers TLS over the connection after the server's 220 to STARTTLS (or +OK to STLS). */
    public SmtpLineClient startTls() throws IOException {
        javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) TestCerts.trustingClient().getSocketFactory()
                .createSocket(socket, "localhost", socket.getPort(), true);
        ssl.setUseClientMode(true);
        ssl.startHandshake();
        socket = ssl;
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
        return this;
    }

    /** The certificate the server showed, once TLS is on. */
    public java.security.cert.X509Certificate peerCertificate() throws IOException {
        return (java.security.cert.X509Certificate) ((javax.net.ssl.SSLSocket) socket).getSession().getPeerCertificates()[0];
    }

    /** A submission session as a mail client opens one: greeting, EHLO, STARTTLS, EHLO, AUTH PLAIN (235). */
    public static SmtpLineClient submission(int port, String user, String password) throws IOException {
        SmtpLineClient c = new SmtpLineClient(port);
        c.expect("220");
        c.send("EHLO client.test").expect("250");
        c.send("STARTTLS").expect("220");
        c.startTls();
        c.send("EHLO client.test").expect("250");
        c.send("AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString(("\0" + user + "\0" + password)
                .getBytes(StandardCharsets.UTF_8))).expect("235");
        return c;
    }

    /** The negotiated TLS protocol, once TLS is on. */
    public String tlsProtocol() {
        return ((javax.net.ssl.SSLSocket) socket).getSession().getProtocol();
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
