package io.cassmail.smtp;

import io.cassmail.config.CassMailConfig;
import io.cassmail.ingest.MessageIntake;
import io.cassmail.store.Directory;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.server.SMTPServer;

/** The SMTP front door (MX role): SubEthaSMTP's session loop with CassMail's own commands. */
public final class SmtpListener implements AutoCloseable {
    private final SMTPServer server;
    private final String bind;
    private final int port;

    public SmtpListener(CassMailConfig.SmtpConfig config, String hostname, Directory directory, MessageIntake intake) {
        this.bind = config.bind();
        this.port = config.port();
        ConnectionGate gate = new ConnectionGate(config.maxConnectionsPerIp(), config.sessionTimeout().toNanos());
        ExecutorService sessions = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "smtp-session");
            t.setDaemon(true);
            return t;
        });
        InetAddress address;
        try {
            address = InetAddress.getByName(config.bind());
        } catch (IOException e) {
            throw new IllegalArgumentException("smtp.bind: cannot resolve '" + config.bind() + "'");
        }
        this.server = SMTPServer.port(config.port())
                .bindAddress(address)
                .hostName(hostname)
                .softwareName("CassMail")
                .maxMessageSize((int) config.maxMessageSize())
                .maxRecipients(config.maxRecipients())
                .maxConnections(config.maxConnections())
                .connectionTimeout((int) config.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .sessionHandler(gate)
                .messageHandlerFactory(ctx -> new Transaction())
                .executorService(sessions)
                .serverSocketFactory(() -> new EnhancedStatusServerSocket())
                .build();
        List<Command> commands = new ArrayList<>(SimpleCommands.all());
        commands.add(new EhloCommand(config.maxMessageSize()));
        commands.add(new HeloCommand());
        commands.add(new MailCommand(config.maxMessageSize()));
        commands.add(new RcptCommand(new RecipientPolicy(directory, config.postmaster(), hostname), config.maxRecipients()));
        commands.add(new DataCommand(intake, gate, config.maxMessageSize()));
        for (Command c : commands) {
            server.getCommandHandler().addCommand(new GuardedCommand(c, gate));
        }
    }

    /** Binds and starts accepting; a port already taken is reported in a sentence. */
    public void start() {
        try {
            server.start();
        } catch (RuntimeException e) {
            if (hasCause(e, BindException.class)) {
                throw new IllegalStateException("SMTP cannot listen on " + bind + ":" + port
                        + ": the address is already in use (another CassMail or MTA?); set smtp.port or smtp.bind", e);
            }
            throw e;
        }
    }

    /** The bound port (useful with port 0 in tests). */
    public int port() {
        return server.getPortAllocated();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(bind, port());
    }

    @Override
    public void close() {
        server.stop();
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
