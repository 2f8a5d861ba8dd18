package io.cassmail.bench;

import io.cassmail.mail.Addresses;
import io.cassmail.mailbox.Accounts;
import io.cassmail.mailbox.MailboxWriter;
import io.cassmail.mailbox.Mailboxes;
import io.cassmail.store.Stores;
import java.io.BufferedReader;
import java.io.IOException;

/** What the SMTP benchmarks share: a recipient account that exists, and reading one SMTP reply. */
final class BenchAccount {

    private BenchAccount() {
    }

    /** Creates the address's domain and account when missing ({@code passwordHash} null: no login). */
    static void ensure(Stores stores, String address, String passwordHash) {
        String domain = Addresses.domainOf(address);
        if (!stores.directory().isLocalDomain(domain)) {
            stores.directory().addDomain(domain);
        }
        if (!stores.directory().userExists(address)) {
            new Accounts(stores.directory(), mailboxes(stores)).create(address, passwordHash);
        }
    }

    /** The mailbox model with a writer of the benchmark's own that gives each lease back after its change. */
    static Mailboxes mailboxes(Stores stores) {
        return Mailboxes.on(stores, MailboxWriter.Settings.of("cassmail-bench/" + ProcessHandle.current().pid()).passing());
    }

    /** Reads one reply, all its lines (RFC 5321 §4.2.1), and returns them joined by LF. */
    static String reply(BufferedReader in) throws IOException {
        String line;
        StringBuilder all = new StringBuilder();
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("server closed the connection");
            }
            all.append(line).append('\n');
        } while (line.length() > 3 && line.charAt(3) == '-');
        return all.toString();
    }
}
