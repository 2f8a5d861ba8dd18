package io.cassmail.imap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the arguments of one command (RFC 9051 §4, §9): atoms, quoted strings, literals and parenthesised lists,
 * one line segment on the heap at a time (at most {@code imap.max-line}). A literal is read only when the
 * command asks for it: small ones as bytes (at most {@code imap.max-literal}), APPEND's as a stream. A
 * synchronizing literal is answered with {@code +} only then, so a command refused before it is never sent.
 */
final class CommandReader {
    /** Where the lines and literals come from and where the continuation request goes. */
    interface Source {
        /** The next line without its CRLF; null at the end of the connection. */
        byte[] line() throws IOException;

        /** Sends {@code + Ready} and flushes (RFC 9051 §7.5). */
        void continuation() throws IOException;

        InputStream input();
    }

    private final Source source;
    private final int maxLiteral;
    private byte[] line;
    private int pos;
    private long literal = -1;
    private boolean literalSync;
    private int depth;

    CommandReader(Source source, byte[] first, int maxLiteral) {
        this.source = source;
        this.maxLiteral = maxLiteral;
        segment(first);
    }

    private void segment(byte[] l) {
        line = l;
        pos = 0;
        literal = -1;
        int n = l.length;
        if (n > 2 && l[n - 1] == '}') {
            int open = n - 2;
            while (open >= 0 && l[open] != '{') {
                open--;
            }
            if (open >= 0) {
                int end = n - 1;
                boolean plus = l[end - 1] == '+';
                if (plus) {
                    end--;
                }
                String digits = new String(l, open + 1, end - open - 1, StandardCharsets.US_ASCII);
                if (!digits.isEmpty() && digits.length() <= 18 && digits.chars().allMatch(Character::isDigit)) {
                    literal = Long.parseLong(digits);
                    literalSync = !plus;
                    int cut = open > 0 && l[open - 1] == '~' ? open - 1 : open;
                    line = java.util.Arrays.copyOf(l, cut);
                }
            }
        }
    }

    /** Where the reader is within the current line, to go back to with {@link #reset}. */
    int mark() {
        return pos;
    }

    void reset(int mark) {
        pos = mark;
    }

    /** Whether the command has nothing left: no more characters on its line and no literal to come. */
    boolean atEnd() {
        return pos >= line.length && literal < 0;
    }

    /** The next byte, or -1 at the end of the command; {@code '{'} when a literal comes next. */
    int peek() {
        if (pos < line.length) {
            return line[pos] & 0xff;
        }
        return literal >= 0 ? '{' : -1;
    }

    boolean literalNext() {
        return pos >= line.length && literal >= 0;
    }

    void expect(char c) throws ImapSyntaxException {
        if (pos >= line.length || line[pos] != c) {
            throw new ImapSyntaxException("expected '" + c + "'" + near());
        }
        pos++;
    }

    boolean accept(char c) {
        if (pos < line.length && line[pos] == c) {
            pos++;
            return true;
        }
        return false;
    }

    void sp() throws ImapSyntaxException {
        expect(' ');
    }

    void end() throws ImapSyntaxException {
        if (!atEnd()) {
            throw new ImapSyntaxException("unexpected characters at the end of the command" + near());
        }
    }

    private String near() {
        if (pos >= line.length) {
            return literal >= 0 ? " before the literal" : " at the end of the line";
        }
        int to = Math.min(line.length, pos + 20);
        return " near \"" + new String(line, pos, to - pos, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?") + "\"";
    }

    private static boolean atomChar(int c) {
        return c > 0x20 && c < 0x7f && "(){ %*\"\\]".indexOf(c) < 0;
    }

    /** An atom (RFC 9051 §9 {@code atom}); {@code extra} are further characters allowed (e.g. {@code *%]}). */
    String atom(String extra) throws ImapSyntaxException {
        int start = pos;
        while (pos < line.length && (atomChar(line[pos] & 0xff) || extra.indexOf(line[pos]) >= 0)) {
            pos++;
        }
        if (pos == start) {
            throw new ImapSyntaxException("expected an atom" + near());
        }
        return new String(line, start, pos - start, StandardCharsets.US_ASCII);
    }

    String atom() throws ImapSyntaxException {
        return atom("");
    }

    /** An atom in upper case (command and item names). */
    String keyword() throws ImapSyntaxException {
        return atom().toUpperCase(Locale.ROOT);
    }

    /** A fetch attribute: an atom that may carry {@code [section]} and {@code <partial>}. */
    String fetchAtt() throws ImapSyntaxException {
        int start = pos;
        while (pos < line.length && atomChar(line[pos] & 0xff) && line[pos] != '[') {
            pos++;
        }
        if (pos < line.length && line[pos] == '[') {
            int nest = 0;
            while (pos < line.length) {
                byte b = line[pos++];
                if (b == '(') {
                    nest++;
                } else if (b == ')') {
                    nest--;
                } else if (b == ']' && nest == 0) {
                    break;
                }
            }
            if (pos < line.length && line[pos] == '<') {
                while (pos < line.length && line[pos] != '>') {
                    pos++;
                }
                pos++;
            }
        }
        if (pos == start || pos > line.length) {
            throw new ImapSyntaxException("expected a fetch attribute" + near());
        }
        return new String(line, start, pos - start, StandardCharsets.US_ASCII);
    }

    /** A number (RFC 9051 {@code number64}). */
    long number() throws ImapSyntaxException {
        int start = pos;
        while (pos < line.length && line[pos] >= '0' && line[pos] <= '9') {
            pos++;
        }
        if (pos == start || pos - start > 18) {
            throw new ImapSyntaxException("expected a number" + near());
        }
        return Long.parseLong(new String(line, start, pos - start, StandardCharsets.US_ASCII));
    }

    /** An astring: atom (with {@code ]}), quoted string or literal, as UTF-8 text. */
    String astring() throws ImapSyntaxException, IOException {
        int c = peek();
        if (c == '"' || c == '{') {
            return string();
        }
        return atom("]");
    }

    /** A list-mailbox: like astring, with the wildcards {@code %} and {@code *}. */
    String listMailbox() throws ImapSyntaxException, IOException {
        int c = peek();
        if (c == '"' || c == '{') {
            return string();
        }
        return atom("]%*");
    }

    /** A quoted string or a literal, as UTF-8 text. */
    String string() throws ImapSyntaxException, IOException {
        return new String(stringBytes(), StandardCharsets.UTF_8);
    }

    /** NIL or a string. */
    String nstring() throws ImapSyntaxException, IOException {
        if (peek() == 'N' || peek() == 'n') {
            String a = atom();
            if (!a.equalsIgnoreCase("NIL")) {
                throw new ImapSyntaxException("expected NIL or a string");
            }
            return null;
        }
        return string();
    }

    byte[] stringBytes() throws ImapSyntaxException, IOException {
        if (accept('"')) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (pos < line.length) {
                byte c = line[pos++];
                if (c == '"') {
                    return b.toByteArray();
                }
                if (c == '\\') {
                    if (pos >= line.length || (line[pos] != '"' && line[pos] != '\\')) {
                        throw new ImapSyntaxException("a quoted string may escape only \" and \\");
                    }
                    c = line[pos++];
                }
                b.write(c);
            }
            throw new ImapSyntaxException("unterminated quoted string");
        }
        if (literalNext()) {
            if (literal > maxLiteral) {
                throw new ImapSyntaxException("TOOBIG", "a literal here is at most " + maxLiteral + " octets");
            }
            byte[] data = source.input().readNBytes((int) (startLiteral()));
            if (data.length < literal) {
                throw new java.io.EOFException("connection closed inside a literal");
            }
            nextSegment();
            return data;
        }
        throw new ImapSyntaxException("expected a string" + near());
    }

    /** The size of the literal that comes next, or -1. */
    long literalSize() {
        return literalNext() ? literal : -1;
    }

    /** Asks for the literal now (when synchronizing) and returns its size; the caller reads exactly that many bytes. */
    long startLiteral() throws IOException {
        if (literalSync) {
            source.continuation();
        }
        return literal;
    }

    /** The connection's input, for a literal the caller reads itself (after {@link #startLiteral}). */
    InputStream input() {
        return source.input();
    }

    /** After the caller read a literal: the rest of the command line. */
    void nextSegment() throws IOException {
        byte[] l = source.line();
        if (l == null) {
            throw new java.io.EOFException("connection closed inside a command");
        }
        segment(l);
    }

    /** Opens a parenthesised list; lists nest at most 32 deep. */
    void open() throws ImapSyntaxException {
        expect('(');
        if (++depth > 32) {
            throw new ImapSyntaxException("lists nest at most 32 deep");
        }
    }

    /** Closes a list if one ends here. */
    boolean close() {
        if (accept(')')) {
            depth--;
            return true;
        }
        return false;
    }

    /** A parenthesised list of atoms, or one atom when {@code single} allows it. */
    List<String> atomList(boolean single, String extra) throws ImapSyntaxException {
        List<String> result = new ArrayList<>();
        if (peek() != '(') {
            if (!single) {
                throw new ImapSyntaxException("expected a list" + near());
            }
            result.add(atom(extra));
            return result;
        }
        open();
        while (!close()) {
            if (!result.isEmpty()) {
                sp();
            }
            result.add(atom(extra));
        }
        return result;
    }

    /**
     * Skips what is left of a refused command: a non-synchronizing literal is read and dropped (a synchronizing
     * one was never asked for). Returns false when the rest cannot be skipped safely (the connection should end).
     */
    boolean skipRest(long maxSkip) throws IOException {
        long skipped = 0;
        while (literal >= 0) {
            if (literalSync) {
                return true; // the client waits for '+', which it will not get
            }
            if (skipped + literal > maxSkip) {
                return false;
            }
            source.input().skipNBytes(literal);
            skipped += literal;
            byte[] l = source.line();
            if (l == null) {
                return false;
            }
            segment(l);
        }
        return true;
    }
}
