package io.cassmail.imap;

import io.cassmail.mailbox.MailboxEvents;
import io.cassmail.mailbox.MailboxException;
import io.cassmail.net.ConnectionWatchdog;
import io.cassmail.net.DeadlineInputStream;
import io.cassmail.net.ReadDeadline;
import io.cassmail.net.WriteTimeoutOutputStream;
import io.cassmail.store.FolderEntry;
import io.cassmail.store.FolderRow;
import io.cassmail.store.StoreUnavailableException;
import io.cassmail.tls.ServerTls;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP connection (RFC 9051): the read loop, the state machine (§3), tagged answers with response codes
 * (§7.1) for every failure, and what the selected folder's view owes the client after each command or, during
 * IDLE (RFC 2177), as soon as a change notice arrives. Never shows a client a stack trace.
 */
final class ImapSession implements Runnable, CommandReader.Source {
    private static final Logger log = LoggerFactory.getLogger(ImapSession.class);

    /** RFC 9051 §3. */
    enum State { NOT_AUTHENTICATED, AUTHENTICATED, SELECTED, LOGOUT }

    private Socket socket;
    private final ConnectionWatchdog.Watch watch;
    private final ImapServices services;
    private final Map<String, ImapCommand> commands;
    private final Executor notifier;
    private final String id;
    private ReadDeadline deadline;
    private boolean secure;
    private InputStream in;
    private ImapWriter out;
    private State state = State.NOT_AUTHENTICATED;
    private String address;
    private SelectedFolder selected;
    private final Set<String> enabled = new HashSet<>();
    private int authFailures;
    private MailboxEvents.Subscription subscription;
    private volatile boolean dirty;
    private boolean idling;
    private final MessageContent content;
    private String current = "";
    private boolean compressed;
    private long reservedSelection;

    ImapSession(Socket socket, ConnectionWatchdog.Watch watch, ImapServices services, Map<String, ImapCommand> commands,
                Executor notifier, MessageContent content, String id) {
        this.socket = socket;
        this.watch = watch;
        this.services = services;
        this.commands = commands;
        this.notifier = notifier;
        this.id = id;
        this.content = content;
    }

    @Override
    public void run() {
        Socket first = socket;
        try (first) {
            serve();
        } catch (IOException e) {
            log.debug("imap {}: closing: {}", id, e.toString());
        } finally {
            end();
            if (socket != first) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }
        }
    }

    /** The session until LOGOUT or the end of the connection; a BYE before the socket closes where one is owed. */
    private void serve() {
        try {
            deadline = new ReadDeadline(Long.MAX_VALUE / 4, 1);
            deadline.readTimeout((int) Math.min(Integer.MAX_VALUE, services.config().idleTimeout().toMillis()));
            if (socket instanceof SSLSocket ssl && !handshake(ssl)) {
                return;
            }
            openStreams();
            out.raw("* OK [CAPABILITY " + Capabilities.list(this) + "] CassMail IMAP4rev2 server ready").crlf();
            out.flush();
            while (state != State.LOGOUT) {
                byte[] line = line();
                if (line == null) {
                    break;
                }
                command(line);
                if (compressed || in.available() == 0) {
                    synchronized (this) {
                        out.flush();
                    }
                }
            }
            out.flush();
        } catch (LineTooLongException e) {
            bye("[TOOBIG] Command line too long (at most " + services.config().maxLine() + " octets between literals)");
            drain();
        } catch (SocketTimeoutException e) {
            log.info("imap {}: idle timeout for {}", id, address == null ? "unauthenticated client" : address);
            bye("Idle for too long, closing the connection (RFC 9051 section 5.4)");
        } catch (IOException e) {
            log.debug("imap {}: connection ended: {}", id, e.toString());
        }
    }

    private void bye(String text) {
        try {
            synchronized (this) {
                out.raw("* BYE " + text).crlf();
                out.flush();
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection is going anyway
        }
    }

    /**
     * Reads (and drops) what the client still sends, briefly and boundedly, after the BYE: closing with unread
     * input would reset the connection and could take the BYE with it.
     */
    private void drain() {
        try {
            socket.shutdownOutput();
            socket.setSoTimeout(1000);
            long left = 1 << 20;
            byte[] buf = new byte[8192];
            int n;
            while (left > 0 && (n = socket.getInputStream().read(buf)) > 0) {
                left -= n;
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection is going anyway
        }
    }

    private synchronized void end() {
        services.selections().release(reservedSelection);
        reservedSelection = 0;
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
        if (address != null) {
            services.accounts().close(address);
        }
        state = State.LOGOUT;
    }

    private void openStreams() throws IOException {
        in = new BufferedInputStream(new DeadlineInputStream(socket.getInputStream(), socket, deadline, watch), 16 * 1024);
        ImapWriter w = new ImapWriter(new BufferedOutputStream(new WriteTimeoutOutputStream(socket.getOutputStream(),
                watch, services.config().writeTimeout()), 16 * 1024));
        if (out != null) {
            w.utf8(out.utf8());
        }
        out = w;
    }

    private boolean handshake(SSLSocket ssl) {
        try {
            watch.handshake(ssl, ServerTls.HANDSHAKE_TIMEOUT);
            secure = true;
            return true;
        } catch (IOException e) {
            log.info("imap {}: TLS handshake with {} failed: {}", id, ssl.getInetAddress().getHostAddress(), e.getMessage());
            return false;
        }
    }

    /**
     * COMPRESS DEFLATE (RFC 4978): from the next byte on, both directions are raw deflate, flushed with a sync flush
     * after every response so nothing waits in the compressor. Reads and writes stay watched underneath.
     */
    void compress() throws IOException {
        out.flush();
        in = new BufferedInputStream(new java.util.zip.InflaterInputStream(in, new java.util.zip.Inflater(true), 4096),
                16 * 1024);
        ImapWriter w = new ImapWriter(new BufferedOutputStream(new java.util.zip.DeflaterOutputStream(
                new WriteTimeoutOutputStream(socket.getOutputStream(), watch, services.config().writeTimeout()),
                new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true), 8192, true), 16 * 1024));
        w.utf8(out.utf8());
        out = w;
        compressed = true;
    }

    boolean compressed() {
        return compressed;
    }

    /** STARTTLS (RFC 9051 §6.2.1): input read before the handshake is discarded. */
    boolean startTls() throws IOException {
        out.flush();
        SSLSocket ssl = services.startTls().wrap(socket);
        if (!handshake(ssl)) {
            state = State.LOGOUT;
            return false;
        }
        socket = ssl;
        openStreams();
        return true;
    }

    static final class LineTooLongException extends IOException {
        LineTooLongException() {
            super("command line too long");
        }
    }

    @Override
    public byte[] line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int max = services.config().maxLine();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] b = line.toByteArray();
                return b.length > 0 && b[b.length - 1] == '\r' ? java.util.Arrays.copyOf(b, b.length - 1) : b;
            }
            if (line.size() >= max) {
                throw new LineTooLongException();
            }
            line.write(c);
        }
        return null;
    }

    @Override
    public void continuation() throws IOException {
        out.raw("+ Ready for literal data").crlf();
        out.flush();
    }

    @Override
    public InputStream input() {
        return in;
    }

    private void command(byte[] line) throws IOException {
        if (line.length == 0) {
            return;
        }
        CommandReader args = new CommandReader(this, line, services.config().maxLiteral());
        String tag;
        String name;
        try {
            tag = args.atom();
            if (tag.indexOf('+') >= 0) {
                throw new ImapSyntaxException("a tag cannot contain '+'");
            }
        } catch (ImapSyntaxException e) {
            synchronized (this) {
                out.raw("* BAD Missing or invalid tag").crlf();
            }
            skip(args);
            return;
        }
        try {
            args.sp();
            name = args.keyword();
            if (name.equals("UID")) {
                args.sp();
                name = "UID " + args.keyword();
            }
        } catch (ImapSyntaxException e) {
            tagged(tag, "BAD", null, "Missing or invalid command name");
            skip(args);
            return;
        }
        ImapCommand command = commands.get(name);
        if (command == null) {
            tagged(tag, "BAD", null, "Unknown command " + name.replaceAll("[^\\x21-\\x7e ]", "?"));
            skip(args);
            return;
        }
        if (!command.states().contains(state)) {
            tagged(tag, "BAD", null, name + " is not allowed " + switch (state) {
                case NOT_AUTHENTICATED -> "before login";
                case AUTHENTICATED -> "without a selected folder";
                default -> "now";
            });
            skip(args);
            return;
        }
        services.metrics().imapCommand(name);
        long started = System.nanoTime();
        if (name.equals("IDLE")) {
            idle(tag, args);
            return;
        }
        synchronized (this) {
            current = name;
            try {
                command.run(this, tag, args);
            } catch (ImapSyntaxException e) {
                tagged(tag, "BAD", e.code(), e.getMessage());
                if (!args.skipRest(services.config().maxLiteral())) {
                    bye("Cannot skip the rest of a refused command");
                    state = State.LOGOUT;
                }
            } catch (ImapNo e) {
                updates(command.expungeAllowed());
                tagged(tag, "NO", e.code(), e.getMessage());
            } catch (MailboxException e) {
                updates(command.expungeAllowed());
                tagged(tag, "NO", code(e.kind()), e.getMessage());
            } catch (StoreUnavailableException e) {
                log.warn("imap {}: {} failed: {}", id, name, e.getMessage());
                tagged(tag, "NO", "UNAVAILABLE", "Mail storage is temporarily unavailable, try again later");
            } catch (IOException e) {
                throw e;
            } catch (RuntimeException e) {
                log.error("imap {}: {} failed", id, name, e);
                tagged(tag, "NO", "SERVERBUG", "Internal error, try again later");
            } finally {
                current = "";
                services.metrics().imapLatency(name, System.nanoTime() - started);
            }
        }
    }

    private void skip(CommandReader args) throws IOException {
        if (!args.skipRest(services.config().maxLiteral())) {
            bye("Cannot skip the rest of a refused command");
            state = State.LOGOUT;
        }
    }

    static String code(MailboxException.Kind kind) {
        return switch (kind) {
            case NONEXISTENT -> "NONEXISTENT";
            case ALREADYEXISTS -> "ALREADYEXISTS";
            case HASCHILDREN -> "HASCHILDREN";
            case LIMIT -> "LIMIT";
            case INUSE -> "INUSE";
            default -> "CANNOT";
        };
    }

    /** IDLE (RFC 2177, RFC 9051 §6.3.13): changes are sent as their notices arrive, until DONE. */
    private void idle(String tag, CommandReader args) throws IOException {
        try {
            args.end();
        } catch (ImapSyntaxException e) {
            tagged(tag, "BAD", null, e.getMessage());
            return;
        }
        synchronized (this) {
            out.raw("+ idling").crlf();
            idling = true;
            updatesForced();
            out.flush();
        }
        services.metrics().imapIdle(1);
        byte[] line;
        try {
            line = line();
        } finally {
            services.metrics().imapIdle(-1);
            synchronized (this) {
                idling = false;
            }
        }
        if (line == null) {
            state = State.LOGOUT;
            return;
        }
        synchronized (this) {
            if (!new String(line, java.nio.charset.StandardCharsets.US_ASCII).equalsIgnoreCase("DONE")) {
                tagged(tag, "BAD", null, "Expected DONE to end IDLE");
                return;
            }
            tagged(tag, "OK", null, "IDLE terminated");
        }
    }

    /** A change notice for this account: during IDLE the client hears it now, else after its next command. */
    private void noticed() {
        dirty = true;
        services.metrics().imapNotice();
        notifier.execute(() -> {
            synchronized (this) {
                if (idling) {
                    try {
                        updatesForced();
                        out.flush();
                    } catch (IOException | RuntimeException e) {
                        log.debug("imap {}: update during IDLE not sent: {}", id, e.toString());
                    }
                }
            }
        });
    }

    /** Sends what changed in the selected folder since it was last shown, if a notice said something changed. */
    void updates(boolean expungeAllowed) throws IOException {
        if (dirty) {
            refresh(expungeAllowed);
        }
    }

    /** Reads the folder again whatever the notices said (NOOP, CHECK, IDLE's start): a lost notice only delays. */
    void updatesForced() throws IOException {
        refresh(true);
    }

    private void refresh(boolean expungeAllowed) throws IOException {
        if (selected == null) {
            dirty = false;
            return;
        }
        try {
            Optional<FolderRow> row = folderRow();
            if (row.isEmpty()) {
                // the folder was deleted or renamed away by another session: RFC 9051 §7.1 lets the server end the selection
                out.raw("* BYE [UNAVAILABLE] The selected folder was deleted by another session").crlf();
                state = State.LOGOUT;
                return;
            }
            dirty = false;
            if (row.get().uidNext() == selected.uidNext && row.get().highestModseq() == selected.highestModseq
                    && row.get().uidValidity() == selected.uidValidity) {
                return;
            }
            if (row.get().uidValidity() != selected.uidValidity) {
                out.raw("* BYE [UNAVAILABLE] The selected folder was replaced; select it again").crlf();
                state = State.LOGOUT;
                return;
            }
            int before = selected.count();
            SelectedFolder.Changes changes = selected.update(row.get(), listing(row.get()), expungeAllowed);
            if (changes == null) {
                dirty = true; // expunges wait for a command after which they may be sent
                return;
            }
            expunged(changes.expunged(), changes.expungedUids());
            if (changes.exists() != before || !changes.expunged().isEmpty()) {
                out.raw("* " + changes.exists() + " EXISTS").crlf();
            }
            for (int msn : changes.flagsChanged()) {
                out.raw("* " + msn + " FETCH (UID " + selected.uid(msn) + " FLAGS "
                        + Capabilities.flagList(selected.flags(msn))
                        + (condstore() ? " MODSEQ (" + selected.modseq(msn) + ")" : "") + ")").crlf();
            }
        } catch (StoreUnavailableException e) {
            dirty = true;
            log.debug("imap {}: folder not read again: {}", id, e.getMessage());
        }
    }

    /** Tells expunged messages: {@code * n EXPUNGE} each, or one {@code * VANISHED} with QRESYNC (RFC 7162 §3.2.10). */
    void expunged(List<Integer> msns, List<Long> uids) throws IOException {
        if (enabled.contains("QRESYNC")) {
            if (!uids.isEmpty()) {
                out.raw("* VANISHED " + SequenceSet.format(uids.stream().sorted().toList())).crlf();
            }
            return;
        }
        for (int msn : msns) {
            out.raw("* " + msn + " EXPUNGE").crlf();
        }
    }

    /** The selected folder's row as stored now. */
    Optional<FolderRow> folderRow() {
        return services.mailboxes().reader().folders(address).stream().filter(f -> f.id().equals(selected.id))
                .findFirst();
    }

    /** Every committed entry of a folder, within {@code imap.max-messages}. */
    List<FolderEntry> listing(FolderRow row) throws IOException {
        List<FolderEntry> entries = new ArrayList<>();
        int max = services.config().maxMessages();
        for (FolderEntry e : services.mailboxes().reader().entries(row, 1)) {
            if (entries.size() >= max) {
                log.warn("imap {}: folder {} of {} lists more than imap.max-messages ({}); the newest are not shown",
                        id, row.name(), address, max);
                break;
            }
            entries.add(e);
        }
        return entries;
    }

    void tagged(String tag, String status, String code, String text) throws IOException {
        synchronized (this) {
            out.raw(tag + " " + status + " " + (code == null ? "" : "[" + code + "] ") + text).crlf();
        }
    }

    /** The tagged OK, after the updates the client is owed. */
    void ok(String tag, String code, String text) throws IOException {
        ImapCommand c = commands.get(current);
        updates(c == null || c.expungeAllowed());
        tagged(tag, "OK", code, text);
    }

    void untagged(String text) throws IOException {
        out.raw("* " + text).crlf();
    }

    ImapWriter out() {
        return out;
    }

    ImapServices services() {
        return services;
    }

    String id() {
        return id;
    }

    State state() {
        return state;
    }

    boolean secure() {
        return secure;
    }

    /** Whether LOGIN and AUTHENTICATE may run now (RFC 9051 §6.2.3: LOGINDISABLED without TLS, except loopback). */
    boolean plaintextLoginAllowed() {
        return secure || services.config().allowPlaintext() || services.trustedNetwork().test(socket.getInetAddress());
    }

    java.net.InetAddress clientAddress() {
        return socket.getInetAddress();
    }

    int authFailed() {
        return ++authFailures;
    }

    /** AUTHENTICATED state for {@code address}, hearing its change notices. */
    void loggedIn(String address) {
        this.address = address;
        this.state = State.AUTHENTICATED;
        this.subscription = services.events().subscribe(address, this::noticed);
    }

    String address() {
        return address;
    }

    SelectedFolder selected() {
        return selected;
    }

    /** Reserves what a folder of {@code messages} will hold once selected; false when the process's budget is spent. */
    boolean reserveSelection(long messages) {
        long bytes = SelectedFolder.footprint(messages);
        if (!services.selections().tryReserve(bytes)) {
            return false;
        }
        services.selections().release(reservedSelection);
        reservedSelection = bytes;
        return true;
    }

    void select(SelectedFolder folder) {
        if (folder == null) {
            services.selections().release(reservedSelection);
            reservedSelection = 0;
        }
        this.selected = folder;
        this.state = folder == null ? State.AUTHENTICATED : State.SELECTED;
        this.dirty = false;
    }

    void logout() {
        state = State.LOGOUT;
    }

    Set<String> enabled() {
        return enabled;
    }

    boolean condstore() {
        return enabled.contains("CONDSTORE") || enabled.contains("QRESYNC");
    }

    /** After a command that changed MODSEQs, CONDSTORE is on for the session (RFC 7162 §3.1). */
    void condstoreUsed() {
        enabled.add("CONDSTORE");
    }

    MessageContent content() {
        return content;
    }

    /** Reads a line outside a command (an AUTHENTICATE response), after flushing what was written. */
    byte[] exchangeLine() throws IOException {
        out.flush();
        return line();
    }
}
