package io.cassmail.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.mailbox.FolderNames;
import io.cassmail.mailbox.MailboxReader;
import io.cassmail.store.FolderEntry;
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

    /** The INBOX's entries in UID order (empty when the account has no INBOX yet). */
    public static List<FolderEntry> inboxEntries(MailboxReader mailboxes, String address) {
        return mailboxes.folder(address, FolderNames.INBOX).map(inbox -> StreamSupport.stream(
                mailboxes.entries(inbox, 1).spliterator(), false).toList()).orElse(List.of());
    }

    public static List<UUID> inbox(io.cassmail.mailbox.Mailboxes mailboxes, String address) {
        return inbox(mailboxes.reader(), address);
    }

    /** The message ids a folder lists, in UID order (empty when the account has no such folder). */
    public static List<UUID> folder(io.cassmail.mailbox.Mailboxes mailboxes, String address, String name) {
        MailboxReader reader = mailboxes.reader();
        return reader.folder(address, name).map(f -> StreamSupport.stream(reader.entries(f, 1).spliterator(), false)
                .map(FolderEntry::messageId).toList()).orElse(List.of());
    }

    /** The message ids the INBOX lists, in UID order (empty when the account has no INBOX yet). */
    public static List<UUID> inbox(MailboxReader mailboxes, String address) {
        return mailboxes.folder(address, FolderNames.INBOX).map(inbox -> StreamSupport.stream(
                mailboxes.entries(inbox, 1).spliterator(), false).map(FolderEntry::messageId).toList())
                .orElse(List.of());
    }
}
