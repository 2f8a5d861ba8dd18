package io.cassmail.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What postal said: its per-minute lines ({@code time,messages,data(K),errors,connections,SSL}) and, from
 * its per-thread {@code -z} logs, the id of every message our server answered 250 for. Postal prints no
 * line for the minute it is stopped in, so the logs, not the minute lines, are the exact count.
 *
 * <p>Postal has a bug: a message whose random body is exactly one byte is sent as {@code <byte>.CRLF}, with no
 * CRLF before the dot, so the end of data never comes (RFC 5321 §4.1.1.4) and postal later reports "Server
 * timed out on read". Such messages are counted here as {@code unterminated}; any server (Postfix too)
 * must keep reading, as treating that line as the end would reopen SMTP smuggling.
 */
record PostalRun(List<Minute> minutes, Set<UUID> accepted, int unterminated) {
    private static final Pattern DATA_GO_AHEAD = Pattern.compile("^354 ", Pattern.MULTILINE);
    private static final Pattern QUEUED = Pattern.compile("^250 [0-9.]+ Ok: queued as ([0-9a-f-]{36})", Pattern.MULTILINE);

    /** One line of postal's report. */
    record Minute(String time, long messages, long kilobytes, long errors, long connections) {
    }

    static PostalRun read(Path stdout, Path logDir) throws IOException {
        List<Minute> minutes = new ArrayList<>();
        for (String line : Files.readAllLines(stdout, StandardCharsets.ISO_8859_1)) {
            String[] f = line.split(",");
            if (f.length >= 5 && f[0].matches("\\d\\d:\\d\\d")) {
                minutes.add(new Minute(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                        Long.parseLong(f[4])));
            }
        }
        Set<UUID> accepted = new HashSet<>();
        int unterminated = 0;
        try (Stream<Path> logs = Files.list(logDir)) {
            for (Path log : (Iterable<Path>) logs::iterator) {
                String text = new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1);
                Matcher m = QUEUED.matcher(text);
                while (m.find()) {
                    accepted.add(UUID.fromString(m.group(1)));
                }
                unterminated += unterminatedData(text);
            }
        }
        return new PostalRun(minutes, accepted, unterminated);
    }

    /**
     * Cuts a conversation at each 354 reply: every piece must hold the end of data (CRLF "." CRLF) before
     * the next 354; one that does not is a message postal never finished.
     */
    private static int unterminatedData(String conversation) {
        List<Integer> starts = new ArrayList<>();
        Matcher m = DATA_GO_AHEAD.matcher(conversation);
        while (m.find()) {
            starts.add(m.start());
        }
        int unterminated = 0;
        for (int i = 0; i < starts.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1) : conversation.length();
            int dot = conversation.indexOf("\r\n.\r\n", starts.get(i));
            if (dot < 0 || dot >= end) {
                unterminated++;
            }
        }
        return unterminated;
    }

    long reportedMessages() {
        return minutes.stream().mapToLong(Minute::messages).sum();
    }

    long errors() {
        return minutes.stream().mapToLong(Minute::errors).sum();
    }
}
