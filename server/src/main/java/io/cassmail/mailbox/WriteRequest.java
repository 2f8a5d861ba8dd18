package io.cassmail.mailbox;

import io.cassmail.store.FolderEntry;
import io.cassmail.store.FolderRow;
import io.cassmail.store.StoreUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One change to an account's folders, as {@link MailboxWriter} runs it here or sends it to the process that
 * writes the account now. Requests and their results travel as compact binary (no message bytes, ids only).
 */
public sealed interface WriteRequest {

    String address();

    record Open(String address) implements WriteRequest {
    }

    record Create(String address, String name, SpecialUse use) implements WriteRequest {
    }

    record Rename(String address, String from, String to) implements WriteRequest {
    }

    record Subscribe(String address, String name, boolean subscribed) implements WriteRequest {
    }

    record Delete(String address, String name) implements WriteRequest {
    }

    record Purge(String address) implements WriteRequest {
    }

    record Append(String address, String folder, NewMessage message, Flags flags) implements WriteRequest {
    }

    record Deliver(String address, NewMessage message, String folder) implements WriteRequest {
    }

    record Transfer(String address, String from, List<Long> uids, String to, boolean move) implements WriteRequest {
    }

    record Store(String address, String folder, List<Long> uids, MailboxWriter.FlagChange how, Flags flags,
                 Long unchangedSince) implements WriteRequest {
    }

    record Expunge(String address, String folder, List<Long> uids) implements WriteRequest {
    }

    record Recount(String address) implements WriteRequest {
    }

    /** Many messages appended at once (imports, benchmarks), in batches of up to 64. */
    record AppendAll(String address, String folder, List<NewMessage> messages) implements WriteRequest {
    }

    // ---- wire format ----

    static byte[] encode(WriteRequest r) {
        return bytes(out -> {
            if (r instanceof Open o) {
                out.writeByte(1);
                out.writeUTF(o.address());
            } else if (r instanceof Create c) {
                out.writeByte(2);
                out.writeUTF(c.address());
                out.writeUTF(c.name());
                out.writeUTF(c.use() == null ? "" : c.use().name());
            } else if (r instanceof Rename n) {
                out.writeByte(3);
                out.writeUTF(n.address());
                out.writeUTF(n.from());
                out.writeUTF(n.to());
            } else if (r instanceof Subscribe s) {
                out.writeByte(4);
                out.writeUTF(s.address());
                out.writeUTF(s.name());
                out.writeBoolean(s.subscribed());
            } else if (r instanceof Delete d) {
                out.writeByte(5);
                out.writeUTF(d.address());
                out.writeUTF(d.name());
            } else if (r instanceof Purge p) {
                out.writeByte(6);
                out.writeUTF(p.address());
            } else if (r instanceof Append a) {
                out.writeByte(7);
                out.writeUTF(a.address());
                out.writeUTF(a.folder());
                message(out, a.message());
                flags(out, a.flags());
            } else if (r instanceof Deliver d) {
                out.writeByte(8);
                out.writeUTF(d.address());
                message(out, d.message());
                out.writeUTF(d.folder());
            } else if (r instanceof Transfer t) {
                out.writeByte(9);
                out.writeUTF(t.address());
                out.writeUTF(t.from());
                longs(out, t.uids());
                out.writeUTF(t.to());
                out.writeBoolean(t.move());
            } else if (r instanceof Store s) {
                out.writeByte(10);
                out.writeUTF(s.address());
                out.writeUTF(s.folder());
                longs(out, s.uids());
                out.writeByte(s.how().ordinal());
                flags(out, s.flags());
                out.writeLong(s.unchangedSince() == null ? -1 : s.unchangedSince());
            } else if (r instanceof Expunge e) {
                out.writeByte(11);
                out.writeUTF(e.address());
                out.writeUTF(e.folder());
                longs(out, e.uids());
            } else if (r instanceof Recount c) {
                out.writeByte(12);
                out.writeUTF(c.address());
            } else if (r instanceof AppendAll a) {
                out.writeByte(13);
                out.writeUTF(a.address());
                out.writeUTF(a.folder());
                out.writeInt(a.messages().size());
                for (NewMessage m : a.messages()) {
                    message(out, m);
                }
            }
        });
    }

    static WriteRequest decode(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            int type = in.readByte();
            String address = in.readUTF();
            return switch (type) {
                case 1 -> new Open(address);
                case 2 -> {
                    String name = in.readUTF();
                    String use = in.readUTF();
                    yield new Create(address, name, use.isEmpty() ? null : SpecialUse.valueOf(use));
                }
                case 3 -> new Rename(address, in.readUTF(), in.readUTF());
                case 4 -> new Subscribe(address, in.readUTF(), in.readBoolean());
                case 5 -> new Delete(address, in.readUTF());
                case 6 -> new Purge(address);
                case 7 -> new Append(address, in.readUTF(), message(in), flags(in));
                case 8 -> new Deliver(address, message(in), in.readUTF());
                case 9 -> new Transfer(address, in.readUTF(), longs(in), in.readUTF(), in.readBoolean());
                case 10 -> {
                    String folder = in.readUTF();
                    List<Long> uids = longs(in);
                    MailboxWriter.FlagChange how = MailboxWriter.FlagChange.values()[in.readByte()];
                    Flags flags = flags(in);
                    long since = in.readLong();
                    yield new Store(address, folder, uids, how, flags, since < 0 ? null : since);
                }
                case 11 -> new Expunge(address, in.readUTF(), longs(in));
                case 12 -> new Recount(address);
                case 13 -> {
                    String folder = in.readUTF();
                    int n = in.readInt();
                    List<NewMessage> messages = new ArrayList<>(Math.min(n, 1 << 16));
                    for (int i = 0; i < n; i++) {
                        messages.add(message(in));
                    }
                    yield new AppendAll(address, folder, messages);
                }
                default -> throw new IllegalArgumentException("unknown mailbox request type " + type);
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed mailbox request: " + e.getMessage(), e);
        }
    }

    /** A result, or the refusal or failure it ended in, for the requester to rethrow. */
    static byte[] encodeResult(WriteRequest r, Object result) {
        return bytes(out -> {
            out.writeByte(0);
            if (r instanceof Open) {
                @SuppressWarnings("unchecked")
                List<FolderRow> rows = (List<FolderRow>) result;
                out.writeInt(rows.size());
                for (FolderRow f : rows) {
                    folder(out, f);
                }
            } else if (r instanceof Create) {
                folder(out, (FolderRow) result);
            } else if (r instanceof Delete || r instanceof Purge) {
                out.writeLong((Long) result);
            } else if (r instanceof Append || r instanceof Deliver) {
                MailboxWriter.Appended a = (MailboxWriter.Appended) result;
                out.writeLong(a.uidValidity());
                out.writeLong(a.uid());
                out.writeBoolean(a.existed());
            } else if (r instanceof AppendAll) {
                @SuppressWarnings("unchecked")
                List<MailboxWriter.Appended> all = (List<MailboxWriter.Appended>) result;
                out.writeInt(all.size());
                for (MailboxWriter.Appended a : all) {
                    out.writeLong(a.uidValidity());
                    out.writeLong(a.uid());
                }
            } else if (r instanceof Transfer) {
                @SuppressWarnings("unchecked")
                Map<Long, Long> map = (Map<Long, Long>) result;
                longs(out, new ArrayList<>(map.keySet()));
                longs(out, new ArrayList<>(map.values()));
            } else if (r instanceof Store) {
                MailboxWriter.Stored s = (MailboxWriter.Stored) result;
                out.writeInt(s.changed().size());
                for (FolderEntry e : s.changed()) {
                    entry(out, e);
                }
                longs(out, s.modified());
            } else if (r instanceof Expunge) {
                @SuppressWarnings("unchecked")
                List<Long> uids = (List<Long>) result;
                longs(out, uids);
            } else if (r instanceof Recount) {
                io.cassmail.store.MailboxUsage u = (io.cassmail.store.MailboxUsage) result;
                out.writeLong(u.messages());
                out.writeLong(u.bytes());
            }
        });
    }

    static byte[] encodeFailure(RuntimeException e) {
        return bytes(out -> {
            if (e instanceof MailboxException m) {
                out.writeByte(1);
                out.writeUTF(m.kind().name());
            } else {
                out.writeByte(2);
            }
            out.writeUTF(String.valueOf(e.getMessage()));
        });
    }

    /** The result of {@code r}, or the exception the writer ended it with. */
    static Object decodeResult(WriteRequest r, byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            int status = in.readByte();
            if (status == 1) {
                MailboxException.Kind kind = MailboxException.Kind.valueOf(in.readUTF());
                throw new MailboxException(kind, in.readUTF());
            }
            if (status == 2) {
                throw new StoreUnavailableException(in.readUTF(), null);
            }
            if (r instanceof Open) {
                int n = in.readInt();
                List<FolderRow> rows = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    rows.add(folder(in));
                }
                return rows;
            } else if (r instanceof Create) {
                return folder(in);
            } else if (r instanceof Delete || r instanceof Purge) {
                return in.readLong();
            } else if (r instanceof Append || r instanceof Deliver) {
                return new MailboxWriter.Appended(in.readLong(), in.readLong(), in.readBoolean());
            } else if (r instanceof AppendAll) {
                int n = in.readInt();
                List<MailboxWriter.Appended> all = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    all.add(new MailboxWriter.Appended(in.readLong(), in.readLong(), false));
                }
                return all;
            } else if (r instanceof Transfer) {
                List<Long> from = longs(in);
                List<Long> to = longs(in);
                Map<Long, Long> map = new LinkedHashMap<>();
                for (int i = 0; i < from.size(); i++) {
                    map.put(from.get(i), to.get(i));
                }
                return map;
            } else if (r instanceof Store) {
                int n = in.readInt();
                List<FolderEntry> changed = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    changed.add(entry(in));
                }
                return new MailboxWriter.Stored(changed, longs(in));
            } else if (r instanceof Expunge) {
                return longs(in);
            } else if (r instanceof Recount) {
                return new io.cassmail.store.MailboxUsage(in.readLong(), in.readLong());
            }
            return null;
        } catch (IOException e) {
            throw new StoreUnavailableException("malformed answer from the mailbox writer: " + e.getMessage(), e);
        }
    }

    interface Writing {
        void to(DataOutputStream out) throws IOException;
    }

    private static byte[] bytes(Writing w) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            w.to(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s.length() > 16_000 ? s.substring(0, 16_000) : s);
        }
    }

    private static String string(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static void uuid(DataOutputStream out, UUID id) throws IOException {
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
    }

    private static UUID uuid(DataInputStream in) throws IOException {
        return new UUID(in.readLong(), in.readLong());
    }

    private static void message(DataOutputStream out, NewMessage m) throws IOException {
        uuid(out, m.messageId());
        out.writeLong(m.size());
        out.writeLong(m.internalDate().toEpochMilli());
        string(out, m.sender());
        string(out, m.subject());
    }

    private static NewMessage message(DataInputStream in) throws IOException {
        return new NewMessage(uuid(in), in.readLong(), Instant.ofEpochMilli(in.readLong()), string(in), string(in));
    }

    private static void flags(DataOutputStream out, Flags f) throws IOException {
        out.writeLong(f.bits());
        out.writeInt(f.keywords().size());
        for (String k : f.keywords()) {
            out.writeUTF(k);
        }
    }

    private static Flags flags(DataInputStream in) throws IOException {
        long bits = in.readLong();
        int n = in.readInt();
        Set<String> keywords = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            keywords.add(in.readUTF());
        }
        return new Flags(bits, keywords);
    }

    private static void longs(DataOutputStream out, List<Long> values) throws IOException {
        out.writeInt(values.size());
        for (long v : values) {
            out.writeLong(v);
        }
    }

    private static List<Long> longs(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<Long> values = new ArrayList<>(Math.min(n, 1 << 16));
        for (int i = 0; i < n; i++) {
            values.add(in.readLong());
        }
        return values;
    }

    private static void folder(DataOutputStream out, FolderRow f) throws IOException {
        uuid(out, f.id());
        out.writeUTF(f.name());
        string(out, f.specialUse());
        out.writeBoolean(f.subscribed());
        for (long v : new long[] {f.uidValidity(), f.uidNext(), f.highestModseq(), f.messages(), f.unseen(), f.bytes()}) {
            out.writeLong(v);
        }
    }

    private static FolderRow folder(DataInputStream in) throws IOException {
        return new FolderRow(uuid(in), in.readUTF(), string(in), in.readBoolean(), in.readLong(), in.readLong(),
                in.readLong(), in.readLong(), in.readLong(), in.readLong());
    }

    private static void entry(DataOutputStream out, FolderEntry e) throws IOException {
        uuid(out, e.folderId());
        out.writeLong(e.uid());
        uuid(out, e.messageId());
        out.writeLong(e.size());
        out.writeLong(e.internalDate().toEpochMilli());
        flags(out, new Flags(e.flags(), e.keywords()));
        out.writeLong(e.modseq());
        string(out, e.sender());
        string(out, e.subject());
    }

    private static FolderEntry entry(DataInputStream in) throws IOException {
        UUID folder = uuid(in);
        long uid = in.readLong();
        UUID message = uuid(in);
        long size = in.readLong();
        Instant date = Instant.ofEpochMilli(in.readLong());
        Flags f = flags(in);
        return new FolderEntry(folder, uid, message, size, date, f.bits(), f.keywords(), in.readLong(), string(in),
                string(in));
    }
}
