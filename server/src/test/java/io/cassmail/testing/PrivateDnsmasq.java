package io.cassmail.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real dnsmasq on 127.0.0.1 and a free port, serving only the records a test gives it (no upstream, no hosts
 * file): TXT records for SPF, DKIM and DMARC (long strings split in 255-byte pieces) and A records for blocklists.
 * Started in the foreground; {@link #close()} stops it by its PID.
 */
public final class PrivateDnsmasq implements AutoCloseable {
    private final List<String> lines = new ArrayList<>();
    private final Path dir;
    private Process process;
    private int port;

    public PrivateDnsmasq(Path dir) {
        this.dir = dir;
    }

    /** A TXT record; {@code text} longer than 255 bytes becomes several strings of one record (RFC 7208 §3.3). */
    public PrivateDnsmasq txt(String name, String text) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) {
            parts.add("\"" + text.substring(i, Math.min(text.length(), i + 255)) + "\"");
        }
        lines.add("txt-record=" + name + "," + String.join(",", parts));
        return this;
    }

    /** An A record (and nothing else) for exactly {@code name}. */
    public PrivateDnsmasq a(String name, String address) {
        lines.add("host-record=" + name + "," + address);
        return this;
    }

    public PrivateDnsmasq start() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path conf = dir.resolve("dnsmasq.conf");
        port = ServerProcess.freePort();
        List<String> all = new ArrayList<>(List.of("port=" + port, "listen-address=127.0.0.1", "bind-interfaces",
                "no-resolv", "no-hosts", "no-poll", "log-queries", "log-facility=" + dir.resolve("dnsmasq.log"),
                "pid-file=", "local-ttl=1", "local=/test/"));
        all.addAll(lines);
        Files.write(conf, all);
        process = new ProcessBuilder("dnsmasq", "--keep-in-foreground", "--conf-file=" + conf)
                .redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!answers()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IOException("dnsmasq did not start: " + Files.readString(dir.resolve("dnsmasq.out")));
            }
            Thread.sleep(100);
        }
        return this;
    }

    /** {@code 127.0.0.1:port}, for the {@code dns} setting. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    private boolean answers() {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(300);
            byte[] query = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1}; // "." A
            s.send(new DatagramPacket(query, query.length, new InetSocketAddress("127.0.0.1", port)));
            s.receive(new DatagramPacket(new byte[512], 512));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
