package io.cassmail.store;

/** Where one recipient's copy of a message stands. */
public enum DeliveryStatus {
    /** Accepted by SMTP, job queued. */
    QUEUED,
    /** A delivery attempt failed temporarily; a retry is scheduled. */
    RETRYING,
    /** The worker chose the recipient's entry id and is listing it (written before the mailbox entry). */
    DELIVERING,
    /** Listed in the recipient's mailbox. */
    DELIVERED,
    /** Given up; a DSN went to the sender (unless the sender was null). */
    BOUNCED,
    /** Was delivered, then removed from the mailbox (POP3 DELE, admin delete). */
    EXPUNGED,
    /** A remote recipient: the remote server accepted the message (250 after the data); nothing keeps the body. */
    RELAYED;

    /** A body is kept while any recipient's status is live. */
    public boolean keepsBody() {
        return this == QUEUED || this == RETRYING || this == DELIVERING || this == DELIVERED;
    }

    /** Nothing more to do for this recipient. */
    public boolean isFinal() {
        return this == DELIVERED || this == BOUNCED || this == EXPUNGED || this == RELAYED;
    }
}
