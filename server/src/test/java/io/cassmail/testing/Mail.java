package io.cassmail.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.store.MailboxEntry;
import io.cassmail.store.MailboxStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

/** Small helpers shared by the mail tests. */
public final class Mail {
    private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as ([0-9a-f-]{36})");

    private Mail() {
    }

    /** One SMTP transaction on an open session (after EHLO), dot-stuffing the data; returns the queue id of the 250. */
    public static UUID send(SmtpLineClient c, String from, String to, String data) throws IOException {
        c.send("MAIL FROM:<" + from + ">").expect("250 2.1.0");
        c.send("RCPT TO:<" + to + ">").expect("250 2.1.5");
        c.send("DATA").expect("354");
        c.sendRaw((data.replaceAll("(?m)^\\.", "..") + ".\r\n").getBytes(StandardCharsets.UTF_8));
        return queuedId(c.reply());
    }

    public static UUID queuedId(String reply) {
        Matcher m = QUEUED.matcher(reply);
        assertThat(m.find()).as("expected a 250 with a queue id, got: %s", reply).isTrue();
        return UUID.fromString(m.group(1));
    }

    public static List<UUID> inbox(MailboxStore mailboxes, String address) {
        return StreamSupport.stream(mailboxes.list(address, MailboxStore.INBOX).spliterator(), false)
                .map(MailboxEntry::messageId).toList();
    }
}
