package io.cassmail.admin;

import io.cassmail.operations.Actor;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code users alias add|remove|list}: extra addresses of an account. Mail to an alias goes to the owner's INBOX,
 * and the owner may use it as envelope sender and in From: on the submission ports.
 */
@Command(name = "alias", description = "Manage an account's aliases (addresses it receives at and may send as).",
        mixinStandardHelpOptions = true, subcommands = {UsersAlias.Add.class, UsersAlias.Remove.class, UsersAlias.ListAliases.class})
final class UsersAlias {

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Make ALIAS an address of the account OWNER.")
    static final class Add implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(index = "0", paramLabel = "ALIAS")
        String alias;
        @Parameters(index = "1", paramLabel = "OWNER")
        String owner;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                String o = store.ops.users().addAlias(Actor.cli(), alias, owner);
                System.out.println("alias " + UsersCommand.validAddress(alias) + " -> " + o);
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove ALIAS.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "ALIAS")
        String alias;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                store.ops.users().removeAlias(Actor.cli(), alias);
            }
            System.out.println("removed alias " + UsersCommand.validAddress(alias));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the aliases of the account OWNER.")
    static final class ListAliases implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "OWNER")
        String owner;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                List<String> aliases = store.ops.users().aliases(owner);
                if (json) {
                    System.out.println(Json.write(aliases));
                } else {
                    aliases.forEach(System.out::println);
                }
            }
            return 0;
        }
    }
}
