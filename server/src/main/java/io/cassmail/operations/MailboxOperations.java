package io.cassmail.operations;

import io.cassmail.mail.MessageIds;
import io.cassmail.mailbox.Flags;
import io.cassmail.mailbox.MailboxReader;
import io.cassmail.store.FolderEntry;
import io.cassmail.store.FolderRow;
import io.cassmail.store.MessageStore;
import io.cassmail.store.StoredMessage;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** What an account's folders hold, and a message's stored bytes: read-only, for the CLI and the admin API. */
public final class MailboxOperations {
    private final UserOperations users;
    private final MailboxReader reader;
    private final MessageStore messages;

    public MailboxOperations(UserOperations users, MailboxReader reader, MessageStore messages) {
        this.users = users;
        this.reader = reader;
        this.messages = messages;
    }

    /** A folder with its counts and IMAP state. */
    public record Folder(String name, String specialUse, long messages, long unseen, long bytes, long uidvalidity,
                         long uidnext, long highestmodseq, boolean subscribed) {
    }

    /** A message as a folder lists it. */
    public record Message(long uid, String id, String received, long size, List<String> flags, long modseq, String from,
                          String subject) {
    }

    /** The account's folders, sorted by name. */
    public List<Folder> folders(String address) {
        String a = users.existing(address);
        List<FolderRow> rows = new ArrayList<>(reader.folders(a));
        rows.sort(Comparator.comparing(FolderRow::name));
        return rows.stream().map(f -> new Folder(f.name(), f.specialUse(), f.messages(), f.unseen(), f.bytes(),
                f.uidValidity(), f.uidNext(), f.highestModseq(), f.subscribed())).toList();
    }

    /** The newest {@code limit} messages of a folder, newest first. */
    public List<Message> newest(String address, String folder, int limit) {
        if (limit < 1) {
            throw OperationException.invalid("the limit must be at least 1");
        }
        String a = users.existing(address);
        FolderRow row = reader.folder(a, folder)
                .orElseThrow(() -> OperationException.notFound(a + " has no folder named " + folder));
        List<Message> list = new ArrayList<>();
        for (FolderEntry e : reader.newest(row, limit)) {
            list.add(new Message(e.uid(), e.messageId().toString(),
                    Instant.ofEpochMilli(MessageIds.unixMillis(e.messageId())).toString(), e.size(),
                    new Flags(e.flags(), e.keywords()).names(), e.modseq(), e.sender(), e.subject()));
        }
        return list;
    }

    /** A stored message by its id ({@link #messageId} parses one). */
    public StoredMessage message(UUID id) {
        return messages.find(id).orElseThrow(() -> OperationException.notFound("no such message: " + id));
    }

    /** The stored RFC 5322 bytes, streamed from their chunks; the caller closes the stream. */
    public InputStream raw(StoredMessage message) {
        return messages.openBody(message);
    }

    /** Message ids are time-based (version 1) UUIDs, as listed and as in the SMTP 250. */
    public static UUID messageId(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            if (uuid.version() == 1) {
                return uuid;
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            // answered below
        }
        throw OperationException.invalid("'" + id + "' is not a message id (a time-based UUID as printed by messages list)");
    }
}
