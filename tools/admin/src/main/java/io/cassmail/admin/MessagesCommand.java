package io.cassmail.admin;

import io.cassmail.mail.HeaderSection;
import io.cassmail.operations.MailboxOperations;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.FolderEntry;
import io.cassmail.store.FolderRow;
import io.cassmail.store.StoredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code messages list|show|delete}: what a mailbox holds and what a message is. */
@Command(name = "messages", description = "List, show or delete messages.", mixinStandardHelpOptions = true,
        subcommands = {MessagesCommand.ListMessages.class, MessagesCommand.Show.class, MessagesCommand.Delete.class})
final class MessagesCommand {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List messages of a folder of ADDRESS, newest first: UID, id, received, size, flags, from,"
                    + " subject.")
    static final class ListMessages implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "ADDRESS")
        String address;
        @Option(names = {"--folder", "--mailbox"}, defaultValue = "INBOX",
                description = "Folder (default ${DEFAULT-VALUE}).")
        String mailbox;
        @Option(names = "--limit", defaultValue = "50", description = "At most N messages (default ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be at least 1");
            }
            try (StoreAccess store = new StoreAccess(options.load())) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (MailboxOperations.Message e : store.ops.mailboxes().newest(address, mailbox, limit)) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("uid", e.uid());
                    row.put("id", e.id());
                    row.put("received", e.received());
                    row.put("size", e.size());
                    row.put("flags", e.flags());
                    row.put("modseq", e.modseq());
                    row.put("from", e.from());
                    row.put("subject", e.subject());
                    if (json) {
                        rows.add(row);
                    } else {
                        System.out.printf("%7d  %s  %s  %9d  %-20s  %-30.30s  %s%n", e.uid(), e.id(), e.received(),
                                e.size(), String.join(" ", e.flags()), Printable.of(e.from()), Printable.of(e.subject()));
                    }
                }
                if (json) {
                    System.out.println(Json.write(rows));
                }
            }
            return 0;
        }
    }

    /** The named folder of an account, or a sentence saying it has none. */
    static FolderRow folder(StoreAccess store, String address, String name) {
        return store.mailboxes.reader().folder(address, name)
                .orElseThrow(() -> new IllegalArgumentException(address + " has no folder named " + name));
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a message: envelope, header summary and deliveries; --raw writes the stored bytes unchanged.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "ID")
        String id;
        @ArgGroup(exclusive = true)
        Format format = new Format();

        static final class Format {
            @Option(names = "--raw", description = "Write the stored RFC 5322 bytes to stdout unchanged.")
            boolean raw;
            @Option(names = "--headers", description = "Print only the header section.")
            boolean headers;
            @Option(names = "--json", description = "Print JSON.")
            boolean json;
        }

        @Override
        public Integer call() throws IOException {
            UUID messageId = MailboxOperations.messageId(id); // before connecting: a bad id fails at once
            try (StoreAccess store = new StoreAccess(options.load())) {
                StoredMessage m = store.ops.mailboxes().message(messageId);
                if (format.raw || format.headers) {
                    try (InputStream in = store.ops.mailboxes().raw(m)) {
                        OutputStream out = System.out;
                        if (format.raw) {
                            in.transferTo(out);
                        } else {
                            HeaderSection.copy(in, out);
                        }
                        out.flush();
                    }
                    return 0;
                }
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("id", m.id().toString());
                info.put("received", m.received() == null ? null : m.received().toString());
                info.put("size", m.size());
                info.put("chunks", m.chunkCount());
                info.put("envelope_from", m.envelopeFrom());
                info.put("client_ip", m.clientIp() == null ? null : m.clientIp().getHostAddress());
                info.put("helo", m.helo());
                info.put("from", m.headers().from());
                info.put("to", m.headers().to());
                info.put("subject", m.headers().subject());
                info.put("date", m.headers().date());
                info.put("message_id", m.headers().messageId());
                List<Map<String, Object>> deliveries = new ArrayList<>();
                for (DeliveryRecord r : store.ledger.records(messageId)) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("recipient", r.recipient());
                    d.put("mailbox", r.mailbox());
                    d.put("status", r.status().name());
                    d.put("attempts", r.attempts());
                    d.put("last_error", r.lastError());
                    deliveries.add(d);
                }
                info.put("deliveries", deliveries);
                if (format.json) {
                    System.out.println(Json.write(info));
                } else {
                    info.forEach((k, v) -> {
                        if (!k.equals("deliveries")) {
                            System.out.printf("%-14s %s%n", k + ":", Printable.of(v));
                        }
                    });
                    for (Map<String, Object> d : deliveries) {
                        System.out.printf("delivery:      %s -> %s  %s  attempts=%s%s%n", Printable.of(d.get("recipient")),
                                Printable.of(d.get("mailbox")), d.get("status"), d.get("attempts"),
                                d.get("last_error") == null ? "" : "  " + Printable.of(d.get("last_error")));
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Remove message ID (a message id, or a UID of the folder) from a folder of ADDRESS; the body goes"
                    + " when nothing else lists it.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;
        @Parameters(index = "1", paramLabel = "ID")
        String id;
        @Option(names = {"--folder", "--mailbox"}, defaultValue = "INBOX",
                description = "Folder (default ${DEFAULT-VALUE}).")
        String mailbox;

        @Override
        public Integer call() {
            boolean byUid = id.matches("[0-9]{1,10}");
            UUID messageId = byUid ? null : MailboxOperations.messageId(id);
            try (StoreAccess store = new StoreAccess(options.load())) {
                String a = store.existingUser(address);
                FolderRow folder = folder(store, a, mailbox);
                List<Long> uids = new ArrayList<>();
                if (byUid) {
                    uids.add(Long.parseLong(id));
                } else {
                    for (FolderEntry e : store.mailboxes.reader().entries(folder, 1)) {
                        if (e.messageId().equals(messageId)) {
                            uids.add(e.uid());
                        }
                    }
                }
                if (store.mailboxes.writer().expunge(a, folder.name(), uids).isEmpty()) {
                    throw new IllegalArgumentException("message " + id + " is not in " + a + "'s " + mailbox);
                }
                System.out.println("deleted message " + id + " from " + a + " " + mailbox);
            }
            return 0;
        }
    }
}
