package io.cassmail.imap;

import io.cassmail.mailbox.Flags;
import io.cassmail.mailbox.MailboxWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * FETCH and UID FETCH (RFC 9051 §6.4.5, §6.4.9) with CHANGEDSINCE (RFC 7162 §3.1.4): flags and sizes from the
 * session's view, ENVELOPE from the header alone, BODYSTRUCTURE and sections from the parsed structure, and
 * section bytes streamed from the stored chunks.
 */
final class FetchCommand implements ImapCommand {
    private final boolean uid;

    FetchCommand(boolean uid) {
        this.uid = uid;
    }

    @Override
    public Set<ImapSession.State> states() {
        return SessionCommands.SELECTED;
    }

    @Override
    public boolean expungeAllowed() {
        return uid;
    }

    @Override
    public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
        args.sp();
        SequenceSet set = SequenceSet.parse(args.atom(":,*"));
        args.sp();
        List<FetchItem> items = new ArrayList<>();
        if (args.peek() == '(') {
            args.open();
            while (!args.close()) {
                args.accept(' ');
                items.add(FetchItem.parse(args.fetchAtt()));
            }
        } else {
            String a = args.fetchAtt();
            switch (a.toUpperCase(java.util.Locale.ROOT)) {
                case "ALL" -> List.of("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE").forEach(n -> items.add(item(n)));
                case "FAST" -> List.of("FLAGS", "INTERNALDATE", "RFC822.SIZE").forEach(n -> items.add(item(n)));
                case "FULL" -> List.of("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY")
                        .forEach(n -> items.add(item(n)));
                default -> items.add(FetchItem.parse(a));
            }
        }
        long changedSince = -1;
        boolean vanished = false;
        if (!args.atEnd()) {
            args.sp();
            args.open();
            while (!args.close()) {
                args.accept(' ');
                String modifier = args.keyword();
                if (modifier.equals("CHANGEDSINCE")) {
                    args.sp();
                    changedSince = args.number();
                } else if (modifier.equals("VANISHED") && uid && s.enabled().contains("QRESYNC")) {
                    vanished = true;
                } else {
                    throw new ImapSyntaxException("unknown FETCH modifier " + modifier
                            + " (CHANGEDSINCE, and VANISHED with UID FETCH after ENABLE QRESYNC)");
                }
            }
            if (vanished && changedSince < 0) {
                throw new ImapSyntaxException("VANISHED needs CHANGEDSINCE (RFC 7162 section 3.2.6)");
            }
            s.condstoreUsed();
        }
        args.end();
        if (items.stream().anyMatch(i -> i.name().equals("MODSEQ"))) {
            s.condstoreUsed();
        }
        SelectedFolder f = s.selected();
        List<Integer> msns = msns(f, set, uid);
        if (vanished) {
            List<long[]> gone = f.missing(set);
            if (!gone.isEmpty()) {
                s.untagged("VANISHED (EARLIER) " + SequenceSet.formatRanges(gone));
            }
        }
        if (changedSince >= 0) {
            long since = changedSince;
            msns.removeIf(m -> f.modseq(m) <= since);
        }
        boolean showFlags = false;
        if (!f.readOnly && items.stream().anyMatch(FetchItem::setsSeen)) {
            List<Long> unseen = new ArrayList<>();
            for (int m : msns) {
                if (!f.flags(m).seen()) {
                    unseen.add(f.uid(m));
                }
            }
            if (!unseen.isEmpty()) {
                MailboxWriter.Stored stored = s.services().mailboxes().writer().store(s.address(), f.name, unseen,
                        MailboxWriter.FlagChange.ADD, Flags.of("\\Seen"), null);
                stored.changed().forEach(f::flagsChanged);
                showFlags = items.stream().noneMatch(i -> i.name().equals("FLAGS"));
            }
        }
        boolean full = items.stream().anyMatch(i -> i.name().startsWith("BODY") && !i.name().equals("BODY[")
                || (i.name().equals("BODY[") || i.binary()) && i.path().length > 0);
        for (FetchItem item : items) {
            if (item.binary() && item.path().length > 0) {
                for (int m : msns) {
                    Optional<MimePart> root = s.content().structure(f.messageId(m), f.size(m));
                    MimePart part = root.map(r -> resolve(r, item.path())).orElse(null);
                    if (part != null && BinarySection.decoder(part) == null) {
                        throw new ImapNo("UNKNOWN-CTE", "Message " + m + " part " + item.label()
                                + " has a content transfer encoding this server cannot decode");
                    }
                }
            }
        }
        boolean header = full || items.stream().anyMatch(i -> i.name().equals("ENVELOPE"));
        if (header && msns.size() > 1) {
            List<java.util.UUID> ids = new ArrayList<>();
            List<Long> sizes = new ArrayList<>();
            msns.forEach(m -> {
                ids.add(f.messageId(m));
                sizes.add(f.size(m));
            });
            s.content().prefetch(ids, sizes, full);
        }
        for (int m : msns) {
            write(s, f, m, items, showFlags || changedSince >= 0, uid);
        }
        s.ok(tag, null, (uid ? "UID FETCH" : "FETCH") + " completed");
    }

    private static FetchItem item(String name) {
        try {
            return FetchItem.parse(name);
        } catch (ImapSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sequence numbers a set names, ascending; by UID, UIDs not in the folder are skipped (RFC 9051 §6.4.9). */
    static List<Integer> msns(SelectedFolder f, SequenceSet set, boolean byUid) throws ImapNo {
        List<Integer> result = new ArrayList<>();
        if (byUid) {
            long largest = f.largestUid();
            for (int m = 1; m <= f.count(); m++) {
                if (set.contains(f.uid(m), largest)) {
                    result.add(m);
                }
            }
            return result;
        }
        if (f.count() == 0 || set.max(f.count()) > f.count()) {
            throw new ImapNo(null, f.count() == 0 ? "The folder is empty" : "No message with that number (the folder has "
                    + f.count() + ")");
        }
        long lo = set.min(f.count());
        long hi = set.max(f.count());
        for (long m = lo; m <= hi; m++) {
            if (set.contains(m, f.count())) {
                result.add((int) m);
            }
        }
        return result;
    }

    private static void write(ImapSession s, SelectedFolder f, int m, List<FetchItem> items, boolean extraFlags,
                              boolean byUid) throws IOException {
        ImapWriter w = s.out();
        w.raw("* " + m + " FETCH (");
        boolean first = true;
        boolean uidDone = false;
        boolean flagsDone = false;
        boolean modseqDone = false;
        for (FetchItem item : items) {
            if (!first) {
                w.raw(" ");
            }
            first = false;
            switch (item.name()) {
                case "UID" -> {
                    w.raw("UID " + f.uid(m));
                    uidDone = true;
                }
                case "FLAGS" -> {
                    w.raw("FLAGS " + Capabilities.flagList(f.flags(m)));
                    flagsDone = true;
                }
                case "MODSEQ" -> {
                    w.raw("MODSEQ (" + f.modseq(m) + ")");
                    modseqDone = true;
                }
                case "INTERNALDATE" -> w.raw("INTERNALDATE \"" + FolderCommands.DATE_TIME.format(
                        Instant.ofEpochMilli(f.internalDate(m)).atZone(ZoneOffset.UTC)) + "\"");
                case "RFC822.SIZE" -> w.raw("RFC822.SIZE " + f.size(m));
                case "ENVELOPE" -> {
                    Optional<MimePart> h = s.content().header(f.messageId(m), f.size(m));
                    w.raw("ENVELOPE ");
                    if (h.isPresent()) {
                        FetchFormats.envelope(w, h.get());
                    } else {
                        w.raw("(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
                    }
                }
                case "BODYSTRUCTURE", "BODY" -> {
                    Optional<MimePart> p = s.content().structure(f.messageId(m), f.size(m));
                    w.raw(item.name() + " ");
                    if (p.isPresent()) {
                        FetchFormats.structure(w, p.get(), item.name().equals("BODYSTRUCTURE"), false);
                    } else {
                        w.raw("(\"text\" \"plain\" NIL NIL NIL \"7bit\" 0 0)");
                    }
                }
                default -> {
                    if (item.binary()) {
                        BinarySection.write(s, f, m, item);
                    } else {
                        section(s, f, m, item);
                    }
                }
            }
        }
        if (!uidDone && byUid) { // UID FETCH always names the UID (RFC 9051 §6.4.9)
            w.raw((first ? "" : " ") + "UID " + f.uid(m));
            first = false;
        }
        if (extraFlags && !flagsDone) {
            w.raw(" FLAGS " + Capabilities.flagList(f.flags(m)));
        }
        if (s.condstore() && !modseqDone && extraFlags) {
            w.raw(" MODSEQ (" + f.modseq(m) + ")");
        }
        w.raw(")").crlf();
    }

    /** A body section: its byte range found in the structure, sent from the stored chunks. */
    private static void section(ImapSession s, SelectedFolder f, int m, FetchItem item) throws IOException {
        ImapWriter w = s.out();
        w.raw(item.label() + " ");
        boolean whole = item.path().length == 0 && item.kind().isEmpty();
        boolean topHeader = item.path().length == 0 && (item.kind().equals("HEADER") || item.kind().equals("TEXT")
                || item.kind().startsWith("HEADER.FIELDS"));
        Optional<MimePart> structure = whole ? Optional.empty() // BODY[] needs no parse
                : topHeader ? s.content().header(f.messageId(m), f.size(m))
                : s.content().structure(f.messageId(m), f.size(m));
        if (!whole && structure.isEmpty()) {
            w.raw("NIL");
            return;
        }
        long start;
        long end;
        byte[] filtered = null;
        if (whole) {
            start = 0;
            end = f.size(m);
        } else {
            MimePart target = resolve(structure.get(), item.path());
            if (target == null) {
                w.raw("\"\""); // a part that does not exist has no text (Dovecot's answer too)
                return;
            }
            MimePart message = item.path().length == 0 ? target : target.message;
            switch (item.kind()) {
                case "" -> {
                    start = target.bodyStart;
                    end = target.bodyEnd;
                }
                case "MIME" -> {
                    start = target.headerStart;
                    end = target.bodyStart;
                }
                default -> {
                    if (message == null) {
                        w.raw("\"\"");
                        return;
                    }
                    if (item.kind().equals("HEADER")) {
                        start = message.headerStart;
                        end = message.bodyStart;
                    } else if (item.kind().equals("TEXT")) {
                        start = message.bodyStart;
                        end = item.path().length == 0 ? f.size(m) : message.bodyEnd;
                    } else {
                        filtered = fields(message, item.fields(), item.kind().equals("HEADER.FIELDS.NOT"));
                        start = 0;
                        end = filtered.length;
                    }
                }
            }
        }
        long length = Math.max(0, end - start);
        long from = Math.min(item.offset(), length);
        long size = item.length() < 0 ? length - from : Math.min(item.length(), length - from);
        if (filtered != null) {
            w.literal(java.util.Arrays.copyOfRange(filtered, (int) from, (int) (from + size)));
            return;
        }
        Optional<MessageContent.Opened> opened = s.content().open(f.messageId(m), f.size(m));
        if (opened.isEmpty()) {
            w.raw("NIL");
            return;
        }
        try (InputStream in = opened.get().in()) {
            in.skipNBytes(start + from);
            w.literal(size, in);
        }
    }

    /** The part a path names (RFC 9051 §6.4.5 part specifiers); the root for an empty path; null when there is none. */
    static MimePart resolve(MimePart root, int[] path) {
        MimePart cur = root;
        boolean itself = false;
        for (int i = 0; i < path.length; i++) {
            MimePart container = cur;
            if (i > 0 && cur.message != null) {
                container = cur.message; // a message/rfc822 part: its message's parts are numbered below it
            } else if (itself) {
                return null; // "1" of a single-part body names the body; nothing lies below it
            }
            int k = path[i];
            if (!container.children.isEmpty()) {
                if (k > container.children.size()) {
                    return null;
                }
                cur = container.children.get(k - 1);
                itself = false;
            } else if (k == 1) {
                itself = container == cur || container == root;
                cur = container;
            } else {
                return null;
            }
        }
        return cur;
    }

    /** The named header fields (or all others), as they are, and the empty line (RFC 9051 §6.4.5). */
    static byte[] fields(MimePart message, List<String> names, boolean not) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (HeaderFields.Field field : message.fields()) {
            boolean named = names.stream().anyMatch(n -> n.equalsIgnoreCase(field.name()));
            if (named != not) {
                out.write(message.header, field.start(), field.end() - field.start());
            }
        }
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }
}
