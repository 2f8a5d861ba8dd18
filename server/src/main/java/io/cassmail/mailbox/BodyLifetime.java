package io.cassmail.mailbox;

import io.cassmail.store.BodyRef;
import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.FolderStore;
import io.cassmail.store.MessageStore;
import java.util.UUID;

/**
 * Decides when a body goes (DESIGN.md "Mailboxes for IMAP"): it lives while a folder entry lists it (a body
 * reference whose entry exists and names it) or a delivery of it is pending (QUEUED, RETRYING, DELIVERING).
 * References are added in the same batch as their entry and before a delivery leaves the pending states, so a
 * body seen here as unreferenced stays unreferenced and is deleted once.
 */
public final class BodyLifetime {
    private final FolderStore folders;
    private final DeliveryLedger ledger;
    private final MessageStore messages;

    public BodyLifetime(FolderStore folders, DeliveryLedger ledger, MessageStore messages) {
        this.folders = folders;
        this.ledger = ledger;
        this.messages = messages;
    }

    /** Whether some folder lists the body. */
    public boolean listed(UUID messageId) {
        for (BodyRef ref : folders.refs(messageId)) {
            if (folders.entry(ref.folderId(), ref.uid()).filter(e -> e.messageId().equals(messageId)).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a delivery of the body has not ended yet. */
    public boolean pending(UUID messageId) {
        for (DeliveryRecord r : ledger.records(messageId)) {
            DeliveryStatus s = r.status();
            if (s == DeliveryStatus.QUEUED || s == DeliveryStatus.RETRYING || s == DeliveryStatus.DELIVERING) {
                return true;
            }
        }
        return false;
    }

    /**
     * Before {@code owner} removes its entries of a body: its deliveries of it that were listed or are still
     * under way become EXPUNGED (so a redelivery of a job whose worker died after listing cannot list it again);
     * returns whether a delivery to someone else is still pending, for {@link #collectUnlessPending}.
     */
    public boolean releasing(String owner, UUID messageId) {
        boolean pending = false;
        for (DeliveryRecord r : ledger.records(messageId)) {
            DeliveryStatus s = r.status();
            boolean live = s == DeliveryStatus.QUEUED || s == DeliveryStatus.RETRYING || s == DeliveryStatus.DELIVERING;
            if (owner.equals(r.mailbox()) && (live || s == DeliveryStatus.DELIVERED)) {
                ledger.update(messageId, r.recipient(), DeliveryStatus.EXPUNGED, r.attempts(), null);
            } else if (live) {
                pending = true;
            }
        }
        return pending;
    }

    /** After the removal: deletes the body unless a delivery is pending or some folder still lists it. */
    public void collectUnlessPending(UUID messageId, boolean pending) {
        try {
            if (!pending && !listed(messageId)) {
                messages.delete(messageId);
            }
        } catch (io.cassmail.store.StoreUnavailableException e) {
            // the body stays; verify shows it as referenced by nothing only if its last entry went
            org.slf4j.LoggerFactory.getLogger(BodyLifetime.class).warn("body {} not collected yet: {}", messageId,
                    e.getMessage());
        }
    }

    /** Deletes the body when nothing keeps it; returns whether it did. */
    public boolean collect(UUID messageId) {
        if (listed(messageId) || pending(messageId)) {
            return false;
        }
        messages.delete(messageId);
        return true;
    }
}
