package io.cassmail.admin;

import io.cassmail.mail.HeaderSection;
import io.cassmail.mail.MessageIds;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.MailboxEntry;
import io.cassmail.store.StoredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
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

    /** Message ids are time-based (version 1) UUIDs, as printed by {@code messages list} and the SMTP 250. */
    static UUID messageId(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            if (uuid.version() == 1) {
                return uuid;
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw new IllegalArgumentException("'" + id + "' is not a message id (a time-based UUID as printed by messages list)");
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List messages of ADDRESS, newest first: id, received, size, from, subject.")
    static final class ListMessages implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "ADDRESS")
        String address;
        @Option(names = "--mailbox", defaultValue = "INBOX", description = "Mailbox (default ${DEFAULT-VALUE}).")
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
                String a = store.existingUser(address);
                List<Map<String, Object>> rows = new ArrayList<>();
                for (MailboxEntry e : store.mailboxes.newest(a, mailbox, limit)) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", e.messageId().toString());
                    row.put("received", Instant.ofEpochMilli(MessageIds.unixMillis(e.messageId())).toString());
                    row.put("listed", Instant.ofEpochMilli(MessageIds.unixMillis(e.entryId())).toString());
                    row.put("size", e.size());
                    row.put("from", e.sender());
                    row.put("subject", e.subject());
                    if (json) {
                        rows.add(row);
                    } else {
                        System.out.printf("%s  %s  %9d  %-30.30s  %s%n", row.get("id"), row.get("received"), e.size(),
                                Printable.of(e.sender()), Printable.of(e.subject()));
                    }
                }
                if (json) {
                    System.out.println(Json.write(rows));
                }
            }
            return 0;
        }
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
            UUID messageId = messageId(id);
            try (StoreAccess store = new StoreAccess(options.load())) {
                StoredMessage m = store.messages.find(messageId)
                        .orElseThrow(() -> new IllegalArgumentException("no such message: " + id));
                if (format.raw || format.headers) {
                    try (InputStream in = store.messages.openBody(m)) {
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
            description = "Remove message ID from ADDRESS's mailbox; the body goes when nothing else lists it.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;
        @Parameters(index = "1", paramLabel = "ID")
        String id;
        @Option(names = "--mailbox", defaultValue = "INBOX", description = "Mailbox (default ${DEFAULT-VALUE}).")
        String mailbox;

        @Override
        public Integer call() {
            UUID messageId = messageId(id);
            try (StoreAccess store = new StoreAccess(options.load())) {
                String a = store.existingUser(address);
                MailboxEntry listed = null;
                for (MailboxEntry e : store.mailboxes.list(a, mailbox)) {
                    if (e.messageId().equals(messageId)) {
                        listed = e;
                        break;
                    }
                }
                if (listed == null) {
                    throw new IllegalArgumentException("message " + id + " is not in " + a + "'s " + mailbox);
                }
                store.remover().remove(a, mailbox, listed);
                System.out.println("deleted message " + id + " from " + a + " " + mailbox);
            }
            return 0;
        }
    }
}
