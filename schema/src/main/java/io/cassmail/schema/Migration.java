package io.cassmail.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** One ordered CQL file of the mail keyspace: its version, name, statements and checksum. */
public record Migration(int version, String name, List<String> statements, String checksum) {

    /** Parses a file named {@code NNN-description.cql}; statements end with a semicolon at the end of a line. */
    public static Migration parse(String fileName, String text) {
        int dash = fileName.indexOf('-');
        if (dash < 1 || !fileName.endsWith(".cql")) {
            throw new IllegalArgumentException("migration file name must look like 001-name.cql: " + fileName);
        }
        int version = Integer.parseInt(fileName.substring(0, dash));
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String statement = current.toString().strip();
                statements.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalArgumentException(fileName + " ends with a statement that has no semicolon");
        }
        return new Migration(version, fileName, List.copyOf(statements), sha256(text));
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
