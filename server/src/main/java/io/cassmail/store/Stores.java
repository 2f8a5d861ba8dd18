package io.cassmail.store;

/** The stores of one keyspace, handed out together; Cassandra and memory twins build one. */
public record Stores(Directory directory, MessageStore messages, FolderStore folders, DeliveryLedger ledger,
                     AcceptedLog accepted, AcceptedWrites writes, DeliveryReads reads) {

    /** With the message row and ledger rows written, and read, one after the other. */
    public Stores(Directory directory, MessageStore messages, FolderStore folders, DeliveryLedger ledger,
                  AcceptedLog accepted) {
        this(directory, messages, folders, ledger, accepted, AcceptedWrites.separate(messages, ledger),
                DeliveryReads.separate(messages, ledger));
    }
}
