package io.cassmail.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Unacknowledged counts, which AMQP itself does not report, from a local {@code rabbitmqctl} when there is one. */
final class RabbitmqctlQueues {

    private RabbitmqctlQueues() {
    }

    static Map<String, long[]> unacknowledged() {
        Map<String, long[]> result = new HashMap<>();
        try {
            ProcessBuilder pb = new ProcessBuilder("rabbitmqctl", "-q", "list_queues", "name", "messages_unacknowledged");
            pb.environment().put("PATH", System.getenv("PATH") + ":/usr/sbin");
            Process p = pb.redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(15, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return result;
            }
            for (String line : out.split("\n")) {
                String[] f = line.strip().split("\\s+");
                if (f.length == 2 && f[1].matches("[0-9]+")) {
                    result.put(f[0], new long[] {Long.parseLong(f[1])});
                }
            }
        } catch (IOException | InterruptedException e) {
            // no rabbitmqctl here: unacked stays unknown
        }
        return result;
    }
}
