package io.cassmail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading postal's report and its -z conversation logs, as tools/bench does. */
class PostalRunTest {

    @Test
    void countsEveryQueuedIdAndThePostalMessagesThatNeverEnded(@TempDir Path dir) throws Exception {
        Path logs = Files.createDirectories(dir.resolve("postal"));
        StringBuilder thread1 = new StringBuilder("220 cassmail ESMTP\r\nEHLO x\r\n250 ok\r\n");
        List<UUID> ids = new java.util.ArrayList<>();
        // ~6 KB, like postal's bodies, with random lines that look like replies
        String body = ("0123456789".repeat(7) + "\r\n").repeat(40) + "250 not a reply\r\n221 nor this\r\n"
                + ("0123456789".repeat(7) + "\r\n").repeat(40);
        for (int i = 0; i < 700; i++) { // a 4 MB log: the DATA scan must not recurse per byte
            UUID id = UUID.randomUUID();
            ids.add(id);
            thread1.append("MAIL FROM:<a@b>\r\n250 2.1.0 Ok\r\nRCPT TO:<c@d>\r\n250 2.1.5 Ok\r\nDATA\r\n")
                    .append("354 End data with <CR><LF>.<CR><LF>\r\n")
                    .append("Subject: x\r\n\r\n").append(body).append(".\r\n")
                    .append("250 2.0.0 Ok: queued as ").append(id).append("\r\n");
        }
        thread1.append("QUIT\r\n221 2.0.0 Bye\r\n");
        // postal's bug: a one-byte body with no CRLF before the dot, then it gives up (or QUITs on SIGINT)
        String thread2 = "DATA\r\n354 End data with <CR><LF>.<CR><LF>\r\nSubject: y\r\n\r\n\u0017.\r\n";
        String thread3 = "DATA\r\n354 End data with <CR><LF>.<CR><LF>\r\nSubject: z\r\n\r\nh.\r\nQUIT\r\n";
        Files.writeString(logs.resolve("log:1"), thread1, StandardCharsets.ISO_8859_1);
        Files.writeString(logs.resolve("log:2"), thread2, StandardCharsets.ISO_8859_1);
        Files.writeString(logs.resolve("log:3"), thread3, StandardCharsets.ISO_8859_1);
        Files.writeString(dir.resolve("postal.out"), "time,messages,data(K),errors,connections,SSL connections\n"
                + "06:23,12590,68505,0,4281,0\nServer timed out on read.\n06:24,21347,116809,2,7177,0\n");

        PostalRun run = PostalRun.read(dir.resolve("postal.out"), logs);

        assertThat(run.accepted()).hasSize(700).containsAll(ids);
        assertThat(run.unterminated()).isEqualTo(2);
        assertThat(run.reportedMessages()).isEqualTo(12590 + 21347);
        assertThat(run.errors()).isEqualTo(2);
        assertThat(run.minutes()).extracting(PostalRun.Minute::time).containsExactly("06:23", "06:24");
    }
}
