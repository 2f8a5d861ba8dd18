package io.cassmail.admin;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs cassmail-admin in-process through its main entry, with a test stack's settings, and captures what it prints. */
final class CliRun {

    private CliRun() {
    }

    /** Exit code, stdout and stderr of one CLI run. */
    record Run(int exit, String out, String err, byte[] outBytes) {
    }

    static synchronized Run run(List<String> stackSettings, String stdin, String... args) {
        List<String> all = new ArrayList<>();
        List<String> explicitSets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--set")) {
                explicitSets.add(args[++i]);
            } else {
                all.add(args[i]);
            }
        }
        boolean help = all.contains("--help") || all.get(0).equals("completion");
        if (!help) {
            // later --set wins: the test's own overrides come after the stack's settings
            List<String> sets = new ArrayList<>(stackSettings);
            sets.addAll(explicitSets);
            for (String s : sets) {
                all.add("--set");
                all.add(s);
            }
        }
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setIn(new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            int exit = AdminMain.run(all.toArray(String[]::new));
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), out.toByteArray());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }
}
