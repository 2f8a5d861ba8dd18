package io.cassmail.mailbox;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A message's flags (RFC 9051 §2.3.2): the system flags and the common keywords as bits, any other keyword by
 * name. Flag names are case-insensitive; keywords keep the case they were first given in.
 */
public record Flags(long bits, Set<String> keywords) {
    public static final long SEEN = 1;
    public static final long ANSWERED = 1 << 1;
    public static final long FLAGGED = 1 << 2;
    public static final long DELETED = 1 << 3;
    public static final long DRAFT = 1 << 4;
    public static final Flags NONE = new Flags(0, Set.of());

    /** Flags with a bit, in bit order; RFC 5788 / RFC 9051 §2.3.2 keywords clients set most. */
    private static final List<String> NAMES = List.of("\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft",
            "$Forwarded", "$Junk", "$NotJunk", "$MDNSent", "$Phishing");

    public Flags {
        keywords = Set.copyOf(keywords);
    }

    /** Parses flag names (the system flags with their backslash); an unknown system flag is refused. */
    public static Flags of(Iterable<String> names) {
        long bits = 0;
        Set<String> keywords = new LinkedHashSet<>();
        for (String name : names) {
            int bit = bit(name);
            if (bit >= 0) {
                bits |= 1L << bit;
            } else if (name.startsWith("\\")) {
                throw new IllegalArgumentException("unknown system flag " + name);
            } else if (name.isEmpty() || !name.chars().allMatch(Flags::atomChar)) {
                throw new IllegalArgumentException("not a valid keyword: " + name);
            } else if (keywords.stream().noneMatch(k -> k.equalsIgnoreCase(name))) {
                keywords.add(name);
            }
        }
        return new Flags(bits, keywords);
    }

    public static Flags of(String... names) {
        return of(List.of(names));
    }

    private static int bit(String name) {
        for (int i = 0; i < NAMES.size(); i++) {
            if (NAMES.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean atomChar(int c) {
        return c > 0x20 && c < 0x7f && "(){%*\"\\]".indexOf(c) < 0;
    }

    public boolean has(long bit) {
        return (bits & bit) != 0;
    }

    public boolean seen() {
        return has(SEEN);
    }

    public Flags plus(Flags other) {
        Set<String> k = new LinkedHashSet<>(keywords);
        other.keywords.stream().filter(n -> k.stream().noneMatch(n::equalsIgnoreCase)).forEach(k::add);
        return new Flags(bits | other.bits, k);
    }

    public Flags minus(Flags other) {
        Set<String> k = new LinkedHashSet<>(keywords);
        k.removeIf(n -> other.keywords.stream().anyMatch(n::equalsIgnoreCase));
        return new Flags(bits & ~other.bits, k);
    }

    /** The names in IMAP's order: flags with a bit first, then the other keywords. */
    public List<String> names() {
        List<String> result = new ArrayList<>();
        for (int i = 0; i < NAMES.size(); i++) {
            if ((bits & (1L << i)) != 0) {
                result.add(NAMES.get(i));
            }
        }
        result.addAll(keywords);
        return result;
    }

    public boolean sameAs(Flags other) {
        return bits == other.bits && names().stream().map(n -> n.toLowerCase(Locale.ROOT)).toList()
                .equals(other.names().stream().map(n -> n.toLowerCase(Locale.ROOT)).toList());
    }
}
