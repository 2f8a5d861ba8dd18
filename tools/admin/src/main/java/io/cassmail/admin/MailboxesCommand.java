package io.cassmail.admin;

import io.cassmail.operations.MailboxOperations;
import io.cassmail.mailbox.SpecialUse;
import io.cassmail.store.FolderRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mailboxes list|create|rename|delete|verify} (also {@code mailbox}): a user's folders (README "Data model"). */
@Command(name = "mailboxes", aliases = "mailbox", description = "List, create, rename, delete or verify a user's folders.",
        mixinStandardHelpOptions = true, subcommands = {MailboxesCommand.ListMailboxes.class, MailboxesCommand.Create.class,
        MailboxesCommand.Rename.class, MailboxesCommand.Delete.class, MailboxesCommand.Verify.class})
final class MailboxesCommand {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the folders of ADDRESS: name, special use, messages, unseen, bytes, UIDVALIDITY, UIDNEXT,"
                    + " HIGHESTMODSEQ.")
    static final class ListMailboxes implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "ADDRESS")
        String address;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                List<MailboxOperations.Folder> folders = store.ops.mailboxes().folders(address);
                List<Map<String, Object>> rows = new ArrayList<>();
                for (MailboxOperations.Folder f : folders) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("name", f.name());
                    row.put("special_use", f.specialUse());
                    row.put("messages", f.messages());
                    row.put("unseen", f.unseen());
                    row.put("bytes", f.bytes());
                    row.put("uidvalidity", f.uidvalidity());
                    row.put("uidnext", f.uidnext());
                    row.put("highestmodseq", f.highestmodseq());
                    row.put("subscribed", f.subscribed());
                    rows.add(row);
                }
                if (json) {
                    System.out.println(Json.write(rows));
                } else {
                    System.out.printf("%-30s %-9s %8s %8s %12s %11s %8s %10s%n", "NAME", "USE", "MESSAGES", "UNSEEN",
                            "BYTES", "UIDVALIDITY", "UIDNEXT", "MODSEQ");
                    for (MailboxOperations.Folder f : folders) {
                        System.out.printf("%-30s %-9s %8d %8d %12d %11d %8d %10d%n", Printable.of(f.name()),
                                f.specialUse() == null ? "" : f.specialUse(), f.messages(), f.unseen(), f.bytes(),
                                f.uidvalidity(), f.uidnext(), f.highestmodseq());
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create folder NAME for ADDRESS (and its missing parents; '/' separates levels).")
    static final class Create implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;
        @Parameters(index = "1", paramLabel = "NAME")
        String name;
        @Option(names = "--special-use", paramLabel = "USE",
                description = "Mark it \\Sent, \\Drafts, \\Trash, \\Junk or \\Archive (RFC 6154).")
        String use;

        @Override
        public Integer call() {
            SpecialUse special = null;
            if (use != null) {
                special = SpecialUse.ofAttribute(use.startsWith("\\") ? use : "\\" + use);
                if (special == null) {
                    throw new IllegalArgumentException("--special-use must be one of \\Sent, \\Drafts, \\Trash, \\Junk, "
                            + "\\Archive");
                }
            }
            try (StoreAccess store = new StoreAccess(options.load())) {
                String a = store.existingUser(address);
                FolderRow f = store.mailboxes.writer().create(a, name, special);
                System.out.println("created folder " + f.name() + " for " + a + " (UIDVALIDITY " + f.uidValidity() + ")");
            }
            return 0;
        }
    }

    @Command(name = "rename", mixinStandardHelpOptions = true,
            description = "Rename folder FROM of ADDRESS to TO, with the folders below it; UIDs and UIDVALIDITY stay."
                    + " Renaming INBOX moves its messages and leaves an empty INBOX (RFC 9051).")
    static final class Rename implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;
        @Parameters(index = "1", paramLabel = "FROM")
        String from;
        @Parameters(index = "2", paramLabel = "TO")
        String to;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                String a = store.existingUser(address);
                store.mailboxes.writer().rename(a, from, to);
                System.out.println("renamed folder " + from + " of " + a + " to " + to);
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete folder NAME of ADDRESS with every message in it (not INBOX, not a folder with folders"
                    + " below it).")
    static final class Delete implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;
        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                String a = store.existingUser(address);
                long removed = store.mailboxes.writer().delete(a, name);
                System.out.println("deleted folder " + name + " of " + a + " and its " + removed + " message(s)");
            }
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check every invariant of ADDRESS's folders (UID order, counts, MODSEQ, body references, bodies)"
                    + " and print what is wrong; exit 1 if anything is. Repairs nothing.")
    static final class Verify implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                String a = store.existingUser(address);
                List<String> problems = store.mailboxes.verifier().verify(a);
                if (problems.isEmpty()) {
                    System.out.println(a + ": every folder is consistent");
                    return 0;
                }
                problems.forEach(p -> System.out.println(a + ": " + p));
                return 1;
            }
        }
    }
}
