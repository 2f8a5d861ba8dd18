package io.cassmail.admin;

import io.cassmail.mail.Addresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
            String a = UsersCommand.validAddress(alias);
            try (StoreAccess store = new StoreAccess(options.load())) {
                String o = store.existingUser(owner);
                if (!store.directory.isLocalDomain(Addresses.domainOf(a))) {
                    throw new IllegalArgumentException("domain " + Addresses.domainOf(a) + " is not local; add it first:"
                            + " cassmail-admin domains add " + Addresses.domainOf(a));
                }
                if (store.directory.userExists(a)) {
                    throw new IllegalArgumentException(a + " is an account of its own; an alias must be a free address");
                }
                Optional<String> current = store.directory.aliasOwner(a);
                if (current.isPresent() && !current.get().equals(o)) {
                    throw new IllegalArgumentException(a + " is already an alias of " + current.get()
                            + "; remove it first: cassmail-admin users alias remove " + a);
                }
                store.directory.addAlias(a, o);
                System.out.println("alias " + a + " -> " + o);
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
            String a = UsersCommand.validAddress(alias);
            try (StoreAccess store = new StoreAccess(options.load())) {
                if (!store.directory.removeAlias(a)) {
                    throw new IllegalArgumentException("no such alias: " + a);
                }
                System.out.println("removed alias " + a);
            }
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
                String o = store.existingUser(owner);
                List<String> aliases = new ArrayList<>();
                store.directory.aliases(o).forEach(aliases::add);
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
