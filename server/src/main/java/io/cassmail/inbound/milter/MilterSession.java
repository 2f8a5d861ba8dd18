package io.cassmail.inbound.milter;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MTA side of the milter protocol (version 6, as Sendmail's libmilter and Postfix speak it) for one message on
 * one connection: option negotiation, then connect, HELO, MAIL, RCPT, DATA, each header, end of headers, the body in
 * chunks of at most 64 KiB, and end of message, whose reply carries the decision and the header changes. Steps the
 * milter asked not to see are skipped, and steps it asked not to answer are not waited for. A milter that answers
 * ACCEPT, REJECT, TEMPFAIL, DISCARD or a reply code before the end has decided, and hears nothing more.
 * Every read waits at most the timeout; any protocol or socket failure is an {@link IOException}.
 */
public final class MilterSession implements AutoCloseable {
    static final int VERSION = 6;
    static final int ACTIONS = 0x01 | 0x10 | 0x20; // SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE
    // every SMFIP_NO* and SMFIP_NR_* step flag, SMFIP_SKIP and SMFIP_HDR_LEADSPC; not SMFIP_RCPT_REJ (0x800)
    static final int PROTOCOL = 0x1FF7FF;
    private static final int NOCONNECT = 0x1, NOHELO = 0x2, NOMAIL = 0x4, NORCPT = 0x8, NOBODY = 0x10, NOHDRS = 0x20,
            NOEOH = 0x40, NR_HDR = 0x80, NODATA = 0x200, NR_CONN = 0x1000, NR_HELO = 0x2000,
            NR_MAIL = 0x4000, NR_RCPT = 0x8000, NR_DATA = 0x10000, NR_EOH = 0x40000, NR_BODY = 0x80000,
            HDR_LEADSPC = 0x100000;
    private static final int MAX_BODY_CHUNK = 65535;
    private static final int MAX_PACKET = 1 << 20;

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final String name;
    private int protocol;
    private MilterReply decided;
    private boolean skipBody;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private io.cassmail.net.ConnectionWatchdog.Watch watch;

    /** A session whose writes are bounded only by the socket buffers (tests). */
    public MilterSession(MilterAddress address, Duration timeout) throws IOException {
        this(address, timeout, null);
    }

    /**
     * Connects and negotiates; throws when the milter is not there, too slow, or speaks something else.
     *
     * @param watchdog closes the connection when a write (a milter that stopped reading) outlasts the timeout
     */
    public MilterSession(MilterAddress address, Duration timeout, io.cassmail.net.ConnectionWatchdog watchdog)
            throws IOException {
        this.name = address.text();
        this.socket = new Socket();
        try {
            InetSocketAddress target = new InetSocketAddress(address.address().getHostString(), address.address().getPort());
            socket.connect(target, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            java.io.OutputStream raw = socket.getOutputStream();
            if (watchdog != null) {
                this.watch = watchdog.watch(socket);
                raw = new io.cassmail.net.WriteTimeoutOutputStream(raw, watch, timeout);
            }
            this.out = new DataOutputStream(new BufferedOutputStream(raw));
            ByteArrayOutputStream neg = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(neg);
            d.writeInt(VERSION);
            d.writeInt(ACTIONS);
            d.writeInt(PROTOCOL);
            send('O', neg.toByteArray());
            Packet reply = read();
            if (reply.command != 'O' || reply.data.length < 12) {
                throw new IOException("milter " + name + " answered option negotiation with '" + (char) reply.command + "'");
            }
            DataInputStream r = new DataInputStream(new java.io.ByteArrayInputStream(reply.data));
            int version = r.readInt();
            r.readInt(); // the actions it wants; we offered only header changes and quarantine
            this.protocol = r.readInt() & PROTOCOL;
            if (version < 2) {
                throw new IOException("milter " + name + " speaks protocol version " + version);
            }
        } catch (SocketTimeoutException e) {
            close();
            throw new IOException("milter " + name + " did not answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** What the milter decided before the end of the message (at connect, HELO, MAIL, RCPT or DATA), or null. */
    public MilterReply decided() {
        return decided;
    }

    /** The client's connection (SMFIC_CONNECT) with the macros Postfix sends there. */
    public void connect(String clientName, InetAddress client, int port, Map<String, String> macros) throws IOException {
        macros('C', macros);
        if ((protocol & NOCONNECT) != 0 || decided != null) {
            return;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        cstring(b, clientName);
        b.write(client instanceof java.net.Inet6Address ? '6' : '4');
        b.write((port >> 8) & 0xff);
        b.write(port & 0xff);
        cstring(b, client.getHostAddress());
        step('C', b.toByteArray(), (protocol & NR_CONN) != 0);
    }

    public void helo(String helo) throws IOException {
        if ((protocol & NOHELO) != 0 || decided != null) {
            return;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        cstring(b, helo == null ? "" : helo);
        step('H', b.toByteArray(), (protocol & NR_HELO) != 0);
    }

    public void mail(String from, Map<String, String> macros) throws IOException {
        macros('M', macros);
        if ((protocol & NOMAIL) != 0 || decided != null) {
            return;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        cstring(b, "<" + from + ">");
        step('M', b.toByteArray(), (protocol & NR_MAIL) != 0);
    }

    public void rcpt(String to) throws IOException {
        macros('R', Map.of("{rcpt_addr}", to));
        if ((protocol & NORCPT) != 0 || decided != null) {
            return;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        cstring(b, "<" + to + ">");
        step('R', b.toByteArray(), (protocol & NR_RCPT) != 0);
    }

    public void data() throws IOException {
        if ((protocol & NODATA) != 0 || decided != null) {
            return;
        }
        step('T', new byte[0], (protocol & NR_DATA) != 0);
    }

    /** One header field: its name and its value as it follows the colon (folding kept, CRLF as in the message). */
    public void header(String fieldName, String value) throws IOException {
        if ((protocol & NOHDRS) != 0 || decided != null) {
            return;
        }
        String v = (protocol & HDR_LEADSPC) != 0 ? value : value.replaceFirst("^[ \t]+", "");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        raw(b, fieldName);
        raw(b, v.replace("\r\n", "\n")); // libmilter's convention: folded lines with bare LF
        step('L', b.toByteArray(), (protocol & NR_HDR) != 0);
    }

    public void endOfHeaders() throws IOException {
        if ((protocol & NOEOH) != 0 || decided != null) {
            return;
        }
        step('N', new byte[0], (protocol & NR_EOH) != 0);
    }

    /** Body bytes as they arrive; sent in chunks of at most 64 KiB. */
    public void body(byte[] b, int off, int len) throws IOException {
        if ((protocol & NOBODY) != 0 || decided != null || skipBody) {
            return;
        }
        body.write(b, off, len);
        if (body.size() >= MAX_BODY_CHUNK) {
            flushBody();
        }
    }

    private void flushBody() throws IOException {
        byte[] all = body.toByteArray();
        body.reset();
        int off = 0;
        while (all.length - off >= MAX_BODY_CHUNK && decided == null && !skipBody) {
            sendBody(java.util.Arrays.copyOfRange(all, off, off + MAX_BODY_CHUNK));
            off += MAX_BODY_CHUNK;
        }
        if (decided == null && !skipBody) {
            body.write(all, off, all.length - off);
        }
    }

    private void sendBody(byte[] chunk) throws IOException {
        Packet reply = step('B', chunk, (protocol & NR_BODY) != 0);
        if (reply != null && reply.command == 's') {
            skipBody = true; // SMFIR_SKIP: the milter has seen enough of the body
        }
    }

    /** End of message: the decision, with the header changes and quarantine asked for on the way. */
    public MilterReply endOfMessage(Map<String, String> macros) throws IOException {
        if (decided != null) {
            return decided;
        }
        if (body.size() > 0 && !skipBody && (protocol & NOBODY) == 0) {
            sendBody(body.toByteArray());
            body.reset();
            if (decided != null) {
                return decided;
            }
        }
        macros('E', macros);
        send('E', new byte[0]);
        List<MilterReply.HeaderChange> changes = new ArrayList<>();
        String quarantine = null;
        while (true) {
            Packet p = read();
            switch (p.command) {
                case 'h' -> {
                    String[] s = cstrings(p.data, 0, 2);
                    changes.add(new MilterReply.HeaderChange(MilterReply.HeaderChange.Kind.ADD, 0, s[0], s[1]));
                }
                case 'i', 'm' -> {
                    int index = ((p.data[0] & 0xff) << 24) | ((p.data[1] & 0xff) << 16) | ((p.data[2] & 0xff) << 8)
                            | (p.data[3] & 0xff);
                    String[] s = cstrings(p.data, 4, 2);
                    changes.add(new MilterReply.HeaderChange(p.command == 'i' ? MilterReply.HeaderChange.Kind.INSERT
                            : MilterReply.HeaderChange.Kind.CHANGE, index, s[0], s[1].isEmpty() ? null : s[1]));
                }
                case 'q' -> quarantine = cstrings(p.data, 0, 1)[0];
                case 'p' -> {
                    // SMFIR_PROGRESS: the milter is still working; the timeout starts again
                }
                case 'a', 'c' -> {
                    return new MilterReply(MilterReply.Action.ACCEPT, null, changes, quarantine);
                }
                default -> {
                    MilterReply final_ = decision(p);
                    if (final_ == null) {
                        break; // a modification we did not offer (body, recipients): ignored
                    }
                    return new MilterReply(final_.action(), final_.smtpReply(), changes, quarantine);
                }
            }
        }
    }

    /** Sends a step and, unless the milter asked for no reply, reads it; a decision ends the conversation. */
    private Packet step(char command, byte[] data, boolean noReply) throws IOException {
        send(command, data);
        if (noReply) {
            return null;
        }
        Packet reply = read();
        if (reply.command == 'c' || reply.command == 's') {
            return reply;
        }
        if (reply.command == 'a') {
            decided = new MilterReply(MilterReply.Action.ACCEPT, null, List.of(), null);
            return reply;
        }
        MilterReply d = decision(reply);
        if (d == null) {
            throw new IOException("milter " + name + " answered '" + (char) reply.command + "' to '" + command + "'");
        }
        decided = d;
        return reply;
    }

    private static MilterReply decision(Packet p) {
        return switch (p.command) {
            case 'r' -> new MilterReply(MilterReply.Action.REJECT, null, List.of(), null);
            case 't' -> new MilterReply(MilterReply.Action.TEMPFAIL, null, List.of(), null);
            case 'd' -> new MilterReply(MilterReply.Action.DISCARD, null, List.of(), null);
            case 'y' -> {
                // smfi_setmlreply's lines ("550-5.7.1 a\r\n550 5.7.1 b") become one line with a space after the code
                String[] lines = cstrings(p.data, 0, 1)[0].split("\r?\n");
                StringBuilder joined = new StringBuilder();
                for (String line : lines) {
                    String l = line.strip();
                    joined.append(joined.length() == 0 ? l : " " + (l.matches("\\d{3}[ -].*") ? l.substring(4) : l));
                }
                String text = joined.length() > 3 && joined.charAt(3) == '-'
                        ? joined.substring(0, 3) + " " + joined.substring(4) : joined.toString();
                MilterReply.Action a = text.startsWith("4") ? MilterReply.Action.TEMPFAIL : MilterReply.Action.REJECT;
                yield new MilterReply(a, text.matches("[45]\\d\\d[ -].*") ? text : null, List.of(), null);
            }
            default -> null;
        };
    }

    private void macros(char command, Map<String, String> macros) throws IOException {
        if (macros == null || macros.isEmpty() || decided != null) {
            return;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(command);
        for (Map.Entry<String, String> m : new LinkedHashMap<>(macros).entrySet()) {
            if (m.getValue() != null) {
                cstring(b, m.getKey());
                cstring(b, m.getValue());
            }
        }
        send('D', b.toByteArray());
    }

    private void send(char command, byte[] data) throws IOException {
        out.writeInt(data.length + 1);
        out.writeByte(command);
        out.write(data);
        out.flush();
    }

    private record Packet(int command, byte[] data) {
    }

    private Packet read() throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (SocketTimeoutException e) {
            throw new IOException("milter " + name + " did not answer within " + socket.getSoTimeout() + " ms", e);
        }
        if (length < 1 || length > MAX_PACKET) {
            throw new IOException("milter " + name + " sent a packet of " + length + " bytes");
        }
        int command = in.readUnsignedByte();
        byte[] data = new byte[length - 1];
        in.readFully(data);
        return new Packet(command, data);
    }

    private static void cstring(ByteArrayOutputStream b, String s) {
        b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        b.write(0);
    }

    /** A header's bytes as they came (the header is held as ISO-8859-1 text, one char per byte). */
    private static void raw(ByteArrayOutputStream b, String s) {
        b.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        b.write(0);
    }

    private static String[] cstrings(byte[] data, int from, int count) {
        String[] result = new String[count];
        int pos = from;
        for (int i = 0; i < count; i++) {
            int end = pos;
            while (end < data.length && data[end] != 0) {
                end++;
            }
            result[i] = pos <= data.length ? new String(data, pos, Math.max(0, end - pos), StandardCharsets.ISO_8859_1) : "";
            pos = end + 1;
        }
        return result;
    }

    /** Ends the conversation politely (SMFIC_QUIT) and closes the connection. */
    @Override
    public void close() {
        try {
            if (out != null && !socket.isClosed()) {
                send('Q', new byte[0]);
            }
        } catch (IOException | RuntimeException e) {
            // the milter went away first: nothing more to say
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
        if (watch != null) {
            watch.close();
        }
    }
}
