package io.cassmail.store;

/** Where one recipient's copy of a message stands. */
public enum DeliveryStatus {
    /** Accepted by SMTP, job queued. */
    QUEUED,
    /** A delivery attempt failed temporarily; a retry is scheduled. */
    RETRYING,
    /** A worker is at it: for the relay, the sending lease; rows from before schema 8 also mean "listing it". */
    DELIVERING,
    /** Listed in the recipient's mailbox (the entry, not this status, keeps the body: README "Data model"). */
    DELIVERED,
    /** Given up; a DSN went to the sender (unless the sender was null). */
    BOUNCED,
    /** Was delivered, then removed from the mailbox (POP3 DELE, admin delete). */
    EXPUNGED,
    /** A remote recipient: the remote server accepted the message (250 after the data); nothing keeps the body. */
    RELAYED;

    /** Nothing more to do for this recipient. */
    public boolean isFinal() {
        return this == DELIVERED || this == BOUNCED || this == EXPUNGED || this == RELAYED;
    }
}
