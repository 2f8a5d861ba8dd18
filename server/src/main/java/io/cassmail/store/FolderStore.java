package io.cassmail.store;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The storage port of the mailbox model (schema 8): folders, their entries by UID, the blocks that still list
 * something, body references and the expunge log. It stores what {@code io.cassmail.mailbox.MailboxWriter}
 * decides; the rules live there. Reads are at the store's quorum, so they see every write that returned.
 */
public interface FolderStore {

    /** Every folder of the account (one partition), in id order. */
    List<FolderRow> folders(String address);

    /** The blocks of a folder that still list entries, newest first. */
    List<FolderBlock> blocks(UUID folderId);

    /** The entries of one block, in UID order. */
    List<FolderEntry> block(UUID folderId, long block);

    /** The entries of one block from the highest UID down, at most {@code limit}. */
    List<FolderEntry> blockNewest(UUID folderId, long block, int limit);

    Optional<FolderEntry> entry(UUID folderId, long uid);

    /** The entries that may list a body (check each against {@link #entry}). */
    List<BodyRef> refs(UUID messageId);

    /** {@link #refs(UUID)} for many bodies at once (read in parallel where the store can). */
    default java.util.Map<UUID, List<BodyRef>> refs(java.util.Collection<UUID> messageIds) {
        java.util.Map<UUID, List<BodyRef>> result = new java.util.HashMap<>();
        for (UUID id : messageIds) {
            result.put(id, refs(id));
        }
        return result;
    }

    /** UIDs expunged with a MODSEQ above {@code modseq}, in MODSEQ order, within the window they are kept. */
    List<Long> vanishedSince(UUID folderId, long modseq);

    /** Applies the changes together or not at all. */
    void write(FolderChanges changes);

    /**
     * {@link #write} without waiting: the future completes when the write was acknowledged, or fails with
     * {@link StoreUnavailableException} (then the write may or may not have landed, in part for changes
     * {@link FolderChanges#inParts() in parts}).
     */
    default java.util.concurrent.CompletableFuture<Void> writeAsync(FolderChanges changes) {
        try {
            write(changes);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    WriterLeases leases();
}
