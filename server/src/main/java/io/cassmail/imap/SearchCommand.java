package io.cassmail.imap;

import io.cassmail.mailbox.Flags;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * SEARCH and UID SEARCH (RFC 9051 §6.4.4) with ESEARCH results (RETURN, RFC 4731) and MODSEQ (RFC 7162 §3.1.5).
 * Flags, sizes, dates and UIDs come from the session's view; header keys read each message's header (one
 * chunk); BODY and TEXT stream each message's text parts once, decoded (transfer encoding and charset).
 */
final class SearchCommand implements ImapCommand {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d-MMM-yyyy", Locale.ROOT);
    private final boolean uid;

    SearchCommand(boolean uid) {
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

    /** A search key, tested against one message. */
    interface Key {
        boolean test(ImapSession s, SelectedFolder f, int msn) throws IOException;
    }

    @Override
    public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
        new SearchCommand(uid).search(s, tag, args); // the instance in the command table is shared: state per run
    }

    private void search(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
        args.sp();
        List<String> returns = null;
        int mark = args.mark();
        if (Character.isLetter(args.peek()) && args.keyword().equals("RETURN")) {
            args.sp();
            returns = args.atomList(false, "");
            args.sp();
        } else {
            args.reset(mark);
        }
        mark = args.mark();
        if (Character.isLetter(args.peek()) && args.keyword().equals("CHARSET")) {
            args.sp();
            String cs = args.astring().toUpperCase(Locale.ROOT);
            if (!cs.equals("UTF-8") && !cs.equals("US-ASCII")) {
                throw new ImapNo("BADCHARSET (UTF-8 US-ASCII)", "Searches are in UTF-8 or US-ASCII");
            }
            args.sp();
        } else {
            args.reset(mark);
        }
        List<Key> keys = new ArrayList<>();
        keys.add(key(s, args));
        while (!args.atEnd()) {
            args.sp();
            keys.add(key(s, args));
        }
        args.end();
        finish(s, tag, and(keys), returns);
    }

    private void finish(ImapSession s, String tag, Key key, List<String> returns) throws IOException, ImapNo {
        SelectedFolder f = s.selected();
        budget[0] = s.services().config().searchBudget();
        List<Integer> hits = new ArrayList<>();
        long highest = 0;
        for (int m = 1; m <= f.count(); m++) {
            if (budget[0] < 0) {
                throw new ImapNo("LIMIT", "This search would read more than " + (s.services().config().searchBudget() >> 20)
                        + " MiB of mail (imap.search-budget); narrow it, e.g. with SINCE or a UID range");
            }
            if (key.test(s, f, m)) {
                hits.add(m);
                highest = Math.max(highest, f.modseq(m));
            }
        }
        List<Long> numbers = new ArrayList<>();
        for (int m : hits) {
            numbers.add(uid ? f.uid(m) : m);
        }
        boolean modseq = usesModseq;
        if (returns == null) {
            StringBuilder b = new StringBuilder("SEARCH");
            numbers.forEach(n -> b.append(' ').append(n));
            if (modseq && !numbers.isEmpty()) {
                b.append(" (MODSEQ ").append(highest).append(')');
            }
            s.untagged(b.toString());
        } else {
            List<String> r = returns.isEmpty() ? List.of("ALL") : returns.stream().map(x -> x.toUpperCase(Locale.ROOT)).toList();
            StringBuilder b = new StringBuilder("ESEARCH (TAG \"" + tag + "\")" + (uid ? " UID" : ""));
            for (String opt : r) {
                switch (opt) {
                    case "MIN" -> {
                        if (!numbers.isEmpty()) {
                            b.append(" MIN ").append(numbers.get(0));
                        }
                    }
                    case "MAX" -> {
                        if (!numbers.isEmpty()) {
                            b.append(" MAX ").append(numbers.get(numbers.size() - 1));
                        }
                    }
                    case "COUNT" -> b.append(" COUNT ").append(numbers.size());
                    case "ALL" -> {
                        if (!numbers.isEmpty()) {
                            b.append(" ALL ").append(SequenceSet.format(numbers));
                        }
                    }
                    case "SAVE" -> { }
                    default -> { }
                }
            }
            if (modseq && !numbers.isEmpty()) {
                b.append(" MODSEQ ").append(highest);
            }
            s.untagged(b.toString());
        }
        s.ok(tag, null, (uid ? "UID SEARCH" : "SEARCH") + " completed");
    }

    private boolean usesModseq;
    /** Bytes of mail this command may still read for its text keys (one element: the keys update it). */
    private final long[] budget = {Long.MAX_VALUE};

    private static Key and(List<Key> keys) {
        return (s, f, m) -> {
            for (Key k : keys) {
                if (!k.test(s, f, m)) {
                    return false;
                }
            }
            return true;
        };
    }

    private Key key(ImapSession s, CommandReader args) throws IOException, ImapSyntaxException {
        if (args.peek() == '(') {
            args.open();
            List<Key> keys = new ArrayList<>();
            while (!args.close()) {
                args.accept(' ');
                keys.add(key(s, args));
            }
            return and(keys);
        }
        int c = args.peek();
        if (c == '*' || (c >= '0' && c <= '9')) {
            SequenceSet set = SequenceSet.parse(args.atom(":,*"));
            return (ss, f, m) -> set.contains(m, f.count());
        }
        String word = args.keyword();
        switch (word) {
            case "ALL", "OLD":
                return (ss, f, m) -> true;
            case "NEW", "RECENT":
                return (ss, f, m) -> false;
            case "ANSWERED":
                return flag(Flags.ANSWERED, true);
            case "UNANSWERED":
                return flag(Flags.ANSWERED, false);
            case "DELETED":
                return flag(Flags.DELETED, true);
            case "UNDELETED":
                return flag(Flags.DELETED, false);
            case "DRAFT":
                return flag(Flags.DRAFT, true);
            case "UNDRAFT":
                return flag(Flags.DRAFT, false);
            case "FLAGGED":
                return flag(Flags.FLAGGED, true);
            case "UNFLAGGED":
                return flag(Flags.FLAGGED, false);
            case "SEEN":
                return flag(Flags.SEEN, true);
            case "UNSEEN":
                return flag(Flags.SEEN, false);
            case "KEYWORD", "UNKEYWORD": {
                args.sp();
                String k = args.atom("\\");
                boolean want = word.equals("KEYWORD");
                return (ss, f, m) -> f.flags(m).names().stream().anyMatch(k::equalsIgnoreCase) == want;
            }
            case "BCC", "CC", "FROM", "TO", "SUBJECT": {
                args.sp();
                String name = word.charAt(0) + word.substring(1).toLowerCase(Locale.ROOT);
                return header(name, args.astring());
            }
            case "HEADER": {
                args.sp();
                String name = args.astring();
                args.sp();
                return header(name, args.astring());
            }
            case "BODY", "TEXT": {
                args.sp();
                String needle = args.astring().toLowerCase(Locale.ROOT);
                boolean text = word.equals("TEXT");
                return (ss, f, m) -> {
                    budget[0] -= f.size(m);
                    return budget[0] >= 0 && contains(ss, f, m, needle, text);
                };
            }
            case "LARGER", "SMALLER": {
                args.sp();
                long n = args.number();
                boolean larger = word.equals("LARGER");
                return (ss, f, m) -> larger ? f.size(m) > n : f.size(m) < n;
            }
            case "BEFORE", "ON", "SINCE", "SENTBEFORE", "SENTON", "SENTSINCE": {
                args.sp();
                LocalDate day = date(args.astring());
                boolean sent = word.startsWith("SENT");
                String cmp = sent ? word.substring(4) : word;
                return (ss, f, m) -> {
                    LocalDate d = sent ? sentDate(ss, f, m) : java.time.Instant.ofEpochMilli(f.internalDate(m))
                            .atZone(ZoneOffset.UTC).toLocalDate();
                    if (d == null) {
                        return false;
                    }
                    return switch (cmp) {
                        case "BEFORE" -> d.isBefore(day);
                        case "ON" -> d.isEqual(day);
                        default -> !d.isBefore(day);
                    };
                };
            }
            case "UID": {
                args.sp();
                SequenceSet set = SequenceSet.parse(args.atom(":,*"));
                return (ss, f, m) -> set.contains(f.uid(m), f.largestUid());
            }
            case "NOT": {
                args.sp();
                Key k = key(s, args);
                return (ss, f, m) -> !k.test(ss, f, m);
            }
            case "OR": {
                args.sp();
                Key a = key(s, args);
                args.sp();
                Key b = key(s, args);
                return (ss, f, m) -> a.test(ss, f, m) || b.test(ss, f, m);
            }
            case "MODSEQ": {
                args.sp();
                if (args.peek() == '"') {
                    args.string();
                    args.sp();
                    args.atom();
                    args.sp();
                }
                long n = args.number();
                usesModseq = true;
                s.condstoreUsed();
                return (ss, f, m) -> f.modseq(m) >= n;
            }
            default:
                throw new ImapSyntaxException("unknown search key " + word);
        }
    }

    private static Key flag(long bit, boolean set) {
        return (s, f, m) -> f.flags(m).has(bit) == set;
    }

    private static Key header(String name, String value) {
        String needle = value.toLowerCase(Locale.ROOT);
        return (s, f, m) -> {
            Optional<MimePart> h = s.content().header(f.messageId(m), f.size(m));
            if (h.isEmpty()) {
                return false;
            }
            for (HeaderFields.Field field : h.get().fields()) {
                if (field.name().equalsIgnoreCase(name)) {
                    if (needle.isEmpty() || DecoderUtil.decodeEncodedWords(field.value(), (java.nio.charset.Charset) null).toLowerCase(Locale.ROOT)
                            .contains(needle)) {
                        return true;
                    }
                }
            }
            return false;
        };
    }

    private static LocalDate sentDate(ImapSession s, SelectedFolder f, int m) throws IOException {
        Optional<MimePart> h = s.content().header(f.messageId(m), f.size(m));
        String date = h.map(p -> p.field("Date")).orElse(null);
        if (date == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(date.replaceAll("\\s*\\(.*\\)\\s*$", "").strip(),
                    DateTimeFormatter.RFC_1123_DATE_TIME).toLocalDate();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static LocalDate date(String text) throws ImapSyntaxException {
        try {
            return LocalDate.parse(text, DATE);
        } catch (DateTimeParseException e) {
            throw new ImapSyntaxException("not a date (d-Mon-yyyy): " + text);
        }
    }

    /**
     * Whether the message's text holds the words, without case (RFC 9051 §6.4.4): the text parts, decoded from
     * base64 or quoted-printable and from their charset, streamed one part after the other in one pass over the
     * stored chunks; with TEXT also the header sections. Attachments that are not text are not searched.
     */
    private static boolean contains(ImapSession s, SelectedFolder f, int m, String needle, boolean text)
            throws IOException {
        if (needle.isEmpty()) {
            return true;
        }
        Optional<MimePart> root = s.content().structure(f.messageId(m), f.size(m));
        if (root.isEmpty()) {
            return false;
        }
        List<MimePart> searched = new ArrayList<>();
        leaves(root.get(), false, searched);
        if (text && matches(headerText(root.get()), needle)) {
            return true;
        }
        Optional<MessageContent.Opened> o = s.content().open(f.messageId(m), f.size(m));
        if (o.isEmpty()) {
            return false;
        }
        try (InputStream in = new BufferedInputStream(o.get().in(), 64 * 1024)) {
            long pos = 0;
            for (MimePart part : searched) {
                if (text && part.message == null && part != root.get() && matches(headerText(part), needle)) {
                    return true;
                }
                in.skipNBytes(part.bodyStart - pos);
                pos = part.bodyEnd;
                InputStream body = new BinarySection.Bounded(in, part.bodySize());
                String encoding = MimePart.mainToken(part.field("Content-Transfer-Encoding"));
                InputStream decoded = encoding == null ? body
                        : encoding.equalsIgnoreCase("base64") ? new org.apache.james.mime4j.codec.Base64InputStream(body)
                        : encoding.equalsIgnoreCase("quoted-printable")
                        ? new org.apache.james.mime4j.codec.QuotedPrintableInputStream(body) : body;
                boolean found = matches(new java.io.InputStreamReader(decoded, charset(part)), needle);
                body.transferTo(java.io.OutputStream.nullOutputStream());
                if (found) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The text parts in the order they are stored; message/rfc822 parts contribute their own. */
    private static void leaves(MimePart p, boolean inDigest, List<MimePart> into) {
        if (!p.children.isEmpty()) {
            boolean digest = p.contentType(inDigest).is("multipart", "digest");
            p.children.forEach(c -> leaves(c, digest, into));
        } else if (p.message != null) {
            leaves(p.message, false, into);
        } else if (p.contentType(inDigest).is("text", null)) {
            into.add(p);
        }
    }

    private static String headerText(MimePart p) {
        StringBuilder b = new StringBuilder();
        for (HeaderFields.Field field : p.fields()) {
            b.append(field.name()).append(": ")
                    .append(DecoderUtil.decodeEncodedWords(field.value(), (java.nio.charset.Charset) null)).append('\n');
        }
        return b.toString();
    }

    private static java.nio.charset.Charset charset(MimePart p) {
        String name = p.contentType(false).param("charset");
        try {
            return name == null ? StandardCharsets.US_ASCII : java.nio.charset.Charset.forName(name.strip());
        } catch (IllegalArgumentException e) {
            return StandardCharsets.ISO_8859_1; // unknown charset: every byte still reads as one character
        }
    }

    private static boolean matches(String haystack, String needle) throws IOException {
        return matches(new java.io.StringReader(haystack), needle);
    }

    /** Whether the characters hold {@code needle} (lower case), ignoring case, with a KMP scan (nothing buffered). */
    private static boolean matches(java.io.Reader in, String needle) throws IOException {
        int[] fail = failure(needle);
        int j = 0;
        int c;
        while ((c = in.read()) >= 0) {
            char ch = Character.toLowerCase((char) c);
            while (j > 0 && needle.charAt(j) != ch) {
                j = fail[j - 1];
            }
            if (needle.charAt(j) == ch) {
                j++;
            }
            if (j == needle.length()) {
                return true;
            }
        }
        return false;
    }

    private static int[] failure(String p) {
        int[] f = new int[p.length()];
        int k = 0;
        for (int i = 1; i < p.length(); i++) {
            while (k > 0 && p.charAt(k) != p.charAt(i)) {
                k = f[k - 1];
            }
            if (p.charAt(k) == p.charAt(i)) {
                k++;
            }
            f[i] = k;
        }
        return f;
    }

}
