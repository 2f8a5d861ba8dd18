package io.cassmail.mail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.regex.Pattern;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;

/**
 * Reads From, To, Subject, Date and Message-ID from the header section (RFC 5322 §3.6), leniently:
 * a broken header yields nulls, never an exception. Encoded words (RFC 2047) are decoded for display.
 */
public final class HeaderSummaryParser {
    private static final Pattern FOLD = Pattern.compile("\r?\n[ \t]+");
    private static final int MAX_FIELD = 998;

    private HeaderSummaryParser() {
    }

    public static HeaderSummary parse(byte[] headerSection) {
        MimeConfig config = MimeConfig.custom().setMaxLineLen(-1).setMaxHeaderLen(-1).setMaxHeaderCount(-1)
                .setMalformedHeaderStartsBody(true).build();
        MimeTokenStream stream = new MimeTokenStream(config, DecodeMonitor.SILENT, null);
        String from = null;
        String to = null;
        String subject = null;
        String date = null;
        String messageId = null;
        try {
            stream.parse(new ByteArrayInputStream(headerSection));
            for (EntityState s = stream.getState(); s != EntityState.T_END_OF_STREAM && s != EntityState.T_BODY;
                 s = stream.next()) {
                if (s != EntityState.T_FIELD) {
                    continue;
                }
                Field field = stream.getField();
                String value = clean(field.getBody());
                switch (field.getName().toLowerCase(java.util.Locale.ROOT)) {
                    case "from" -> from = from == null ? value : from;
                    case "to" -> to = to == null ? value : to;
                    case "subject" -> subject = subject == null ? value : subject;
                    case "date" -> date = date == null ? value : date;
                    case "message-id" -> messageId = messageId == null ? value : messageId;
                    default -> { }
                }
            }
        } catch (IOException | MimeException | RuntimeException e) {
            // lenient: keep what was read so far
        }
        return new HeaderSummary(from, to, subject, date, messageId);
    }

    private static String clean(String raw) {
        if (raw == null) {
            return null;
        }
        String unfolded = FOLD.matcher(raw).replaceAll(" ").replace('\0', ' ').strip();
        String decoded;
        try {
            decoded = DecoderUtil.decodeEncodedWords(unfolded, DecodeMonitor.SILENT);
        } catch (RuntimeException e) {
            decoded = unfolded;
        }
        return decoded.length() > MAX_FIELD ? decoded.substring(0, MAX_FIELD) : decoded;
    }
}
