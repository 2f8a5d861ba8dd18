package io.cassmail.admin;

import io.cassmail.mail.Addresses;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code users add|list|remove|passwd}: accounts of local domains. */
@Command(name = "users", description = "Manage user accounts.", mixinStandardHelpOptions = true,
        subcommands = {UsersCommand.Add.class, UsersCommand.ListUsers.class, UsersCommand.Remove.class,
                UsersCommand.Passwd.class, UsersImport.class})
final class UsersCommand {

    static String readPassword() throws IOException {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
            throw new IllegalArgumentException("no password on standard input");
        }
        return line;
    }

    static String validAddress(String address) {
        if (!Addresses.isValid(address)) {
            throw new IllegalArgumentException("'" + address + "' is not a valid mail address");
        }
        return Addresses.normalize(address);
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create the account ADDRESS (its domain must be local).")
    static final class Add implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "ADDRESS")
        String address;
        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean passwordStdin;

        @Override
        public Integer call() throws IOException {
            String a = validAddress(address);
            String hash = passwordStdin ? options.load().password().hasher().hash(readPassword()) : null;
            try (StoreAccess store = new StoreAccess(options.load())) {
                if (!store.directory.isLocalDomain(Addresses.domainOf(a))) {
                    throw new IllegalArgumentException("domain " + Addresses.domainOf(a)
                            + " is not local; add it first: cassmail-admin domains add " + Addresses.domainOf(a));
                }
                if (store.directory.userExists(a)) {
                    throw new IllegalArgumentException("user " + a + " already exists");
                }
                store.accounts.create(a, hash);
            }
            System.out.println("added user " + a);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List accounts.")
    static final class ListUsers implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Option(names = "--domain", paramLabel = "D", description = "Only users of this domain.")
        String domain;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            try (StoreAccess store = new StoreAccess(options.load())) {
                if (json) {
                    java.util.List<String> all = new java.util.ArrayList<>();
                    store.directory.users(domain).forEach(all::add);
                    System.out.println(Json.write(all));
                } else {
                    java.io.PrintWriter out = new java.io.PrintWriter(new java.io.BufferedWriter(
                            new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8), 1 << 16));
                    store.directory.users(domain).forEach(out::println);
                    out.flush();
                }
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Delete the account ADDRESS.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        public Integer call() {
            String a = validAddress(address);
            try (StoreAccess store = new StoreAccess(options.load())) {
                if (!store.directory.removeUser(a)) {
                    throw new IllegalArgumentException("no such user: " + a);
                }
            }
            System.out.println("removed user " + a);
            return 0;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set the password of ADDRESS from standard input.")
    static final class Passwd implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "ADDRESS")
        String address;
        @Option(names = "--password-stdin", required = true, description = "Read the password from standard input.")
        boolean passwordStdin;

        @Override
        public Integer call() throws IOException {
            String a = validAddress(address);
            String hash = options.load().password().hasher().hash(readPassword());
            try (StoreAccess store = new StoreAccess(options.load())) {
                if (!store.directory.userExists(a)) {
                    throw new IllegalArgumentException("no such user: " + a);
                }
                store.directory.setPasswordHash(a, hash);
            }
            System.out.println("password changed for " + a);
            return 0;
        }
    }
}
