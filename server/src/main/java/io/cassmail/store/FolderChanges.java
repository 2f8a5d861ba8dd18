package io.cassmail.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Changes to one account's folders that are applied together or not at all (a logged batch), every one at the
 * writer's {@code timestamp}: a later timestamp wins over an earlier one whatever order they arrive in, and a
 * writer's timestamps start above every timestamp of the epochs before its own.
 */
public final class FolderChanges {
    private final String address;
    private final long timestamp;
    private final List<Change> changes = new ArrayList<>();
    private boolean atomic = true;

    public FolderChanges(String address, long timestamp) {
        this.address = address;
        this.timestamp = timestamp;
    }

    public String address() {
        return address;
    }

    public long timestamp() {
        return timestamp;
    }

    public List<Change> changes() {
        return List.copyOf(changes);
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** Whether these changes must land together (a logged batch): false when a partial landing is harmless. */
    public boolean atomic() {
        return atomic;
    }

    /**
     * Lets these changes land in parts (an unlogged batch: no batch log, one commit log wait less). Only for
     * additions above the folder's committed {@code uid_next}: until the folder row commits them, nothing shows
     * them, and a successor's fence deletes and recounts whatever part landed.
     */
    public FolderChanges inParts() {
        this.atomic = false;
        return this;
    }

    /**
     * The folder rows (and folder deletions) of these changes, and the rest: the writer writes the rest first
     * and the rows after it, so a folder row, which says what is committed (its {@code uid_next}, counts,
     * MODSEQ), is never seen before the entries it counts.
     */
    public List<Change> rows() {
        return changes.stream().filter(c -> c instanceof PutFolder || c instanceof DeleteFolder).toList();
    }

    /** These changes without the folder rows, at the same timestamp. */
    public FolderChanges withoutRows() {
        FolderChanges rest = new FolderChanges(address, timestamp);
        rest.atomic = atomic;
        changes.stream().filter(c -> !(c instanceof PutFolder || c instanceof DeleteFolder)).forEach(rest.changes::add);
        return rest;
    }

    /** Adds a change as it is. */
    public FolderChanges add(Change change) {
        changes.add(change);
        return this;
    }

    public FolderChanges putFolder(FolderRow folder) {
        changes.add(new PutFolder(folder));
        return this;
    }

    public FolderChanges deleteFolder(UUID folderId) {
        changes.add(new DeleteFolder(folderId));
        return this;
    }

    /** Writes every column of the entry (a full row, so a later write replaces it whole). */
    public FolderChanges putEntry(FolderEntry entry) {
        changes.add(new PutEntry(entry));
        return this;
    }

    public FolderChanges deleteEntry(UUID folderId, long uid) {
        changes.add(new DeleteEntry(folderId, uid));
        return this;
    }

    public FolderChanges putBlock(UUID folderId, FolderBlock block) {
        changes.add(new PutBlock(folderId, block));
        return this;
    }

    /** Deletes an emptied block: its row and its whole partition of entries. */
    public FolderChanges dropBlock(UUID folderId, long block) {
        changes.add(new DropBlock(folderId, block));
        return this;
    }

    public FolderChanges putRef(BodyRef ref) {
        changes.add(new PutRef(ref));
        return this;
    }

    public FolderChanges deleteRef(BodyRef ref) {
        changes.add(new DeleteRef(ref));
        return this;
    }

    /** Records an expunged UID for QRESYNC, kept for {@code window}. */
    public FolderChanges vanished(UUID folderId, long modseq, long uid, Duration window) {
        changes.add(new Vanished(folderId, modseq, uid, window));
        return this;
    }

    /** Deletes every entry at or above {@code fromUid} in {@code block} (what a writer that lost its lease may still write). */
    public FolderChanges fence(UUID folderId, long block, long fromUid) {
        changes.add(new Fence(folderId, block, fromUid));
        return this;
    }

    /** One change. */
    public sealed interface Change permits PutFolder, DeleteFolder, PutEntry, DeleteEntry, PutBlock, DropBlock, PutRef,
            DeleteRef, Vanished, Fence {
    }

    public record PutFolder(FolderRow folder) implements Change {
    }

    public record DeleteFolder(UUID folderId) implements Change {
    }

    public record PutEntry(FolderEntry entry) implements Change {
    }

    public record DeleteEntry(UUID folderId, long uid) implements Change {
    }

    public record PutBlock(UUID folderId, FolderBlock block) implements Change {
    }

    public record DropBlock(UUID folderId, long block) implements Change {
    }

    public record PutRef(BodyRef ref) implements Change {
    }

    public record DeleteRef(BodyRef ref) implements Change {
    }

    public record Vanished(UUID folderId, long modseq, long uid, Duration window) implements Change {
    }

    public record Fence(UUID folderId, long block, long fromUid) implements Change {
    }
}
