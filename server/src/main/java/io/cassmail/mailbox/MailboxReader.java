package io.cassmail.mailbox;

import io.cassmail.store.FolderBlock;
import io.cassmail.store.FolderEntry;
import io.cassmail.store.FolderRow;
import io.cassmail.store.FolderStore;
import io.cassmail.store.MailboxUsage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads the mailbox model: folders, their entries by UID, an account's usage. Needs no lease: every read sees
 * what the writer wrote before it. A read touches only blocks that still list something, and within one block
 * at most {@link FolderBlock#SIZE}{@code - 1} removed entries (README "Data model").
 */
public final class MailboxReader {
    private final FolderStore store;

    public MailboxReader(FolderStore store) {
        this.store = store;
    }

    public List<FolderRow> folders(String address) {
        return store.folders(address);
    }

    public Optional<FolderRow> folder(String address, String name) {
        String n = FolderNames.normalize(name);
        return store.folders(address).stream().filter(f -> f.name().equals(n)).findFirst();
    }

    /** Messages and bytes over every folder: exact, from the folder rows (one read). */
    public MailboxUsage usage(String address) {
        long messages = 0;
        long bytes = 0;
        for (FolderRow f : store.folders(address)) {
            messages += f.messages();
            bytes += f.bytes();
        }
        return new MailboxUsage(messages, bytes);
    }

    /**
     * The entries a folder row commits (below its {@code uid_next}; higher ones are being written) from
     * {@code fromUid} up, in UID order, one block on the heap at a time.
     */
    public Iterable<FolderEntry> entries(FolderRow folder, long fromUid) {
        long uidNext = folder.uidNext();
        Iterable<FolderEntry> all = entries(folder.id(), fromUid);
        return () -> new Iterator<>() {
            private final Iterator<FolderEntry> it = all.iterator();
            private FolderEntry next = advance();

            private FolderEntry advance() {
                FolderEntry e = it.hasNext() ? it.next() : null;
                return e != null && e.uid() < uidNext ? e : null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public FolderEntry next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                FolderEntry e = next;
                next = advance();
                return e;
            }
        };
    }

    /** Every stored entry of a folder from {@code fromUid} up, committed or still being written (the verifier's view). */
    public Iterable<FolderEntry> entries(UUID folderId, long fromUid) {
        return () -> new Iterator<>() {
            private final Iterator<FolderBlock> blocks = ascending(store.blocks(folderId), fromUid).iterator();
            private Iterator<FolderEntry> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && blocks.hasNext()) {
                    current = store.block(folderId, blocks.next().block()).stream().filter(e -> e.uid() >= fromUid)
                            .iterator();
                }
                return current.hasNext();
            }

            @Override
            public FolderEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    private static List<FolderBlock> ascending(List<FolderBlock> newestFirst, long fromUid) {
        List<FolderBlock> result = new ArrayList<>();
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            FolderBlock b = newestFirst.get(i);
            if (b.live() > 0 && b.block() >= FolderBlock.of(fromUid)) {
                result.add(b);
            }
        }
        return result;
    }

    /** The newest {@code limit} entries the folder row commits, highest UID first. */
    public List<FolderEntry> newest(FolderRow folder, int limit) {
        List<FolderEntry> result = new ArrayList<>();
        for (FolderBlock b : store.blocks(folder.id())) {
            if (result.size() >= limit) {
                break;
            }
            if (b.live() > 0) {
                // one more than asked in the newest block: an entry being written above uid_next may be among them
                for (FolderEntry e : store.blockNewest(folder.id(), b.block(), limit - result.size() + 1)) {
                    if (e.uid() < folder.uidNext() && result.size() < limit) {
                        result.add(e);
                    }
                }
            }
        }
        return result;
    }

    public Optional<FolderEntry> entry(UUID folderId, long uid) {
        return store.entry(folderId, uid);
    }

    /** UIDs expunged since {@code modseq} that the log still holds (QRESYNC). */
    public List<Long> vanishedSince(UUID folderId, long modseq) {
        return store.vanishedSince(folderId, modseq);
    }
}
