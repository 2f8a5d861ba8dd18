package io.cassmail.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real client program (swaks, msmtp, mpop, openssl) with a time limit; stdout and stderr together. */
public final class ExternalCommand {

    /** What a run printed and how it ended. */
    public record Result(int exit, String output) {
    }

    private ExternalCommand() {
    }

    public static Result run(List<String> command, String stdin, int timeoutSeconds) throws IOException, InterruptedException {
        return run(command, java.util.Map.of(), stdin, timeoutSeconds);
    }

    /** Runs a command with extra environment variables, feeding it stdin; fails when it outlives the timeout. */
    public static Result run(List<String> command, java.util.Map<String, String> env, String stdin, int timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                output.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.append("[reading output failed: ").append(e).append(']');
            }
        });
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5_000);
            throw new IOException(command.get(0) + " did not finish within " + timeoutSeconds + " s; printed: " + output);
        }
        reader.join(5_000);
        return new Result(p.exitValue(), output.toString());
    }
}
