package io.cassmail.relay;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One reply of a remote SMTP server (RFC 5321 §4.2): its code and its lines. */
public record SmtpReply(int code, List<String> lines) {
    private static final Pattern ENHANCED = Pattern.compile("^([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b");

    public boolean positive() {
        return code >= 200 && code < 400;
    }

    public boolean temporary() {
        return code >= 400 && code < 500;
    }

    /** The reply as one line, as it goes into a DSN's Diagnostic-Code and the ledger. */
    public String text() {
        StringBuilder b = new StringBuilder().append(code);
        for (String l : lines) {
            b.append(' ').append(l);
        }
        return b.toString().strip();
    }

    /** The RFC 3463 code the server gave, else the class default (2.0.0, 4.0.0, 5.0.0). */
    public String status() {
        if (!lines.isEmpty()) {
            Matcher m = ENHANCED.matcher(lines.get(0));
            if (m.find() && m.group(1).charAt(0) == String.valueOf(code).charAt(0)) {
                return m.group();
            }
        }
        return (code / 100) + ".0.0";
    }
}
