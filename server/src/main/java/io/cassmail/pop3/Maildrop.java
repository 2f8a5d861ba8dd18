package io.cassmail.pop3;

import io.cassmail.store.MailboxEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The INBOX as this session sees it: a snapshot taken at login, numbered from 1 in arrival order, with
 * deletion marks that only take effect in the UPDATE state (RFC 1939 §6).
 */
final class Maildrop {
    private final List<MailboxEntry> entries;
    private final boolean[] deleted;

    Maildrop(List<MailboxEntry> entries) {
        this.entries = List.copyOf(entries);
        this.deleted = new boolean[entries.size()];
    }

    int size() {
        return entries.size();
    }

    /** The entry numbered {@code number}, if it exists and is not marked deleted. */
    MailboxEntry get(int number) {
        return exists(number) ? entries.get(number - 1) : null;
    }

    boolean exists(int number) {
        return number >= 1 && number <= entries.size() && !deleted[number - 1];
    }

    void delete(int number) {
        deleted[number - 1] = true;
    }

    void undeleteAll() {
        java.util.Arrays.fill(deleted, false);
    }

    int liveCount() {
        int n = 0;
        for (int i = 0; i < entries.size(); i++) {
            n += deleted[i] ? 0 : 1;
        }
        return n;
    }

    long liveOctets() {
        long n = 0;
        for (int i = 0; i < entries.size(); i++) {
            n += deleted[i] ? 0 : entries.get(i).size();
        }
        return n;
    }

    List<MailboxEntry> deletedEntries() {
        List<MailboxEntry> result = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (deleted[i]) {
                result.add(entries.get(i));
            }
        }
        return result;
    }

    /** Parses a message-number argument; empty when it is not a positive number. */
    static OptionalInt number(String argument) {
        if (argument == null || !argument.matches("[0-9]{1,9}")) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(argument));
    }
}
