package io.cassmail.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's Dovecot (dovecot-imapd, dovecot-pop3d), started from a private configuration in a temporary directory
 * (its own base_dir, ports on loopback, a passwd-file, Maildir), never the system's: the reference IMAP and POP3
 * server the tests and the benchmark compare CassMail with. Runs as the invoking user, or as Dovecot's own users
 * when that is root (its login processes refuse to run as root).
 */
public final class PrivateDovecot implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int imapPort;
    private final int pop3Port;

    private PrivateDovecot(Process process, Path dir, int imapPort, int pop3Port) {
        this.process = process;
        this.dir = dir;
        this.imapPort = imapPort;
        this.pop3Port = pop3Port;
    }

    /** Whether Dovecot is installed here ({@code tools/ensure-test-clients} installs it). */
    public static boolean installed() {
        return Files.isExecutable(Path.of("/usr/sbin/dovecot"));
    }

    /** Starts Dovecot with these users ({@code address → password}) and waits until its IMAP port answers. */
    public static PrivateDovecot start(Map<String, String> users) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("cassmail-dovecot");
        int imap = ServerProcess.freePort();
        int pop3 = ServerProcess.freePort();
        boolean root = "root".equals(System.getProperty("user.name"));
        String uid = root ? id("-u", "dovecot") : id("-u", null);
        String gid = root ? id("-g", "dovecot") : id("-g", null);
        String internal = root ? "dovecot" : System.getProperty("user.name");
        String group = root ? "dovecot" : id("-gn", null);
        String login = root ? "dovenull" : internal;
        for (String d : List.of("run", "state", "mail", "home")) {
            Files.createDirectories(dir.resolve(d));
        }
        StringBuilder passwd = new StringBuilder();
        // a password that starts with {SCHEME} is a hash Dovecot checks (e.g. {ARGON2ID}), else plain text
        users.forEach((user, password) -> passwd.append(user).append(":").append(password.startsWith("{") ? "" : "{PLAIN}")
                .append(password).append('\n'));
        Files.writeString(dir.resolve("passwd"), passwd);
        Files.writeString(dir.resolve("dovecot.conf"), """
                base_dir = %1$s/run
                state_dir = %1$s/state
                log_path = %1$s/dovecot.log
                protocols = imap pop3
                listen = 127.0.0.1
                ssl = no
                disable_plaintext_auth = no
                auth_mechanisms = plain login
                auth_cache_size = 10M
                auth_cache_ttl = 10 mins
                auth_cache_negative_ttl = 0
                default_internal_user = %2$s
                default_internal_group = %3$s
                default_login_user = %4$s
                mail_location = maildir:%1$s/mail/%%u
                mail_uid = %5$s
                mail_gid = %6$s
                first_valid_uid = 0
                passdb {
                  driver = passwd-file
                  args = scheme=PLAIN username_format=%%u %1$s/passwd
                }
                userdb {
                  driver = static
                  args = uid=%5$s gid=%6$s home=%1$s/home/%%u
                }
                service imap-login {
                  chroot =
                  inet_listener imap {
                    address = 127.0.0.1
                    port = %7$d
                  }
                  inet_listener imaps {
                    port = 0
                  }
                }
                service pop3-login {
                  chroot =
                  inet_listener pop3 {
                    address = 127.0.0.1
                    port = %8$d
                  }
                  inet_listener pop3s {
                    port = 0
                  }
                }
                service anvil {
                  chroot =
                }
                namespace inbox {
                  inbox = yes
                  separator = /
                  mailbox Sent {
                    special_use = \\Sent
                    auto = subscribe
                  }
                  mailbox Drafts {
                    special_use = \\Drafts
                    auto = subscribe
                  }
                  mailbox Trash {
                    special_use = \\Trash
                    auto = subscribe
                  }
                  mailbox Junk {
                    special_use = \\Junk
                    auto = subscribe
                  }
                  mailbox Archive {
                    special_use = \\Archive
                    auto = subscribe
                  }
                }
                """.formatted(dir, internal, group, login, uid, gid, imap, pop3));
        if (root) {
            new ProcessBuilder("chown", "-R", "dovecot:dovecot", dir.resolve("mail").toString(),
                    dir.resolve("home").toString()).inheritIO().start().waitFor();
            dir.toFile().setExecutable(true, false);
            dir.toFile().setReadable(true, false);
        }
        Process p = new ProcessBuilder("/usr/sbin/dovecot", "-F", "-c", dir.resolve("dovecot.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        PrivateDovecot d = new PrivateDovecot(p, dir, imap, pop3);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Socket s = new Socket("127.0.0.1", imap)) {
                s.setSoTimeout(5000);
                if (s.getInputStream().read() == '*') {
                    return d;
                }
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    d.close();
                    throw new IOException("Dovecot did not start: " + Files.readString(dir.resolve("stdout.log"))
                            + (Files.exists(dir.resolve("dovecot.log")) ? Files.readString(dir.resolve("dovecot.log")) : ""));
                }
                Thread.sleep(200);
            }
        }
    }

    private static String id(String flag, String user) throws IOException {
        ProcessBuilder pb = user == null ? new ProcessBuilder("id", flag) : new ProcessBuilder("id", flag, user);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    public int imapPort() {
        return imapPort;
    }

    public int pop3Port() {
        return pop3Port;
    }

    public long pid() {
        return process.pid();
    }

    /** Dovecot and its children (imap, login, auth processes), for CPU accounting. */
    public List<ProcessHandle> processes() {
        List<ProcessHandle> all = new java.util.ArrayList<>();
        all.add(process.toHandle());
        process.toHandle().descendants().forEach(all::add);
        return all;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }
}
