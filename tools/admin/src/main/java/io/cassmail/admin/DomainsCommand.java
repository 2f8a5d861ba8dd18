package io.cassmail.admin;

import io.cassmail.operations.Actor;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code domains add|list|remove|dkim}: which domains are local, and their DKIM keys. */
@Command(name = "domains", description = "Manage local domains.", mixinStandardHelpOptions = true,
        subcommands = {DomainsCommand.Add.class, DomainsCommand.ListDomains.class, DomainsCommand.Remove.class,
                DomainsDkim.class})
final class DomainsCommand {

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Make DOMAIN local.")
    static final class Add implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "DOMAIN")
        String domain;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                System.out.println("added domain " + store.ops.domains().add(Actor.cli(), domain));
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List local domains.")
    static final class ListDomains implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;

        @picocli.CommandLine.Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                java.util.List<String> all = store.ops.domains().list();
                System.out.println(json ? Json.write(all) : String.join("\n", all));
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Stop accepting mail for DOMAIN.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "DOMAIN")
        String domain;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                System.out.println("removed domain " + store.ops.domains().remove(Actor.cli(), domain));
            }
            return 0;
        }
    }
}
