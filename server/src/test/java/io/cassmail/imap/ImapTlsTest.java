package io.cassmail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.auth.PasswordHasher;
import io.cassmail.config.CassMailConfig;
import io.cassmail.delivery.DeliveryProcessor;
import io.cassmail.mailbox.LocalMailboxEvents;
import io.cassmail.testing.MemoryMailSystem;
import io.cassmail.testing.TestCerts;
import io.cassmail.testing.TlsDribbler;
import io.cassmail.tls.ServerTls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.commons.net.imap.IMAPSClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IMAP with STARTTLS (RFC 9051 §6.2.1) and IMAPS (RFC 8314) with commons-net's IMAPSClient, memory twins behind. */
class ImapTlsTest {
    @TempDir
    static Path certDir;
    private static ServerTls tls;

    private final MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test");
    private final LocalMailboxEvents events = new LocalMailboxEvents();
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void certificate() throws Exception {
        Path[] pair = TestCerts.create(certDir, "imap-test", "ec");
        tls = new ServerTls(pair[0], pair[1]);
    }

    @BeforeEach
    void mailbox() throws IOException {
        mail.accounts.create("bob@cassmail.test", new PasswordHasher(64, 1).hash("secret"));
        mail.submit("a@example.test", "Subject: one\r\n\r\nover tls\r\n", "bob@cassmail.test");
        DeliveryProcessor p = mail.processor();
        mail.queue.takeDeliveries().forEach(p::process);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        events.close();
    }

    private ImapTestServer start(boolean implicit, Predicate<InetAddress> trusted) {
        return start(implicit, trusted, null);
    }

    /** @param idle an idle timeout below the 30 minutes the configuration allows (tests only), or null */
    private ImapTestServer start(boolean implicit, Predicate<InetAddress> trusted, Duration idle) {
        CassMailConfig c = ImapTestServer.config();
        CassMailConfig.ImapConfig config = idle == null ? c.imap() : c.imap().withIdleTimeout(idle);
        ImapTestServer server = ImapTestServer.start(mail, events, c, config, implicit, tls, trusted);
        open.add(server);
        return server;
    }

    @Test
    void startTlsThenLoginAndRead() throws IOException {
        ImapTestServer l = start(false, address -> false);
        IMAPSClient c = new IMAPSClient(false, TestCerts.trustingClient());
        c.setDefaultTimeout(30_000);
        c.connect("127.0.0.1", l.port());
        assertThat(c.capability()).isTrue();
        assertThat(c.getReplyString()).contains("STARTTLS").contains("LOGINDISABLED").doesNotContain("AUTH=PLAIN");
        assertThat(c.login("bob@cassmail.test", "secret")).as("no password before TLS from an untrusted address").isFalse();
        assertThat(c.getReplyString()).contains("NO [PRIVACYREQUIRED]");
        assertThat(c.execTLS()).isTrue();
        assertThat(c.capability()).isTrue();
        assertThat(c.getReplyString()).doesNotContain("STARTTLS").doesNotContain("LOGINDISABLED").contains("AUTH=PLAIN");
        assertThat(c.login("bob@cassmail.test", "secret")).isTrue();
        assertThat(c.select("INBOX")).isTrue();
        assertThat(c.fetch("1", "BODY[TEXT]")).isTrue();
        assertThat(c.getReplyString()).contains("over tls");
        c.logout();
        c.disconnect();
    }

    @Test
    void imapsIsTlsFromTheFirstByte() throws IOException {
        ImapTestServer l = start(true, address -> false);
        IMAPSClient c = new IMAPSClient(true, TestCerts.trustingClient());
        c.setDefaultTimeout(30_000);
        c.connect("127.0.0.1", l.port());
        assertThat(c.capability()).isTrue();
        assertThat(c.getReplyString()).doesNotContain("STARTTLS").contains("AUTH=PLAIN");
        assertThat(c.login("bob@cassmail.test", "secret")).isTrue();
        assertThat(c.select("INBOX")).isTrue();
        assertThat(c.getReplyString()).contains("* 1 EXISTS");
        c.logout();
        c.disconnect();
    }

    @Test
    void aClientDribblingOneTlsRecordAfterStartTlsIsCutOff() throws IOException {
        ImapTestServer l = start(false, InetAddress::isLoopbackAddress, Duration.ofSeconds(2));
        Socket plain = new Socket("127.0.0.1", l.port());
        plain.setSoTimeout(10_000);
        BufferedReader lines = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(lines.readLine()).startsWith("* OK");
        plain.getOutputStream().write("a STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(lines.readLine()).startsWith("a OK");
        Duration closedAfter = TlsDribbler.dribble(plain, Duration.ofMillis(1500), Duration.ofSeconds(30));
        // a byte every 1.5 s inside a 2 s read timeout would hold the record open for 96 s without the watchdog
        assertThat(closedAfter).as("server closed the dribbling connection").isNotNull()
                .isLessThan(Duration.ofSeconds(12));
    }
}
