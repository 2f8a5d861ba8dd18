package io.cassmail.store;

import java.util.UUID;

/**
 * One folder of an account as stored: its stable id, current name and the state its writer keeps exact
 * ({@code uidNext}, {@code highestModseq}, counts). {@code specialUse} is an RFC 6154 attribute or null.
 */
public record FolderRow(UUID id, String name, String specialUse, boolean subscribed, long uidValidity, long uidNext,
                        long highestModseq, long messages, long unseen, long bytes) {

    public FolderRow withName(String newName) {
        return new FolderRow(id, newName, specialUse, subscribed, uidValidity, uidNext, highestModseq, messages, unseen,
                bytes);
    }

    public FolderRow withSubscribed(boolean s) {
        return new FolderRow(id, name, specialUse, s, uidValidity, uidNext, highestModseq, messages, unseen, bytes);
    }

    public FolderRow withSpecialUse(String use) {
        return new FolderRow(id, name, use, subscribed, uidValidity, uidNext, highestModseq, messages, unseen, bytes);
    }

    /** The state after a change: new UID and MODSEQ high marks and count deltas. */
    public FolderRow advanced(long newUidNext, long newHighestModseq, long messageDelta, long unseenDelta,
                              long byteDelta) {
        return new FolderRow(id, name, specialUse, subscribed, uidValidity, newUidNext, newHighestModseq,
                messages + messageDelta, unseen + unseenDelta, bytes + byteDelta);
    }
}
