package io.cassmail.store;

import java.util.UUID;

/** A pointer from a body to a folder entry that lists it; the entry itself is the truth. */
public record BodyRef(UUID messageId, UUID folderId, long uid, String address) {
}
