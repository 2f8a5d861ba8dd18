package io.cassmail.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cassmail.app.Role;
import io.cassmail.testing.ExternalCommand;
import io.cassmail.testing.ExternalCommand.Result;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.TestCerts;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.commons.net.pop3.POP3SClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stock mail clients against a real CassMail (Cassandra, RabbitMQ, workers): swaks, msmtp, Angus Mail and openssl
 * send over submission (STARTTLS) and submissions (implicit TLS) with AUTH; mpop and commons-net read over STLS
 * and POP3S. Users are created as an operator would; the certificate is made by openssl and renewed in place.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MailClientsIT {
    private static final String DOMAIN = "clients.cassmail.test";
    @TempDir
    static Path dir;
    private static Path cert;
    private static Path key;
    private static MailStack stack;

    @BeforeAll
    static void start() throws Exception {
        Path[] pair = TestCerts.create(dir.resolve("tls"), "first.clients.test", "rsa");
        cert = pair[0];
        key = pair[1];
        stack = MailStack.create("MailClientsIT", "tls.cert=" + cert, "tls.key=" + key,
                        "submission.max-messages-per-hour=3", "pop3.auth-failure-delay=0s")
                .withDomain(DOMAIN);
        for (String user : List.of("alice", "bob", "carol", "dave", "erin")) {
            stack.withUser(user + "@" + DOMAIN, user + "-password");
        }
        stack.directory.addAlias("sales@" + DOMAIN, "alice@" + DOMAIN);
        stack.start(Role.SMTP, Role.POP3, Role.WORKER);
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private static List<String> swaks(String port, String user, String from, String subject, String... extra) {
        List<String> c = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1", "--port", port,
                "--auth-user", user + "@" + DOMAIN, "--auth-password", user + "-password",
                "--from", from, "--to", "bob@" + DOMAIN, "--header", "Subject: " + subject,
                "--header", "From: <" + from + ">", "--body", "sent by swaks", "--timeout", "30"));
        c.addAll(List.of(extra));
        return c;
    }

    private static int port(String listener) {
        return stack.port(listener);
    }

    /** Waits until bob's INBOX holds a message with this subject, read over POP3S with commons-net. */
    private static String awaitInBobsInbox(String subject) {
        String[] found = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            POP3SClient c = new POP3SClient(true, TestCerts.trustingClient());
            c.setDefaultTimeout(30_000);
            c.connect("127.0.0.1", port("pop3s"));
            try {
                assertThat(c.login("bob@" + DOMAIN, "bob-password")).isTrue();
                int n = c.status().number;
                for (int i = 1; i <= n; i++) {
                    try (BufferedReader r = new BufferedReader(c.retrieveMessage(i))) {
                        String text = String.join("\r\n", r.lines().toList());
                        if (text.contains("Subject: " + subject)) {
                            found[0] = text;
                            return true;
                        }
                    }
                }
                return false;
            } finally {
                c.logout();
                c.disconnect();
            }
        });
        return found[0];
    }

    @Test
    void swaksSendsOverStartTlsWithAuthPlainAndBobReadsItOverPop3s() throws Exception {
        Result r = ExternalCommand.run(swaks(String.valueOf(port("submission")), "alice", "alice@" + DOMAIN,
                "swaks starttls", "--tls", "--auth", "PLAIN"), null, 60);
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("250 2.0.0 Ok: queued as");
        String message = awaitInBobsInbox("swaks starttls");
        assertThat(message).contains("with ESMTPSA").contains("sent by swaks").containsPattern("(?m)^Message-I[dD]: ");
    }

    @Test
    void swaksSendsOverImplicitTlsWithAuthLoginFromAnAlias() throws Exception {
        Result r = ExternalCommand.run(swaks(String.valueOf(port("submissions")), "alice", "sales@" + DOMAIN,
                "swaks implicit tls", "--tls-on-connect", "--auth", "LOGIN"), null, 60);
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(awaitInBobsInbox("swaks implicit tls")).contains("with ESMTPSA");
    }

    @Test
    void everyRefusalAnswersWithItsCode() throws Exception {
        String submission = String.valueOf(port("submission"));
        Result wrong = ExternalCommand.run(List.of("swaks", "--server", "127.0.0.1", "--port", submission, "--tls",
                "--auth", "PLAIN", "--auth-user", "alice@" + DOMAIN, "--auth-password", "not-her-password",
                "--from", "alice@" + DOMAIN, "--to", "bob@" + DOMAIN, "--timeout", "30"), null, 60);
        assertThat(wrong.exit()).isNotZero();
        assertThat(wrong.output()).contains("535 5.7.8");

        Result spoof = ExternalCommand.run(swaks(submission, "alice", "bob@" + DOMAIN, "spoofed", "--tls"), null, 60);
        assertThat(spoof.exit()).isNotZero();
        assertThat(spoof.output()).contains("553 5.7.1 <bob@" + DOMAIN + ">: Sender address rejected");

        Result fromHeader = ExternalCommand.run(List.of("swaks", "--server", "127.0.0.1", "--port", submission, "--tls",
                "--auth-user", "alice@" + DOMAIN, "--auth-password", "alice-password", "--from", "alice@" + DOMAIN,
                "--to", "bob@" + DOMAIN, "--header", "From: The Bank <security@bank.test>", "--timeout", "30"), null, 60);
        assertThat(fromHeader.exit()).isNotZero();
        assertThat(fromHeader.output()).contains("553 5.7.1 <security@bank.test>: From: header address not owned");

        // without TLS the submission port does not even offer AUTH, and says so when a client tries
        Result plain = ExternalCommand.run(List.of("swaks", "--server", "127.0.0.1", "--port", submission,
                "--from", "alice@" + DOMAIN, "--to", "bob@" + DOMAIN, "--timeout", "30"), null, 60);
        assertThat(plain.output()).contains("530 5.7.0 Authentication required");
    }

    @Test
    void theHourlyLimitRefusesTheFourthMessageWith450() throws Exception {
        String submissions = String.valueOf(port("submissions"));
        for (int i = 1; i <= 3; i++) {
            Result ok = ExternalCommand.run(swaks(submissions, "carol", "carol@" + DOMAIN, "limit " + i,
                    "--tls-on-connect"), null, 60);
            assertThat(ok.exit()).as(ok.output()).isZero();
        }
        Result over = ExternalCommand.run(swaks(submissions, "carol", "carol@" + DOMAIN, "limit 4", "--tls-on-connect"),
                null, 60);
        assertThat(over.exit()).isNotZero();
        assertThat(over.output()).contains("450 4.7.1 Sending limit of 3 messages per hour reached");
    }

    @Test
    void angusMailSendsOverStartTlsAndOverSmtps() throws Exception {
        for (boolean implicit : new boolean[] {false, true}) {
            Properties p = new Properties();
            p.put("mail.smtp.host", "127.0.0.1");
            p.put("mail.smtp.port", String.valueOf(port(implicit ? "submissions" : "submission")));
            p.put("mail.smtp.auth", "true");
            p.put(implicit ? "mail.smtp.ssl.enable" : "mail.smtp.starttls.required", "true");
            p.put("mail.smtp.ssl.trust", "*");
            p.put("mail.smtp.ssl.checkserveridentity", "false");
            p.put("mail.smtp.connectiontimeout", "30000");
            p.put("mail.smtp.timeout", "30000");
            Session session = Session.getInstance(p);
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress("dave@" + DOMAIN, "Dave"));
            m.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@" + DOMAIN));
            m.setSubject("angus " + (implicit ? "smtps" : "starttls"));
            m.setText("from Angus Mail");
            Transport.send(m, "dave@" + DOMAIN, "dave-password");
            assertThat(awaitInBobsInbox("angus " + (implicit ? "smtps" : "starttls"))).contains("from Angus Mail");
        }
    }

    @Test
    void msmtpVerifiesTheCertificateAndSends() throws Exception {
        Result r = ExternalCommand.run(List.of("msmtp", "--host=127.0.0.1", "--port=" + port("submission"),
                "--tls=on", "--tls-starttls=on", "--tls-trust-file=" + cert, "--auth=on", "--user=erin@" + DOMAIN,
                "--passwordeval=echo erin-password", "--from=erin@" + DOMAIN, "bob@" + DOMAIN),
                "From: Erin <erin@" + DOMAIN + ">\nTo: bob@" + DOMAIN + "\nSubject: msmtp starttls\n\nfrom msmtp\n", 60);
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(awaitInBobsInbox("msmtp starttls")).contains("from msmtp");
    }

    @Test
    void mpopDownloadsOverStlsAndOverPop3s() throws Exception {
        Result sent = ExternalCommand.run(swaks(String.valueOf(port("submissions")), "dave", "dave@" + DOMAIN,
                "for mpop", "--tls-on-connect", "--to", "erin@" + DOMAIN), null, 60);
        assertThat(sent.exit()).as(sent.output()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> !Mail.inbox(stack.mailboxes, "erin@" + DOMAIN).isEmpty());
        for (boolean implicit : new boolean[] {false, true}) {
            Path mbox = dir.resolve("erin-" + implicit + ".mbox");
            Files.writeString(mbox, "");
            Result r = ExternalCommand.run(List.of("mpop", "--host=127.0.0.1",
                    "--port=" + port(implicit ? "pop3s" : "pop3"), "--tls=on", "--tls-starttls=" + (implicit ? "off" : "on"),
                    "--tls-trust-file=" + cert, "--auth=user", "--user=erin@" + DOMAIN, "--passwordeval=echo erin-password",
                    "--keep=on", "--only-new=off", "--delivery=mbox," + mbox), null, 60);
            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(Files.readString(mbox)).contains("Subject: for mpop");
        }
    }

    @Test
    @Order(Integer.MAX_VALUE) // renews the certificate the other tests trust
    void opensslSeesTls12And13OnlyAndARenewedCertificateWithoutARestart() throws Exception {
        String implicit = "127.0.0.1:" + port("submissions");
        Result tls12 = ExternalCommand.run(List.of("openssl", "s_client", "-connect", implicit, "-tls1_2", "-brief"),
                "QUIT\n", 60);
        assertThat(tls12.output()).contains("Protocol version: TLSv1.2").contains("220 ");
        Result starttls = ExternalCommand.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port("submission"),
                "-starttls", "smtp", "-brief"), "QUIT\n", 60);
        assertThat(starttls.output()).contains("Protocol version: TLSv1.3").contains("CN = first.clients.test");
        // allow TLS 1.1 on the client side (its own policy forbids it): the server must be the one that refuses
        Result tls11 = ExternalCommand.run(List.of("openssl", "s_client", "-connect", implicit, "-tls1_1", "-cipher",
                "DEFAULT@SECLEVEL=0", "-brief"), "QUIT\n", 60);
        assertThat(tls11.exit()).isNotZero();
        assertThat(tls11.output()).containsIgnoringCase("alert protocol version").doesNotContain("220 ");

        Path[] renewed = TestCerts.create(dir.resolve("renewed"), "renewed.clients.test", "ec");
        Files.copy(renewed[1], key, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(renewed[0], cert, StandardCopyOption.REPLACE_EXISTING);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() ->
                ExternalCommand.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port("pop3s"), "-brief"),
                        "QUIT\n", 60).output().contains("CN = renewed.clients.test"));
        Result pop3 = ExternalCommand.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port("pop3"),
                "-starttls", "pop3", "-brief"), "QUIT\n", 60);
        assertThat(pop3.output()).contains("CN = renewed.clients.test").contains("+OK");
    }
}
