package io.cassmail.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One thing FETCH asks for (RFC 9051 §6.4.5): an attribute, or a body section with an optional partial range. */
record FetchItem(String name, String label, int[] path, String kind, List<String> fields, long offset, long length,
                 boolean peek) {

    /** Whether sending it sets \Seen (RFC 9051 §6.4.5: BODY[...] and RFC822, not BODY.PEEK nor RFC822.HEADER). */
    boolean setsSeen() {
        return !peek && (name.equals("BODY[") || name.equals("BINARY[") || name.equals("RFC822")
                || name.equals("RFC822.TEXT"));
    }

    /** BINARY[...] or BINARY.SIZE[...] (RFC 3516, folded into RFC 9051 §6.4.5). */
    boolean binary() {
        return name.startsWith("BINARY");
    }

    boolean section() {
        return name.equals("BODY[") || name.startsWith("RFC822");
    }

    static FetchItem parse(String att) throws ImapSyntaxException {
        String upper = att.toUpperCase(Locale.ROOT);
        int bracket = upper.indexOf('[');
        if (bracket < 0) {
            return switch (upper) {
                case "UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODYSTRUCTURE", "BODY", "MODSEQ" ->
                        new FetchItem(upper, upper, null, null, null, 0, -1, true);
                case "RFC822" -> new FetchItem("RFC822", "RFC822", new int[0], "", null, 0, -1, false);
                case "RFC822.HEADER" -> new FetchItem("RFC822.HEADER", "RFC822.HEADER", new int[0], "HEADER", null, 0,
                        -1, true);
                case "RFC822.TEXT" -> new FetchItem("RFC822.TEXT", "RFC822.TEXT", new int[0], "TEXT", null, 0, -1, false);
                default -> throw new ImapSyntaxException("unknown FETCH item " + att);
            };
        }
        String head = upper.substring(0, bracket);
        boolean peek;
        String binary = null;
        if (head.equals("BODY")) {
            peek = false;
        } else if (head.equals("BODY.PEEK")) {
            peek = true;
        } else if (head.equals("BINARY") || head.equals("BINARY.PEEK") || head.equals("BINARY.SIZE")) {
            peek = !head.equals("BINARY");
            binary = head.equals("BINARY.SIZE") ? "BINARY.SIZE[" : "BINARY[";
        } else {
            throw new ImapSyntaxException("unknown FETCH item " + att);
        }
        int close = upper.lastIndexOf(']');
        if (close < bracket) {
            throw new ImapSyntaxException("unterminated section in " + att);
        }
        String spec = upper.substring(bracket + 1, close);
        String partial = upper.substring(close + 1);
        long offset = 0;
        long length = -1;
        if (!partial.isEmpty()) {
            if (!partial.matches("<\\d{1,18}\\.\\d{1,18}>")) {
                throw new ImapSyntaxException("a partial range is <offset.length>: " + partial);
            }
            String[] p = partial.substring(1, partial.length() - 1).split("\\.");
            offset = Long.parseLong(p[0]);
            length = Long.parseLong(p[1]);
            if (length == 0) {
                throw new ImapSyntaxException("a partial range needs a length above zero");
            }
        }
        // part path: numbers separated by dots, then an optional text specifier
        List<Integer> path = new ArrayList<>();
        int i = 0;
        while (i < spec.length() && Character.isDigit(spec.charAt(i))) {
            int j = i;
            while (j < spec.length() && Character.isDigit(spec.charAt(j))) {
                j++;
            }
            int n = Integer.parseInt(spec.substring(i, Math.min(j, i + 9)));
            if (n == 0) {
                throw new ImapSyntaxException("part numbers start at 1");
            }
            path.add(n);
            i = j;
            if (i < spec.length()) {
                if (spec.charAt(i) != '.') {
                    throw new ImapSyntaxException("bad section " + spec);
                }
                i++;
            }
        }
        String text = spec.substring(i);
        List<String> fields = null;
        String kind;
        if (text.isEmpty()) {
            kind = "";
        } else if (text.equals("HEADER") || text.equals("TEXT")) {
            kind = text;
        } else if (text.equals("MIME")) {
            if (path.isEmpty()) {
                throw new ImapSyntaxException("MIME needs a part number");
            }
            kind = text;
        } else if (text.startsWith("HEADER.FIELDS.NOT ") || text.startsWith("HEADER.FIELDS ")) {
            kind = text.substring(0, text.indexOf(' '));
            String list = text.substring(kind.length() + 1).strip();
            if (!list.startsWith("(") || !list.endsWith(")")) {
                throw new ImapSyntaxException("HEADER.FIELDS needs a list of field names");
            }
            fields = new ArrayList<>();
            for (String f : list.substring(1, list.length() - 1).strip().split("\\s+")) {
                String name = f.startsWith("\"") && f.endsWith("\"") && f.length() >= 2 ? f.substring(1, f.length() - 1) : f;
                if (!name.isEmpty()) {
                    fields.add(name);
                }
            }
            if (fields.isEmpty()) {
                throw new ImapSyntaxException("HEADER.FIELDS needs at least one field name");
            }
        } else {
            throw new ImapSyntaxException("bad section " + spec);
        }
        if (binary != null) {
            if (!kind.isEmpty()) {
                throw new ImapSyntaxException("BINARY takes part numbers only: " + spec);
            }
            if (binary.equals("BINARY.SIZE[") && !partial.isEmpty()) {
                throw new ImapSyntaxException("BINARY.SIZE takes no partial range");
            }
            String label = (binary.equals("BINARY[") ? "BINARY[" : "BINARY.SIZE[") + spec + "]"
                    + (offset > 0 || length >= 0 ? "<" + offset + ">" : "");
            return new FetchItem(binary, label, path.stream().mapToInt(Integer::intValue).toArray(), "", null, offset,
                    length, peek);
        }
        String label = "BODY[" + spec + "]" + (offset > 0 || length >= 0 ? "<" + offset + ">" : "");
        return new FetchItem("BODY[", label, path.stream().mapToInt(Integer::intValue).toArray(), kind, fields, offset,
                length, peek);
    }
}
