package io.cassmail.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A raw IMAP connection for tests: sends command lines and reads responses, literals included, as bytes. */
public final class ImapWire implements AutoCloseable {
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)}$");
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int tags;

    public ImapWire(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(60_000);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
        String greeting = response();
        if (!greeting.startsWith("* OK")) {
            throw new IOException("not an IMAP greeting: " + greeting);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.write(c);
        }
        if (c < 0 && b.size() == 0) {
            throw new IOException("connection closed");
        }
        byte[] l = b.toByteArray();
        int n = l.length > 0 && l[l.length - 1] == '\r' ? l.length - 1 : l.length;
        return new String(l, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** One response: a line, and the literals it announces with the lines after them (ISO-8859-1, byte for byte). */
    public String response() throws IOException {
        StringBuilder r = new StringBuilder(line());
        Matcher m;
        while ((m = LITERAL.matcher(r)).find()) {
            int n = Integer.parseInt(m.group(1));
            r.append("\r\n").append(new String(in.readNBytes(n), StandardCharsets.ISO_8859_1));
            r.append(line());
        }
        return r.toString();
    }

    /** Sends a command with a fresh tag; returns its untagged responses and, last, the tagged one. */
    public List<String> command(String text) throws IOException {
        String tag = "t" + (++tags);
        out.write((tag + " " + text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        List<String> responses = new ArrayList<>();
        while (true) {
            String r = response();
            responses.add(r);
            if (r.startsWith(tag + " ")) {
                return responses;
            }
        }
    }

    /** APPENDs a message with a synchronizing literal; returns the tagged answer. */
    public String append(String folder, byte[] message) throws IOException {
        String tag = "t" + (++tags);
        out.write((tag + " APPEND " + folder + " {" + message.length + "}\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        String go = response();
        if (!go.startsWith("+")) {
            return go;
        }
        out.write(message);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        while (true) {
            String r = response();
            if (r.startsWith(tag + " ")) {
                return r;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
