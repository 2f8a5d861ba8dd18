package io.cassmail.store;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * One message listed in a folder under its UID. {@code flags} is the bitmask of {@code io.cassmail.mailbox.Flags},
 * {@code keywords} the keywords that have no bit; {@code modseq} is the MODSEQ of its last change (RFC 7162).
 */
public record FolderEntry(UUID folderId, long uid, UUID messageId, long size, Instant internalDate, long flags,
                          Set<String> keywords, long modseq, String sender, String subject) {

    public FolderEntry {
        keywords = keywords == null ? Set.of() : Set.copyOf(keywords);
    }

    /** The same message with other flags, changed at {@code newModseq}. */
    public FolderEntry withFlags(long newFlags, Set<String> newKeywords, long newModseq) {
        return new FolderEntry(folderId, uid, messageId, size, internalDate, newFlags, newKeywords, newModseq, sender,
                subject);
    }

    /** This message listed in another folder under another UID (COPY, MOVE). */
    public FolderEntry listedAs(UUID otherFolder, long otherUid, long newModseq) {
        return new FolderEntry(otherFolder, otherUid, messageId, size, internalDate, flags, keywords, newModseq, sender,
                subject);
    }
}
