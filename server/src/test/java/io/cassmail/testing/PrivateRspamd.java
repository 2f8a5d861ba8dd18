package io.cassmail.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real rspamd (Debian's) from a private configuration: the stock rspamd.conf with local overrides that run one
 * proxy worker in milter mode with self-scan on a free loopback port, no controller or normal worker, no Redis, no
 * fuzzy servers, DNS pointed at a closed loopback port (no lookup leaves the machine), and the milter headers
 * added for local clients too. Its compiled Hyperscan cache lives under {@code target/}, so only the first start in
 * a checkout takes about 15 s. Stopped with SIGTERM (a SIGKILLed main process leaves its workers serving).
 */
public final class PrivateRspamd implements AutoCloseable {
    private final Path dir;
    private Process process;
    private int port;

    public PrivateRspamd(Path dir) {
        this.dir = dir;
    }

    public PrivateRspamd start() throws IOException, InterruptedException {
        Path conf = dir.resolve("conf");
        Files.createDirectories(conf.resolve("local.d"));
        Files.createDirectories(conf.resolve("override.d"));
        Path db = Path.of("target", "rspamd-cache").toAbsolutePath();
        Files.createDirectories(db);
        Files.createDirectories(dir.resolve("run"));
        Files.createDirectories(dir.resolve("log"));
        port = ServerProcess.freePort();
        Files.writeString(conf.resolve("override.d/worker-proxy.inc"), "bind_socket = \"127.0.0.1:" + port + "\";\n"
                + "milter = yes;\nself_scan = yes;\ntimeout = 120s;\ncount = 1;\ndiscard_on_reject = false;\n"
                + "quarantine_on_reject = false;\nupstream \"local\" {\n  default = yes;\n  self_scan = yes;\n}\n");
        Files.writeString(conf.resolve("override.d/worker-controller.inc"), "enabled = false;\n");
        Files.writeString(conf.resolve("override.d/worker-normal.inc"), "enabled = false;\n");
        Files.writeString(conf.resolve("local.d/fuzzy_check.conf"), "enabled = false;\n");
        Files.writeString(conf.resolve("local.d/milter_headers.conf"), "use = [\"x-spamd-result\", \"x-rspamd-server\","
                + " \"x-rspamd-queue-id\"];\nextended_spam_headers = true;\nskip_local = false;\n"
                + "skip_authenticated = false;\n");
        Files.writeString(conf.resolve("local.d/options.inc"), "dns {\n  nameserver = [\"127.0.0.1:1\"];\n"
                + "  timeout = 0.1s;\n  retransmits = 1;\n}\nmaps_cache_dir = \"" + db + "\";\n");
        List<String> command = new ArrayList<>(List.of("rspamd", "-f", "-c", "/etc/rspamd/rspamd.conf",
                "--var=LOCAL_CONFDIR=" + conf, "--var=DBDIR=" + db, "--var=RUNDIR=" + dir.resolve("run"),
                "--var=LOGDIR=" + dir.resolve("log")));
        if ("root".equals(System.getProperty("user.name"))) {
            command.add("-i"); // rspamd refuses to run as root unless told to keep its workers' privileges
        }
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log/stdout.txt").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); // a cold start compiles Hyperscan
        while (!listening()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IOException("rspamd did not start: " + Files.readString(dir.resolve("log/stdout.txt")));
            }
            Thread.sleep(200);
        }
        return this;
    }

    /** The milter address in Postfix's syntax, for the {@code milters} setting. */
    public String milter() {
        return "inet:127.0.0.1:" + port;
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGTERM, then waits for the workers to go with it. */
    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (listening() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        process = null;
    }
}
