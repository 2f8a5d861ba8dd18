package io.cassmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.app.Role;
import io.cassmail.store.StoredMessage;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.SmtpLineClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every odd real-world message in {@code src/test/resources/eml} is accepted and stored byte for byte. */
class EmlFixturesIT {
    static MailStack stack;

    @BeforeAll
    static void start() {
        stack = MailStack.create("eml").withDomain("cassmail.test").withUser("bob@cassmail.test").start(Role.SMTP);
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    static Stream<Path> fixtures() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/eml"))) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".eml")).sorted().toList();
            assertThat(all).isNotEmpty();
            return all.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void storedExactlyAsSent(Path eml) throws Exception {
        byte[] original = Files.readAllBytes(eml);
        UUID id;
        try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
            c.expect("220");
            c.send("EHLO client.test").expect("250");
            c.send("MAIL FROM:<sender@example.org> BODY=8BITMIME").expect("250");
            c.send("RCPT TO:<bob@cassmail.test>").expect("250");
            c.send("DATA").expect("354");
            c.sendRaw(dotStuff(original));
            c.sendRaw(".\r\n".getBytes());
            String reply = c.expect("250 2.0.0");
            id = UUID.fromString(reply.substring(reply.lastIndexOf(' ') + 1));
        }
        StoredMessage m = stack.messages.find(id).orElseThrow();
        byte[] stored;
        try (InputStream in = stack.messages.openBody(m)) {
            stored = in.readAllBytes();
        }
        String text = new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1);
        int afterReceived = text.indexOf("\r\n", text.indexOf(";\r\n\t") + 3) + 2;
        assertThat(java.util.Arrays.copyOfRange(stored, afterReceived, stored.length)).isEqualTo(original);
        assertThat(m.size()).isEqualTo(stored.length);
    }

    private static byte[] dotStuff(byte[] data) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        boolean lineStart = true;
        for (byte b : data) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        return out.toByteArray();
    }
}
