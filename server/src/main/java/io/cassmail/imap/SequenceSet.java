package io.cassmail.imap;

import java.util.ArrayList;
import java.util.List;

/**
 * A sequence set (RFC 9051 §9 {@code sequence-set}): numbers and ranges, {@code *} the largest number in use.
 * Ranges are kept as pairs, never expanded, so {@code 1:4294967295} costs nothing.
 */
final class SequenceSet {
    /** Stands for {@code *}. */
    static final long STAR = -1;

    private final long[] from;
    private final long[] to;

    private SequenceSet(long[] from, long[] to) {
        this.from = from;
        this.to = to;
    }

    static SequenceSet parse(String text) throws ImapSyntaxException {
        String[] parts = text.split(",", -1);
        long[] from = new long[parts.length];
        long[] to = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            int colon = p.indexOf(':');
            from[i] = number(colon < 0 ? p : p.substring(0, colon));
            to[i] = colon < 0 ? from[i] : number(p.substring(colon + 1));
        }
        return new SequenceSet(from, to);
    }

    private static long number(String n) throws ImapSyntaxException {
        if (n.equals("*")) {
            return STAR;
        }
        if (n.isEmpty() || n.length() > 10 || !n.chars().allMatch(Character::isDigit)) {
            throw new ImapSyntaxException("not a sequence set: '" + n + "'");
        }
        long v = Long.parseLong(n);
        if (v < 1 || v > 0xFFFFFFFFL) {
            throw new ImapSyntaxException("sequence numbers and UIDs run from 1 to 4294967295");
        }
        return v;
    }

    /** The ranges, low to high within each, {@code *} meaning {@code largest}, in the order given. */
    List<long[]> ranges(long largest) {
        List<long[]> r = new ArrayList<>();
        for (int i = 0; i < from.length; i++) {
            long a = from[i] == STAR ? largest : from[i];
            long b = to[i] == STAR ? largest : to[i];
            r.add(new long[] {Math.min(a, b), Math.max(a, b)});
        }
        return r;
    }

    /** Whether {@code n} is in the set, {@code *} meaning {@code largest}. */
    boolean contains(long n, long largest) {
        for (int i = 0; i < from.length; i++) {
            long a = from[i] == STAR ? largest : from[i];
            long b = to[i] == STAR ? largest : to[i];
            if (n >= Math.min(a, b) && n <= Math.max(a, b)) {
                return true;
            }
        }
        return false;
    }

    /** The smallest and largest number the set can name, {@code *} meaning {@code largest}. */
    long min(long largest) {
        long m = Long.MAX_VALUE;
        for (int i = 0; i < from.length; i++) {
            m = Math.min(m, Math.min(from[i] == STAR ? largest : from[i], to[i] == STAR ? largest : to[i]));
        }
        return m;
    }

    long max(long largest) {
        long m = 0;
        for (int i = 0; i < from.length; i++) {
            m = Math.max(m, Math.max(from[i] == STAR ? largest : from[i], to[i] == STAR ? largest : to[i]));
        }
        return m;
    }

    /** The set as text, e.g. for COPYUID: consecutive numbers joined as ranges. */
    static String format(List<Long> sorted) {
        List<long[]> ranges = new ArrayList<>();
        for (long n : sorted) {
            long[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (last != null && n == last[1] + 1) {
                last[1] = n;
            } else {
                ranges.add(new long[] {n, n});
            }
        }
        return formatRanges(ranges);
    }

    /** Ranges as a sequence set ({@code 3:5,9}). */
    static String formatRanges(List<long[]> ranges) {
        StringBuilder b = new StringBuilder();
        for (long[] r : ranges) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(r[0]);
            if (r[1] > r[0]) {
                b.append(':').append(r[1]);
            }
        }
        return b.toString();
    }

    /** Numbers of a list as they came, for sets that must keep their order (COPYUID's source and target). */
    static String join(List<Long> numbers) {
        List<String> s = new ArrayList<>();
        numbers.forEach(n -> s.add(Long.toString(n)));
        return String.join(",", s);
    }
}
