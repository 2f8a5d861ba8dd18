package io.cassmail.inbound.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The milter client against a scripted milter that wants every step and answers each one (as libmilter filters
 * such as OpenDKIM do, unlike rspamd, which asks for no replies): the order of steps, SMFIR_CONTINUE handling,
 * header changes at the end of the message, a multi-line reply code made one SMTP line, and a RCPT reject.
 */
class MilterSessionTest {
    private ServerSocket server;
    private final List<Character> seen = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /** Starts a milter answering {@code reply(command, data)}: a list of packets (command char + payload). */
    private MilterAddress milter(BiFunction<Character, byte[], List<byte[]>> reply) throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                while (true) {
                    int length = in.readInt();
                    char command = (char) in.readUnsignedByte();
                    byte[] data = new byte[length - 1];
                    in.readFully(data);
                    seen.add(command);
                    if (command == 'O') {
                        out.writeInt(13);
                        out.writeByte('O');
                        out.writeInt(6);
                        out.writeInt(0x31);
                        out.writeInt(0); // every step, every reply
                    } else {
                        for (byte[] p : reply.apply(command, data)) {
                            out.writeInt(p.length);
                            out.write(p);
                        }
                    }
                    out.flush();
                    if (command == 'Q') {
                        return;
                    }
                }
            } catch (IOException e) {
                // the client closed
            }
        });
        t.setDaemon(true);
        t.start();
        return MilterAddress.parseList("inet:127.0.0.1:" + server.getLocalPort()).get(0);
    }

    private static byte[] packet(char command, String... strings) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(command);
        for (String s : strings) {
            b.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            b.write(0);
        }
        return b.toByteArray();
    }

    private static byte[] indexed(char command, int index, String name, String value) {
        byte[] rest = packet(command, name, value);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(command);
        b.writeBytes(new byte[] {(byte) (index >> 24), (byte) (index >> 16), (byte) (index >> 8), (byte) index});
        b.write(rest, 1, rest.length - 1);
        return b.toByteArray();
    }

    private static MilterSession conversation(MilterAddress a) throws IOException {
        MilterSession s = new MilterSession(a, Duration.ofSeconds(5));
        s.connect("unknown", InetAddress.getLoopbackAddress(), 40000, Map.of("j", "mx.test"));
        s.helo("client.test");
        s.mail("a@b.test", Map.of("{i}", "Q1"));
        s.rcpt("c@d.test");
        s.data();
        return s;
    }

    @Test
    void aMilterThatAnswersEveryStepGetsTheMessageAndItsChangesApplyAtTheEnd() throws Exception {
        MilterAddress a = milter((command, data) -> command == 'E'
                ? List.of(packet('h', "X-Checked", " yes"), indexed('m', 1, "X-Spam", ""), indexed('i', 0, "X-Top", "1"),
                        packet('c'))
                : command == 'D' || command == 'Q' ? List.of() : List.of(packet('c')));
        try (MilterSession s = conversation(a)) {
            s.header("Subject", " hello");
            s.endOfHeaders();
            byte[] body = "body line\r\n".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
            s.body(body, 0, body.length);
            MilterReply r = s.endOfMessage(Map.of());
            assertThat(r.action()).isEqualTo(MilterReply.Action.ACCEPT);
            assertThat(r.changes()).containsExactly(
                    new MilterReply.HeaderChange(MilterReply.HeaderChange.Kind.ADD, 0, "X-Checked", " yes"),
                    new MilterReply.HeaderChange(MilterReply.HeaderChange.Kind.CHANGE, 1, "X-Spam", null),
                    new MilterReply.HeaderChange(MilterReply.HeaderChange.Kind.INSERT, 0, "X-Top", "1"));
        }
        assertThat(seen).containsSubsequence('O', 'C', 'H', 'M', 'R', 'T', 'L', 'N', 'B', 'B', 'E');
        assertThat(seen.stream().filter(c -> c == 'B').count()).isEqualTo(2); // 110,000 bytes in 64 KiB chunks
    }

    @Test
    void aMultiLineReplyBecomesOneSmtpLine() throws Exception {
        MilterAddress a = milter((command, data) -> command == 'E'
                ? List.of(packet('y', "550-5.7.1 first line\r\n550 5.7.1 second line"))
                : command == 'D' || command == 'Q' ? List.of() : List.of(packet('c')));
        try (MilterSession s = conversation(a)) {
            s.endOfHeaders();
            MilterReply r = s.endOfMessage(Map.of());
            assertThat(r.action()).isEqualTo(MilterReply.Action.REJECT);
            assertThat(r.smtpReply()).isEqualTo("550 5.7.1 first line 5.7.1 second line");
        }
    }

    @Test
    void aRecipientRejectIsADecisionBeforeTheData() throws Exception {
        MilterAddress a = milter((command, data) -> command == 'R' ? List.of(packet('t'))
                : command == 'D' || command == 'Q' ? List.of() : List.of(packet('c')));
        try (MilterSession s = conversation(a)) {
            assertThat(s.decided()).isNotNull();
            assertThat(s.decided().action()).isEqualTo(MilterReply.Action.TEMPFAIL);
        }
        assertThat(seen).doesNotContain('T', 'L', 'E');
    }

    @Test
    void aMilterThatNeverAnswersTimesOut() throws Exception {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        long t0 = System.nanoTime();
        try {
            new MilterSession(new MilterAddress("inet:silent", new InetSocketAddress("127.0.0.1", server.getLocalPort())),
                    Duration.ofMillis(300));
            throw new AssertionError("negotiation with a silent milter succeeded");
        } catch (IOException e) {
            assertThat(e.getMessage()).contains("did not answer within 300 ms");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20)); // bounded, not hanging
    }
}
