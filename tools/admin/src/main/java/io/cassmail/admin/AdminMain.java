package io.cassmail.admin;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code cassmail-admin}: the operator's CLI. */
@Command(name = "cassmail-admin", mixinStandardHelpOptions = true, version = "CassMail 0.1.0",
        description = "Administers CassMail: schema, domains, users, mailboxes, messages, queue and cluster.",
        subcommands = {SchemaCommand.class, DomainsCommand.class, UsersCommand.class, MailboxesCommand.class,
                MessagesCommand.class, QueueCommand.class, ClusterCommand.class, StatsCommand.class, TlsCommand.class,
                AdminsCommand.class, AuditCommand.class})
public final class AdminMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code; errors are one sentence on stderr (stack traces with --verbose). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new AdminMain());
        CommandLine completion = new CommandLine(new picocli.AutoComplete.GenerateCompletion());
        completion.getCommandSpec().usageMessage().description("Print a bash/zsh completion script: source <(cassmail-admin completion)");
        cli.addSubcommand("completion", completion);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            boolean verbose = parsed.originalArgs().contains("--verbose");
            cmd.getErr().println("cassmail-admin: " + AdminErrors.sentence(e));
            if (verbose) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
