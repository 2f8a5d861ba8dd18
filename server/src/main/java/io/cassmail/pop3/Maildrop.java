package io.cassmail.pop3;

import io.cassmail.mailbox.FolderSnapshot;
import java.util.BitSet;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * The INBOX as this session sees it: a compact snapshot taken at login (at most {@code pop3.max-messages},
 * the oldest), numbered from 1 in UID order, with deletion marks that only take effect in the UPDATE
 * state (RFC 1939 §6).
 */
final class Maildrop {
    /** What one listed message costs in a snapshot (ids and size), for the snapshot budget. */
    static final long BYTES_PER_MESSAGE = 40;
    static final long SNAPSHOT_OVERHEAD = 256;

    private final FolderSnapshot snapshot;
    private final BitSet deleted = new BitSet();

    Maildrop(FolderSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    int size() {
        return snapshot.size();
    }

    /** Whether the INBOX held more than this session shows. */
    boolean truncated() {
        return !snapshot.complete();
    }

    boolean exists(int number) {
        return number >= 1 && number <= snapshot.size() && !deleted.get(number - 1);
    }

    /** The stored message of an existing number. */
    UUID messageId(int number) {
        return snapshot.messageId(number - 1);
    }

    /** The exact size RETR sends before byte-stuffing. */
    long octets(int number) {
        return snapshot.messageSize(number - 1);
    }

    void delete(int number) {
        deleted.set(number - 1);
    }

    void undeleteAll() {
        deleted.clear();
    }

    int liveCount() {
        return snapshot.size() - deleted.cardinality();
    }

    long liveOctets() {
        long n = 0;
        for (int i = 0; i < snapshot.size(); i++) {
            n += deleted.get(i) ? 0 : snapshot.messageSize(i);
        }
        return n;
    }

    FolderSnapshot snapshot() {
        return snapshot;
    }

    /** Indexes (0-based) of the messages marked deleted. */
    BitSet deleted() {
        return (BitSet) deleted.clone();
    }

    /** Parses a message-number argument; empty when it is not a positive number. */
    static OptionalInt number(String argument) {
        if (argument == null || !argument.matches("[0-9]{1,9}")) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(argument));
    }
}
