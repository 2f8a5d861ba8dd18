package io.cassmail.smtp;

import io.cassmail.config.CassMailConfig;
import io.cassmail.ingest.MessageIntake;
import io.cassmail.mailbox.Quotas;
import io.cassmail.metrics.CassMailMetrics;
import io.cassmail.net.ConnectionWatchdog;
import io.cassmail.store.Directory;
import io.cassmail.tls.ServerTls;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.server.SMTPServer;

/** One SMTP listener, described by its {@link SmtpProfile}: SubEthaSMTP's session loop with CassMail's own commands. */
public final class SmtpListener implements AutoCloseable {
    private final SMTPServer server;
    private final SmtpProfile profile;
    private final ConnectionGate gate;
    private final ConnectionWatchdog watchdog;

    /** A plain listener without TLS or AUTH (an MX without a certificate). */
    public SmtpListener(SmtpProfile profile, CassMailConfig.SmtpConfig config, String hostname, Directory directory,
                        Quotas quotas, MessageIntake intake) {
        this(profile, config, hostname, directory, quotas, intake, null, null, CassMailMetrics.none());
    }

    /** A listener whose metrics go nowhere. */
    public SmtpListener(SmtpProfile profile, CassMailConfig.SmtpConfig config, String hostname, Directory directory,
                        Quotas quotas, MessageIntake intake, ServerTls tls, SubmissionPolicy submission) {
        this(profile, config, hostname, directory, quotas, intake, tls, submission, CassMailMetrics.none());
    }

    /**
     * @param config     the limits every SMTP listener shares (sizes, recipients, connections, timeouts)
     * @param tls        the server's certificate, needed by STARTTLS and implicit-TLS profiles; may be null otherwise
     * @param submission AUTH and sender policy, needed by profiles that require AUTH; may be null otherwise
     * @param metrics    where connections, replies and accepted messages are counted, labelled with the profile name
     */
    public SmtpListener(SmtpProfile profile, CassMailConfig.SmtpConfig config, String hostname, Directory directory,
                        Quotas quotas, MessageIntake intake, ServerTls tls, SubmissionPolicy submission,
                        CassMailMetrics metrics) {
        this(profile, config, hostname, directory, quotas, intake, tls, submission, metrics, null, null);
    }

    /**
     * @param inbound the MX's checks (SPF, DKIM, DMARC, milters, DNS blocklists), or null for none; a submission
     *                listener never uses them (its users are authenticated)
     * @param trusted clients whose mail gets no SPF, DKIM or DMARC check (ignored without {@code inbound})
     */
    public SmtpListener(SmtpProfile profile, CassMailConfig.SmtpConfig config, String hostname, Directory directory,
                        Quotas quotas, MessageIntake intake, ServerTls tls, SubmissionPolicy submission,
                        CassMailMetrics metrics, io.cassmail.inbound.InboundChecks inbound,
                        io.cassmail.inbound.TrustedNetworks trusted) {
        if (profile.tls() != SmtpProfile.TlsMode.NONE && tls == null) {
            throw new IllegalArgumentException("SMTP listener '" + profile.name()
                    + "' needs TLS: set tls.cert and tls.key (PEM files), or turn the listener off");
        }
        if ((profile.authRequired() || profile.relay() == SmtpProfile.RelayPolicy.AUTHENTICATED_ANYWHERE)
                && (submission == null || !profile.authRequired() || profile.tls() == SmtpProfile.TlsMode.NONE)) {
            throw new IllegalArgumentException("SMTP listener '" + profile.name()
                    + "': a submission listener needs TLS, required AUTH and a submission policy");
        }
        SubmissionPolicy policy = profile.authRequired() ? submission : null;
        this.profile = profile;
        StressMode stress = new StressMode(config.maxConnections(), config.stressTimeout(),
                config.stressMaxConnectionsPerIp());
        ConnectionWatchdog watchdog = new ConnectionWatchdog("smtp-" + profile.name());
        this.watchdog = watchdog;
        ConnectionGate gate = new ConnectionGate(config.maxConnectionsPerIp(), metrics, profile.name(), stress);
        this.gate = gate;
        ReplyCodingSocket.ReplyListener replies = line -> metrics.smtpReply(profile.name(), line.charAt(0),
                Replies.enhancedCodeOf(line));
        ExecutorService sessions = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "smtp-session");
            t.setDaemon(true);
            return t;
        });
        InetAddress address;
        try {
            address = InetAddress.getByName(profile.bind());
        } catch (IOException e) {
            throw new IllegalArgumentException("smtp.bind: cannot resolve '" + profile.bind() + "'");
        }
        this.server = SMTPServer.port(profile.port())
                .bindAddress(address)
                .hostName(hostname)
                .softwareName("CassMail")
                .maxMessageSize((int) config.maxMessageSize())
                .maxRecipients(config.maxRecipients())
                .maxConnections(config.maxConnections())
                // SubEthaSMTP's default of 50 overflows when many clients reconnect at once: the kernel then
                // drops SYNs and each dropped client waits a 1 s retransmit (seen with smtp-source -s 64)
                .backlog(config.listenBacklog())
                .connectionTimeout((int) config.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .sessionHandler(gate)
                .messageHandlerFactory(ctx -> new Transaction())
                .executorService(sessions)
                .serverSocketFactory(() -> new ReplyCodingServerSocket(config.sessionTimeout().toNanos(),
                        config.minDataRate(), profile.tls() == SmtpProfile.TlsMode.IMPLICIT ? tls : null, replies, stress,
                        watchdog, config.readTimeout()))
                .build();
        DataCommand.Inbound checks = inbound == null || profile.authRequired() ? null
                : new DataCommand.Inbound(inbound, trusted);
        List<Command> commands = new ArrayList<>(SimpleCommands.all());
        boolean startTls = profile.tls() == SmtpProfile.TlsMode.STARTTLS;
        commands.add(new EhloCommand(profile.extensions(), gate, startTls, policy != null));
        commands.add(new HeloCommand(gate));
        commands.add(new StartTlsCommand(startTls ? tls : null, gate));
        commands.add(new AuthCommand(policy, gate, metrics, profile.name()));
        commands.add(new MailCommand(config.maxMessageSize(), gate, policy));
        commands.add(new RcptCommand(new RecipientPolicy(directory, quotas, config.postmaster(), hostname, policy != null),
                config.maxRecipients(), policy, checks, gate));
        commands.add(new DataCommand(intake, quotas, gate, config.maxMessageSize(), policy, metrics, profile.name(),
                checks));
        for (Command c : commands) {
            server.getCommandHandler().addCommand(new GuardedCommand(c));
        }
    }

    /** Binds and starts accepting; a port already taken is reported in a sentence. */
    public void start() {
        try {
            server.start();
        } catch (RuntimeException e) {
            if (hasCause(e, BindException.class)) {
                throw new IllegalStateException("SMTP listener '" + profile.name() + "' cannot listen on " + profile.bind()
                        + ":" + profile.port()
                        + ": the address is already in use (another CassMail or MTA?); set its port or bind setting", e);
            }
            throw e;
        }
    }

    /** Whether the listener accepts connections. */
    public boolean running() {
        return server.isRunning();
    }

    /** The bound port (useful with port 0 in tests). */
    public int port() {
        return server.getPortAllocated();
    }

    public SmtpProfile profile() {
        return profile;
    }

    @Override
    public void close() {
        server.stop();
        gate.close();
        watchdog.close();
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
