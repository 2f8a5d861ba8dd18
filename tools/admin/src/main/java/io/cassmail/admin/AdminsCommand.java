package io.cassmail.admin;

import io.cassmail.operations.Actor;
import io.cassmail.operations.AdminOperations;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code admins add|list|remove|token|tokens|revoke}: who may use the admin API and web admin. */
@Command(name = "admins", description = "Manage admins of the admin API and web admin, and their API tokens.",
        mixinStandardHelpOptions = true, subcommands = {AdminsCommand.Add.class, AdminsCommand.ListAdmins.class,
        AdminsCommand.Remove.class, AdminsCommand.Token.class, AdminsCommand.Tokens.class, AdminsCommand.Revoke.class})
final class AdminsCommand {

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Create the admin NAME, or set an existing admin's password, from standard input.")
    static final class Add implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--password-stdin", required = true, description = "Read the password from standard input.")
        boolean passwordStdin;

        @Override
        public Integer call() throws IOException {
            String password = UsersCommand.readPassword();
            try (StoreAccess store = new StoreAccess(options.load())) {
                System.out.println("admin " + store.ops.admins().add(Actor.cli(), name, password)
                        + " can sign in to the web admin and use the API with HTTP Basic");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List admins.")
    static final class ListAdmins implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                store.ops.admins().list().forEach(System.out::println);
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove the admin NAME and every token of theirs.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                store.ops.admins().remove(Actor.cli(), name);
            }
            System.out.println("removed admin " + name);
            return 0;
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = "Make an API token for NAME and print it (the only time it is shown): Authorization: Bearer TOKEN.")
    static final class Token implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--label", paramLabel = "TEXT", description = "What the token is for (shown in listings).")
        String label;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                System.out.println(store.ops.admins().newToken(Actor.cli(), name, label));
            }
            return 0;
        }
    }

    @Command(name = "tokens", mixinStandardHelpOptions = true, description = "List NAME's tokens: id, when made, label.")
    static final class Tokens implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                for (AdminOperations.Token t : store.ops.admins().tokens(name)) {
                    System.out.println(t.id() + "  " + t.created() + "  " + Printable.of(t.label()));
                }
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke NAME's token with this id ('tokens' lists them).")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                store.ops.admins().revokeToken(Actor.cli(), name, id);
            }
            System.out.println("revoked token " + id + " of " + name);
            return 0;
        }
    }
}
