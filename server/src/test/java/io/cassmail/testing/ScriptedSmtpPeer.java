package io.cassmail.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A remote SMTP server for the relay's failure cases, on its own loopback address: it speaks just enough SMTP and
 * misbehaves as told (a 4xx then a 2xx, a 5xx to RCPT, a connection dropped in the middle of DATA once, silence).
 * Every transaction it completed with 250 is kept, with the exact bytes received (dot-stuffing undone).
 */
public final class ScriptedSmtpPeer implements AutoCloseable {

    /** How the peer behaves. */
    public enum Script {
        /** Accepts everything. */
        ACCEPT,
        /** The first transaction's RCPT gets 451 4.3.0, later ones are accepted. */
        TEMPORARY_THEN_ACCEPT,
        /** RCPT gets 550 5.1.1 user unknown. */
        REJECT_RECIPIENT,
        /** The first DATA is cut off after a few bytes (the connection is closed), later ones are accepted. */
        DROP_IN_DATA_ONCE,
        /** Accepts the connection and never says anything. */
        SILENT,
        /** The first DATA stalls for a few seconds before reading on (with a small receive buffer, the sender blocks). */
        STALL_IN_DATA_ONCE,
        /** Accepts everything but offers no ESMTP extensions beyond PIPELINING (no 8BITMIME). */
        SEVEN_BIT,
        /** Reads the whole message, then never answers the final dot (holds the connection until the client leaves). */
        NO_REPLY_AFTER_DOT,
        /** Reads the whole message, then closes the connection without answering the final dot. */
        CLOSE_AFTER_DOT,
        /** Stops reading after 354 and never answers (a small receive buffer, so a big message blocks its sender). */
        STOP_READING_IN_DATA,
        /** Sends its greeting one byte every 300 ms, a few hundred bytes long. */
        DRIBBLE_GREETING,
        /** Greets with 421 4.3.2 and closes. */
        REFUSE_GREETING
    }

    /** A message the peer answered 250 to. */
    public record Received(String sender, List<String> recipients, byte[] data, List<String> commands) {
    }

    private final ServerSocket server;
    private final Script script;
    private final AtomicInteger transactions = new AtomicInteger();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger dataStarted = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger dataAborted = new AtomicInteger();

    public ScriptedSmtpPeer(String address, int port, Script script) throws IOException {
        this.script = script;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        if (script == Script.STALL_IN_DATA_ONCE || script == Script.STOP_READING_IN_DATA) {
            server.setReceiveBufferSize(16 * 1024);
        }
        server.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        Thread t = new Thread(this::accept, "scripted-smtp-" + script);
        t.setDaemon(true);
        t.start();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Connections accepted. */
    public int connections() {
        return connections.get();
    }

    /** DATA phases that began (354 sent). */
    public int dataStarted() {
        return dataStarted.get();
    }

    /** DATA phases whose connection ended before the terminating dot: those messages were discarded. */
    public int dataAborted() {
        return dataAborted.get();
    }

    /** Transactions that reached RCPT (whatever their outcome). */
    public int transactions() {
        return transactions.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> session(s), "scripted-smtp-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket s) {
        try (s) {
            if (script == Script.SILENT) {
                s.getInputStream().read(); // hold the connection until the client gives up
                return;
            }
            InputStream raw = s.getInputStream();
            OutputStream out = s.getOutputStream();
            if (script == Script.REFUSE_GREETING) {
                reply(out, "421 4.3.2 peer.test busy, try later");
                return;
            }
            if (script == Script.DRIBBLE_GREETING) {
                byte[] greeting = ("220 peer.test ESMTP " + "slow ".repeat(80) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                for (byte b : greeting) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(300);
                }
            } else {
                reply(out, "220 peer.test ESMTP scripted");
            }
            String sender = null;
            List<String> rcpts = new CopyOnWriteArrayList<>();
            List<String> commands = new CopyOnWriteArrayList<>();
            String line;
            while ((line = readLine(raw)) != null) {
                if (line.regionMatches(true, 0, "MAIL", 0, 4) || line.regionMatches(true, 0, "RCPT", 0, 4)) {
                    commands.add(line);
                }
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (verb) {
                    case "EHLO" -> reply(out, script == Script.SEVEN_BIT ? "250-peer.test\r\n250 PIPELINING"
                            : "250-peer.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-DSN\r\n250 SIZE 10000000");
                    case "HELO" -> reply(out, "250 peer.test");
                    case "MAIL" -> {
                        sender = line.replaceAll("(?i)^MAIL FROM:<([^>]*)>.*$", "$1");
                        rcpts.clear();
                        commands.retainAll(List.of(line));
                        reply(out, "250 2.1.0 ok");
                    }
                    case "RCPT" -> {
                        int n = transactions.incrementAndGet();
                        if (script == Script.REJECT_RECIPIENT) {
                            reply(out, "550 5.1.1 <" + line.replaceAll("(?i)^RCPT TO:<([^>]*)>.*$", "$1") + ">: user unknown here");
                        } else if (script == Script.TEMPORARY_THEN_ACCEPT && n == 1) {
                            reply(out, "451 4.3.0 try again later, greylisted");
                        } else {
                            rcpts.add(line.replaceAll("(?i)^RCPT TO:<([^>]*)>.*$", "$1"));
                            reply(out, "250 2.1.5 ok");
                        }
                    }
                    case "DATA" -> {
                        if (rcpts.isEmpty()) {
                            reply(out, "554 5.5.1 no valid recipients");
                            continue;
                        }
                        reply(out, "354 go ahead");
                        int started = dataStarted.incrementAndGet();
                        if (script == Script.STALL_IN_DATA_ONCE && started == 1) {
                            try {
                                Thread.sleep(4000);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        if (script == Script.STOP_READING_IN_DATA) {
                            hold(s);
                            return;
                        }
                        if (script == Script.DROP_IN_DATA_ONCE && received.isEmpty() && transactions.get() == 1) {
                            raw.readNBytes(10);
                            return; // cut off in the middle of the data
                        }
                        byte[] data;
                        try {
                            data = readData(raw);
                        } catch (IOException cut) {
                            dataAborted.incrementAndGet();
                            throw cut;
                        }
                        received.add(new Received(sender, List.copyOf(rcpts), data, List.copyOf(commands)));
                        if (script == Script.CLOSE_AFTER_DOT) {
                            return; // taken, and the client never hears of it
                        }
                        if (script == Script.NO_REPLY_AFTER_DOT) {
                            raw.read(); // the client gives up or goes away
                            return;
                        }
                        reply(out, "250 2.0.0 queued as peer-" + received.size());
                    }
                    case "RSET", "NOOP" -> reply(out, "250 2.0.0 ok");
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 bye");
                        return;
                    }
                    default -> reply(out, "502 5.5.2 not here");
                }
            }
        } catch (IOException ignored) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Holds a connection without reading until the client closes it or the peer is closed. */
    private void hold(Socket s) {
        while (!s.isClosed() && !server.isClosed()) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static byte[] readData(InputStream in) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        String line;
        while ((line = readLine(in)) != null) {
            if (line.equals(".")) {
                return data.toByteArray();
            }
            data.writeBytes((line.startsWith(".") ? line.substring(1) : line).getBytes(StandardCharsets.ISO_8859_1));
            data.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        throw new IOException("connection closed in DATA");
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] b = line.toByteArray();
                int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                return new String(b, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(c);
        }
        return null;
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
