package io.cassmail.imap;

import java.io.IOException;
import java.util.List;

/** ENVELOPE and BODYSTRUCTURE / BODY (RFC 9051 §7.5.2) from a parsed {@link MimePart}. */
final class FetchFormats {
    private FetchFormats() {
    }

    static void envelope(ImapWriter w, MimePart m) throws IOException {
        String from = m.field("From");
        String sender = m.field("Sender");
        String replyTo = m.field("Reply-To");
        w.raw("(").nstring(m.field("Date")).raw(" ").nstring(m.field("Subject")).raw(" ");
        addresses(w, from);
        w.raw(" ");
        addresses(w, sender == null || sender.isBlank() ? from : sender);
        w.raw(" ");
        addresses(w, replyTo == null || replyTo.isBlank() ? from : replyTo);
        w.raw(" ");
        addresses(w, m.field("To"));
        w.raw(" ");
        addresses(w, m.field("Cc"));
        w.raw(" ");
        addresses(w, m.field("Bcc"));
        w.raw(" ").nstring(m.field("In-Reply-To")).raw(" ").nstring(m.field("Message-ID")).raw(")");
    }

    private static void addresses(ImapWriter w, String value) throws IOException {
        List<Addresses822.Address> list = Addresses822.parse(value);
        if (list.isEmpty()) {
            w.raw("NIL");
            return;
        }
        w.raw("(");
        for (Addresses822.Address a : list) {
            w.raw("(").nstring(a.name()).raw(" ").nstring(a.route()).raw(" ").nstring(a.mailbox()).raw(" ")
                    .nstring(a.host()).raw(")");
        }
        w.raw(")");
    }

    /** BODYSTRUCTURE with {@code extended}, else BODY. */
    static void structure(ImapWriter w, MimePart p, boolean extended, boolean inDigest) throws IOException {
        MimePart.ContentType type = p.contentType(inDigest);
        if (!p.children.isEmpty()) {
            w.raw("(");
            boolean digest = type.is("multipart", "digest");
            for (MimePart child : p.children) {
                structure(w, child, extended, digest);
            }
            w.raw(" ").string(type.subtype());
            if (extended) {
                w.raw(" ");
                params(w, type.params());
                w.raw(" ");
                disposition(w, p);
                w.raw(" ");
                language(w, p);
                w.raw(" ").nstring(p.field("Content-Location"));
            }
            w.raw(")");
            return;
        }
        boolean multipartWithoutParts = type.is("multipart", null);
        MimePart.ContentType shown = multipartWithoutParts
                ? new MimePart.ContentType("text", "plain", List.<String[]>of(new String[] {"charset", "us-ascii"}))
                : type;
        w.raw("(").string(shown.type()).raw(" ").string(shown.subtype()).raw(" ");
        List<String[]> params = shown.params();
        if (shown.is("text", null) && shown.param("charset") == null) {
            params = new java.util.ArrayList<>(params); // RFC 2045 §5.2: text without a charset is us-ascii
            params.add(0, new String[] {"charset", "us-ascii"});
        }
        params(w, params);
        String encoding = MimePart.mainToken(p.field("Content-Transfer-Encoding"));
        w.raw(" ").nstring(p.field("Content-ID")).raw(" ").nstring(p.field("Content-Description")).raw(" ")
                .string(encoding == null ? "7bit" : encoding).raw(" " + p.bodySize());
        if (shown.is("text", null)) {
            w.raw(" " + p.bodyLines);
        } else if (shown.is("message", "rfc822") && p.message != null) {
            w.raw(" ");
            envelope(w, p.message);
            w.raw(" ");
            structure(w, p.message, extended, false);
            w.raw(" " + p.bodyLines);
        }
        if (extended) {
            w.raw(" ").nstring(p.field("Content-MD5")).raw(" ");
            disposition(w, p);
            w.raw(" ");
            language(w, p);
            w.raw(" ").nstring(p.field("Content-Location"));
        }
        w.raw(")");
    }

    private static void params(ImapWriter w, List<String[]> params) throws IOException {
        if (params.isEmpty()) {
            w.raw("NIL");
            return;
        }
        w.raw("(");
        boolean first = true;
        for (String[] p : params) {
            if (!first) {
                w.raw(" ");
            }
            first = false;
            w.string(p[0]).raw(" ").string(p[1]);
        }
        w.raw(")");
    }

    private static void disposition(ImapWriter w, MimePart p) throws IOException {
        String value = p.field("Content-Disposition");
        String main = MimePart.mainToken(value);
        if (main == null) {
            w.raw("NIL");
            return;
        }
        int semi = value.indexOf(';');
        w.raw("(").string(main).raw(" ");
        params(w, semi < 0 ? List.of() : MimePart.parameters(value.substring(semi + 1)));
        w.raw(")");
    }

    private static void language(ImapWriter w, MimePart p) throws IOException {
        String value = p.field("Content-Language");
        if (value == null || value.isBlank()) {
            w.raw("NIL");
            return;
        }
        String[] tags = value.split("\\s*,\\s*");
        if (tags.length == 1) {
            w.string(tags[0].strip());
            return;
        }
        w.raw("(");
        for (int i = 0; i < tags.length; i++) {
            w.raw(i == 0 ? "" : " ").string(tags[i].strip());
        }
        w.raw(")");
    }
}
