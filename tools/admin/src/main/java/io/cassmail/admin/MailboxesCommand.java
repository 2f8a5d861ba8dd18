package io.cassmail.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mailboxes list|create}: the mailbox names of a user (every user has INBOX). */
@Command(name = "mailboxes", description = "List or create a user's mailboxes.", mixinStandardHelpOptions = true,
        subcommands = {MailboxesCommand.ListMailboxes.class, MailboxesCommand.Create.class})
final class MailboxesCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the mailboxes of ADDRESS.")
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
                List<String> names = new ArrayList<>();
                store.mailboxes.mailboxNames(store.existingUser(address)).forEach(names::add);
                System.out.println(json ? Json.write(names) : String.join("\n", names));
            }
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create mailbox NAME for ADDRESS.")
    static final class Create implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;
        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            if (name.isBlank() || name.length() > 255 || name.chars().anyMatch(c -> c < 0x20)) {
                throw new IllegalArgumentException("mailbox name must be 1-255 printable characters");
            }
            try (StoreAccess store = new StoreAccess(options.load())) {
                String a = store.existingUser(address);
                store.mailboxes.createMailbox(a, name);
                System.out.println("created mailbox " + name + " for " + a);
            }
            return 0;
        }
    }
}
