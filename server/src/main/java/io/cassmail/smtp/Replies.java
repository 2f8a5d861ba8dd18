package io.cassmail.smtp;

/**
 * Fills in an RFC 3463 enhanced status code where a reply written by SubEthaSMTP itself lacks one
 * (timeouts, over-long lines, unknown commands). Our own commands always write one. RFC 2034 §3
 * exempts the greeting and the EHLO/HELO replies, so only 4xx and 5xx replies are touched.
 */
final class Replies {

    private Replies() {
    }

    static String withEnhancedCode(String line) {
        if (line.length() < 4 || (line.charAt(0) != '4' && line.charAt(0) != '5')
                || !Character.isDigit(line.charAt(1)) || !Character.isDigit(line.charAt(2))) {
            return line;
        }
        String code = line.substring(0, 3);
        String rest = line.substring(4);
        if (rest.matches("^[245]\\.\\d{1,3}\\.\\d{1,3}( .*)?$")) {
            return line;
        }
        return code + line.charAt(3) + enhancedFor(code, rest) + " " + rest;
    }

    private static final java.util.regex.Pattern ENHANCED = java.util.regex.Pattern.compile("^[245]\\.\\d{1,3}\\.\\d{1,3}");

    /** The RFC 3463 code of a reply line ("250 2.0.0 Ok" gives 2.0.0), or null when it has none (a greeting). */
    static String enhancedCodeOf(String line) {
        if (line.length() < 5) {
            return null;
        }
        java.util.regex.Matcher m = ENHANCED.matcher(line.substring(4));
        return m.find() ? m.group() : null;
    }

    private static String enhancedFor(String code, String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        return switch (code) {
            case "421" -> lower.contains("timeout") ? "4.4.2" : lower.contains("connections") ? "4.7.0" : "4.3.0";
            case "500" -> "5.5.2";
            case "501" -> lower.contains("line") || lower.contains("crlf") ? "5.5.2" : "5.5.4";
            case "502" -> "5.5.1";
            case "503" -> "5.5.1";
            case "504" -> "5.5.4";
            case "552" -> "5.3.4";
            default -> code.charAt(0) + ".0.0";
        };
    }
}
