package io.cassmail.imap;

import io.cassmail.mail.HeaderSummary;
import io.cassmail.mail.HeaderSummaryParser;
import io.cassmail.mail.MessageIds;
import io.cassmail.mailbox.FolderNames;
import io.cassmail.mailbox.Flags;
import io.cassmail.mailbox.MailboxWriter;
import io.cassmail.mailbox.NewMessage;
import io.cassmail.mailbox.Quotas;
import io.cassmail.mailbox.SpecialUse;
import io.cassmail.store.BodyWriter;
import io.cassmail.store.FolderEntry;
import io.cassmail.store.FolderRow;
import io.cassmail.store.MailboxUsage;
import io.cassmail.store.StoredMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** The AUTHENTICATED-state commands on folders (RFC 9051 §6.3), one class each. */
final class FolderCommands {
    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ROOT);

    private FolderCommands() {
    }

    /** A mailbox argument, decoded from modified UTF-7 unless the client enabled UTF8=ACCEPT, normalised. */
    static String name(ImapSession s, CommandReader args) throws IOException, ImapSyntaxException {
        String wire = args.astring();
        return FolderNames.normalize(s.out().utf8() ? wire : ModifiedUtf7.decode(wire));
    }

    static String wire(ImapSession s, String name) {
        return s.out().utf8() ? name : ModifiedUtf7.encode(name);
    }

    static FolderRow require(ImapSession s, String name) throws ImapNo {
        return s.services().mailboxes().reader().folder(s.address(), name)
                .orElseThrow(() -> new ImapNo("NONEXISTENT", "No folder named " + name));
    }

    /** SELECT and EXAMINE (§6.3.2, §6.3.3), with the CONDSTORE parameter (RFC 7162 §3.1.8). */
    static final class Select implements ImapCommand {
        private final boolean readOnly;

        Select(boolean readOnly) {
            this.readOnly = readOnly;
        }

        @Override
        public Set<ImapSession.State> states() {
            return SessionCommands.AUTHENTICATED;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
            args.sp();
            String name = name(s, args);
            long[] qresync = null; // uidvalidity, modseq
            SequenceSet known = null;
            if (!args.atEnd()) {
                args.sp();
                args.open();
                while (!args.close()) {
                    args.accept(' ');
                    String p = args.keyword();
                    if (p.equals("CONDSTORE")) {
                        s.condstoreUsed();
                    } else if (p.equals("QRESYNC")) {
                        if (!s.enabled().contains("QRESYNC")) {
                            throw new ImapSyntaxException("QRESYNC needs ENABLE QRESYNC first (RFC 7162 section 3.2.3)");
                        }
                        args.sp();
                        args.open();
                        qresync = new long[] {args.number(), 0};
                        args.sp();
                        qresync[1] = args.number();
                        if (args.accept(' ')) {
                            if (args.peek() != '(') {
                                known = SequenceSet.parse(args.atom(":,*"));
                                args.accept(' ');
                            }
                            if (args.peek() == '(') {
                                args.atomList(false, ":,*"); // sequence match data: the known UIDs say enough here
                            }
                        }
                        if (!args.close()) {
                            throw new ImapSyntaxException("expected ')' after the QRESYNC parameters");
                        }
                    } else {
                        throw new ImapSyntaxException("unknown SELECT parameter " + p);
                    }
                }
            }
            args.end();
            boolean wasSelected = s.selected() != null;
            s.select(null);
            if (wasSelected) {
                s.untagged("OK [CLOSED] Previous folder closed");
            }
            FolderRow row = require(s, name);
            if (!s.reserveSelection(Math.min(row.messages(), s.services().config().maxMessages()))) {
                throw new ImapNo("UNAVAILABLE", "The server is holding too many folder listings right now; try again"
                        + " shortly");
            }
            SelectedFolder folder = new SelectedFolder(row, readOnly);
            folder.load(s.listing(row));
            folder.uidNext = row.uidNext();
            folder.highestModseq = row.highestModseq();
            s.select(folder);
            s.untagged("FLAGS " + Capabilities.FLAGS);
            s.untagged(folder.count() + " EXISTS");
            if (!s.enabled().contains("IMAP4REV2")) {
                s.untagged("0 RECENT");
                for (int i = 1; i <= folder.count(); i++) {
                    if (!folder.flags(i).seen()) {
                        s.untagged("OK [UNSEEN " + i + "] First unseen message");
                        break;
                    }
                }
            }
            s.untagged("OK [PERMANENTFLAGS " + (readOnly ? "()" : Capabilities.PERMANENT_FLAGS) + "] Flags permitted");
            s.untagged("OK [UIDVALIDITY " + row.uidValidity() + "] UIDs valid");
            s.untagged("OK [UIDNEXT " + row.uidNext() + "] Predicted next UID");
            s.untagged("OK [HIGHESTMODSEQ " + row.highestModseq() + "] Highest");
            if (qresync != null && qresync[0] == row.uidValidity()) {
                // what changed since the client's MODSEQ (RFC 7162 §3.2.5): what is gone, then changed flags
                List<long[]> gone = folder.missing(known);
                if (!gone.isEmpty()) {
                    s.untagged("VANISHED (EARLIER) " + SequenceSet.formatRanges(gone));
                }
                for (int i = 1; i <= folder.count(); i++) {
                    if (folder.modseq(i) > qresync[1]) {
                        s.untagged(i + " FETCH (UID " + folder.uid(i) + " FLAGS " + Capabilities.flagList(folder.flags(i))
                                + " MODSEQ (" + folder.modseq(i) + "))");
                    }
                }
            }
            s.tagged(tag, "OK", readOnly ? "READ-ONLY" : "READ-WRITE", (readOnly ? "EXAMINE" : "SELECT") + " completed");
        }
    }

    /** CREATE (§6.3.4) with USE (RFC 6154 §5). */
    static final class Create implements ImapCommand {
        @Override
        public Set<ImapSession.State> states() {
            return SessionCommands.AUTHENTICATED;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
            args.sp();
            String name = name(s, args);
            if (name.endsWith("/")) {
                name = name.substring(0, name.length() - 1); // a trailing delimiter only says "will have children"
            }
            SpecialUse use = null;
            if (!args.atEnd()) {
                args.sp();
                args.open();
                String kw = args.keyword();
                if (!kw.equals("USE")) {
                    throw new ImapSyntaxException("unknown CREATE parameter " + kw);
                }
                args.sp();
                List<String> uses = args.atomList(false, "\\");
                args.close();
                if (uses.size() != 1 || (use = SpecialUse.ofAttribute(uses.get(0))) == null) {
                    throw new ImapNo("USEATTR", "One of \\Sent \\Drafts \\Trash \\Junk \\Archive can be given");
                }
            }
            args.end();
            String problem = FolderNames.problem(name);
            if (problem != null) {
                throw new ImapNo("CANNOT", problem);
            }
            if (name.equals(FolderNames.INBOX) || s.services().mailboxes().reader().folder(s.address(), name).isPresent()) {
                throw new ImapNo("ALREADYEXISTS", "Folder " + name + " already exists");
            }
            s.services().mailboxes().writer().create(s.address(), name, use);
            s.ok(tag, null, "CREATE completed");
        }
    }

    /** DELETE (§6.3.5). */
    static final class Delete implements ImapCommand {
        @Override
        public Set<ImapSession.State> states() {
            return SessionCommands.AUTHENTICATED;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
            args.sp();
            String name = name(s, args);
            args.end();
            if (name.equals(FolderNames.INBOX)) {
                throw new ImapNo("CANNOT", "INBOX cannot be deleted");
            }
            FolderRow row = require(s, name);
            if (s.selected() != null && s.selected().id.equals(row.id())) {
                s.select(null);
            }
            s.services().mailboxes().writer().delete(s.address(), name);
            s.ok(tag, null, "DELETE completed");
        }
    }

    /** RENAME (§6.3.6). */
    static final class Rename implements ImapCommand {
        @Override
        public Set<ImapSession.State> states() {
            return SessionCommands.AUTHENTICATED;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
            args.sp();
            String from = name(s, args);
            args.sp();
            String to = name(s, args);
            args.end();
            require(s, from);
            String problem = FolderNames.problem(to);
            if (problem != null) {
                throw new ImapNo("CANNOT", problem);
            }
            if (s.services().mailboxes().reader().folder(s.address(), to).isPresent()) {
                throw new ImapNo("ALREADYEXISTS", "Folder " + to + " already exists");
            }
            s.services().mailboxes().writer().rename(s.address(), from, to);
            s.ok(tag, null, "RENAME completed");
        }
    }

    /** SUBSCRIBE and UNSUBSCRIBE (§6.3.7, §6.3.8). */
    static final class Subscribe implements ImapCommand {
        private final boolean subscribe;

        Subscribe(boolean subscribe) {
            this.subscribe = subscribe;
        }

        @Override
        public Set<ImapSession.State> states() {
            return SessionCommands.AUTHENTICATED;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
            args.sp();
            String name = name(s, args);
            args.end();
            Optional<FolderRow> row = s.services().mailboxes().reader().folder(s.address(), name);
            if (row.isEmpty()) {
                if (!subscribe) {
                    s.ok(tag, null, "UNSUBSCRIBE completed"); // nothing is subscribed under a name that does not exist
                    return;
                }
                throw new ImapNo("NONEXISTENT", "No folder named " + name);
            }
            if (row.get().subscribed() != subscribe) {
                s.services().mailboxes().writer().subscribe(s.address(), name, subscribe);
            }
            s.ok(tag, null, (subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE") + " completed");
        }
    }

    /** LIST (§6.3.9) with LIST-EXTENDED (RFC 5258), SPECIAL-USE (RFC 6154) and LIST-STATUS (RFC 5819); LSUB (RFC 3501). */
    static final class ListFolders implements ImapCommand {
        private final boolean lsub;

        ListFolders(boolean lsub) {
            this.lsub = lsub;
        }

        @Override
        public Set<ImapSession.State> states() {
            return SessionCommands.AUTHENTICATED;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
            args.sp();
            boolean onlySubscribed = lsub;
            boolean onlySpecial = false;
            boolean recursive = false;
            if (!lsub && args.peek() == '(') {
                for (String o : args.atomList(false, "-")) {
                    switch (o.toUpperCase(Locale.ROOT)) {
                        case "SUBSCRIBED" -> onlySubscribed = true;
                        case "SPECIAL-USE" -> onlySpecial = true;
                        case "RECURSIVEMATCH" -> recursive = true;
                        case "REMOTE" -> { }
                        default -> throw new ImapSyntaxException("unknown LIST selection option " + o);
                    }
                }
                args.sp();
            }
            String reference = s.out().utf8() ? args.astring() : ModifiedUtf7.decode(args.astring());
            args.sp();
            List<String> patterns = new ArrayList<>();
            if (!lsub && args.peek() == '(') {
                args.open();
                while (!args.close()) {
                    if (!patterns.isEmpty()) {
                        args.sp();
                    }
                    patterns.add(args.listMailbox());
                }
            } else {
                patterns.add(args.listMailbox());
            }
            boolean returnSubscribed = onlySubscribed;
            boolean returnSpecial = true;
            List<String> statusItems = null;
            if (!lsub && !args.atEnd()) {
                args.sp();
                if (!args.keyword().equals("RETURN")) {
                    throw new ImapSyntaxException("expected RETURN");
                }
                args.sp();
                args.open();
                while (!args.close()) {
                    args.accept(' ');
                    String o = args.keyword();
                    switch (o) {
                        case "SUBSCRIBED" -> returnSubscribed = true;
                        case "CHILDREN", "SPECIAL-USE" -> { }
                        case "STATUS" -> {
                            args.sp();
                            statusItems = args.atomList(false, "");
                        }
                        default -> throw new ImapSyntaxException("unknown LIST return option " + o);
                    }
                }
            }
            args.end();
            if (recursive && !onlySubscribed) {
                throw new ImapSyntaxException("RECURSIVEMATCH needs another selection option");
            }
            if (patterns.size() == 1 && patterns.get(0).isEmpty()) {
                s.untagged((lsub ? "LSUB" : "LIST") + " (\\Noselect) \"/\" \"\"");
                s.ok(tag, null, (lsub ? "LSUB" : "LIST") + " completed");
                return;
            }
            List<FolderRow> folders = new ArrayList<>(s.services().mailboxes().reader().folders(s.address()));
            folders.sort(Comparator.comparing((FolderRow f) -> !f.name().equals(FolderNames.INBOX))
                    .thenComparing(FolderRow::name));
            List<Pattern> matchers = new ArrayList<>();
            for (String p : patterns) {
                String pattern = s.out().utf8() ? p : ModifiedUtf7.decode(p);
                matchers.add(glob(reference.isEmpty() || pattern.startsWith("/") ? pattern : reference + pattern));
            }
            for (FolderRow f : folders) {
                if (matchers.stream().noneMatch(m -> m.matcher(f.name()).matches())) {
                    continue;
                }
                if ((onlySubscribed && !f.subscribed()) || (onlySpecial && f.specialUse() == null)) {
                    continue;
                }
                boolean children = folders.stream().anyMatch(o -> FolderNames.isBelow(o.name(), f.name()));
                List<String> attrs = new ArrayList<>();
                if (!lsub) {
                    attrs.add(children ? "\\HasChildren" : "\\HasNoChildren");
                }
                if (returnSubscribed && f.subscribed() && !lsub) {
                    attrs.add("\\Subscribed");
                }
                if (returnSpecial && f.specialUse() != null) {
                    attrs.add(f.specialUse());
                }
                s.out().raw("* " + (lsub ? "LSUB" : "LIST") + " (" + String.join(" ", attrs) + ") \"/\" ")
                        .string(wire(s, f.name())).crlf();
                if (statusItems != null) {
                    status(s, f, statusItems);
                }
            }
            s.ok(tag, null, (lsub ? "LSUB" : "LIST") + " completed");
        }

        /** {@code *} matches anything, {@code %} anything but the delimiter; INBOX is case-insensitive. */
        static Pattern glob(String pattern) {
            StringBuilder re = new StringBuilder();
            String p = FolderNames.normalize(pattern);
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                if (c == '*') {
                    re.append(".*");
                } else if (c == '%') {
                    re.append("[^/]*");
                } else {
                    re.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(re.toString(), Pattern.DOTALL);
        }
    }

    /** STATUS (§6.3.11) with SIZE (RFC 8438) and HIGHESTMODSEQ (RFC 7162). */
    static final class Status implements ImapCommand {
        @Override
        public Set<ImapSession.State> states() {
            return SessionCommands.AUTHENTICATED;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
            args.sp();
            String name = name(s, args);
            args.sp();
            List<String> items = args.atomList(false, "");
            args.end();
            status(s, require(s, name), items);
            s.ok(tag, null, "STATUS completed");
        }
    }

    static void status(ImapSession s, FolderRow f, List<String> items) throws IOException, ImapSyntaxException {
        List<String> out = new ArrayList<>();
        for (String item : items) {
            String i = item.toUpperCase(Locale.ROOT);
            switch (i) {
                case "MESSAGES" -> out.add("MESSAGES " + f.messages());
                case "UIDNEXT" -> out.add("UIDNEXT " + f.uidNext());
                case "UIDVALIDITY" -> out.add("UIDVALIDITY " + f.uidValidity());
                case "UNSEEN" -> out.add("UNSEEN " + f.unseen());
                case "RECENT" -> out.add("RECENT 0");
                case "SIZE" -> out.add("SIZE " + f.bytes());
                case "HIGHESTMODSEQ" -> out.add("HIGHESTMODSEQ " + f.highestModseq());
                case "DELETED" -> {
                    long deleted = 0;
                    for (FolderEntry e : s.services().mailboxes().reader().entries(f, 1)) {
                        deleted += (e.flags() & Flags.DELETED) != 0 ? 1 : 0;
                    }
                    out.add("DELETED " + deleted);
                }
                default -> throw new ImapSyntaxException("unknown STATUS item " + item);
            }
        }
        s.out().raw("* STATUS ").string(wire(s, f.name())).raw(" (" + String.join(" ", out) + ")").crlf();
    }

    /** APPEND (§6.3.12) with UIDPLUS's APPENDUID (RFC 4315): the literal streams into chunks, never whole on the heap. */
    static final class Append implements ImapCommand {
        @Override
        public Set<ImapSession.State> states() {
            return SessionCommands.AUTHENTICATED;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
            args.sp();
            String name = name(s, args);
            args.sp();
            Flags flags = Flags.NONE;
            if (args.peek() == '(') {
                try {
                    flags = Flags.of(args.atomList(false, "\\"));
                } catch (IllegalArgumentException e) {
                    throw new ImapSyntaxException(e.getMessage());
                }
                args.sp();
            }
            Instant date = Instant.now();
            if (args.peek() == '"') {
                String text = args.string();
                try {
                    date = ZonedDateTime.parse(text.strip().replaceFirst("^(\\d)-", "0$1-"), DATE_TIME).toInstant();
                } catch (DateTimeParseException e) {
                    throw new ImapSyntaxException("not an IMAP date-time: " + text);
                }
                args.sp();
            }
            boolean utf8 = false;
            if (args.peek() == 'U' || args.peek() == 'u') {
                // RFC 6855 §4: UTF8 (literal8), after ENABLE UTF8=ACCEPT
                if (!args.keyword().equals("UTF8") || !s.out().utf8()) {
                    throw new ImapSyntaxException("APPEND's UTF8 data needs ENABLE UTF8=ACCEPT first");
                }
                args.sp();
                args.open();
                utf8 = true;
            }
            long size = args.literalSize();
            if (size < 0) {
                throw new ImapSyntaxException("APPEND needs the message as a literal");
            }
            Optional<FolderRow> folder = s.services().mailboxes().reader().folder(s.address(), name);
            if (folder.isEmpty()) {
                throw new ImapNo("TRYCREATE", "No folder named " + name);
            }
            if (size > s.services().config().appendLimit()) {
                throw new ImapSyntaxException("TOOBIG", "Messages are at most " + s.services().config().appendLimit()
                        + " octets here");
            }
            Quotas quotas = s.services().quotas();
            if (quotas != null && quotas.wouldExceed(s.address(), size)) {
                throw new ImapSyntaxException("OVERQUOTA", "The mailbox is full");
            }
            args.startLiteral();
            UUID id = MessageIds.next();
            StoredMessage stored = store(s, id, args.input(), size);
            args.nextSegment();
            try {
                if (utf8 && !args.close()) {
                    throw new ImapSyntaxException("expected ')' after the UTF8 message");
                }
                args.end();
            } catch (ImapSyntaxException e) {
                s.services().messages().delete(id);
                throw new ImapSyntaxException("MULTIAPPEND is not supported: one message per APPEND");
            }
            MailboxWriter.Appended appended;
            try {
                appended = s.services().mailboxes().writer().append(s.address(), name,
                        new NewMessage(id, size, date, stored.headers().from(), stored.headers().subject()), flags);
            } catch (RuntimeException e) {
                s.services().messages().delete(id);
                throw e;
            }
            s.ok(tag, "APPENDUID " + appended.uidValidity() + " " + appended.uid(), "APPEND completed");
        }

        private static StoredMessage store(ImapSession s, UUID id, InputStream in, long size) throws IOException {
            BodyWriter body = s.services().messages().newBody(id);
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            io.cassmail.mail.HeaderSection scanner = new io.cassmail.mail.HeaderSection();
            byte[] buf = new byte[64 * 1024];
            long left = size;
            int chunks;
            try {
                while (left > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        throw new java.io.EOFException("connection closed inside APPEND's literal");
                    }
                    body.write(buf, 0, n);
                    for (int i = 0; i < n && !scanner.ended() && header.size() < 64 * 1024; i++) {
                        header.write(buf[i]);
                        scanner.feed(buf[i]);
                    }
                    left -= n;
                }
                // every chunk but the last now; the last goes with the message row, in one write (as SMTP intake does)
                chunks = body.finishHoldingLast();
                HeaderSummary summary = HeaderSummaryParser.parse(header.toByteArray());
                StoredMessage stored = new StoredMessage(id, null, List.of(s.address()), size, chunks, Instant.now(),
                        s.clientAddress(), "IMAP APPEND", summary);
                s.services().writes().write(body, stored, List.of());
                return stored;
            } catch (IOException | RuntimeException e) {
                body.abort();
                throw e;
            }
        }
    }

    /** GETQUOTAROOT and GETQUOTA (RFC 9208): one root, "", over the account's storage and messages. */
    static final class Quota implements ImapCommand {
        private final boolean root;

        Quota(boolean root) {
            this.root = root;
        }

        @Override
        public Set<ImapSession.State> states() {
            return SessionCommands.AUTHENTICATED;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
            args.sp();
            String name = root ? name(s, args) : args.astring();
            args.end();
            if (root) {
                require(s, name);
                s.out().raw("* QUOTAROOT ").string(wire(s, name)).raw(" \"\"").crlf();
            } else if (!name.isEmpty()) {
                throw new ImapNo("NONEXISTENT", "The only quota root is \"\"");
            }
            Quotas.Limits limits = s.services().quotas().limits(s.address());
            MailboxUsage usage = s.services().mailboxes().reader().usage(s.address());
            s.untagged("QUOTA \"\" (STORAGE " + (usage.bytes() + 1023) / 1024 + " " + limits.maxBytes() / 1024
                    + " MESSAGE " + usage.messages() + " " + limits.maxMessages() + ")");
            s.ok(tag, null, (root ? "GETQUOTAROOT" : "GETQUOTA") + " completed");
        }
    }
}
