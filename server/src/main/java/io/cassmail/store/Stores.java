package io.cassmail.store;

/** The stores of one keyspace, handed out together; Cassandra and memory twins build one. */
public record Stores(Directory directory, MessageStore messages, MailboxStore mailboxes, DeliveryLedger ledger,
                     AcceptedLog accepted) {
}
