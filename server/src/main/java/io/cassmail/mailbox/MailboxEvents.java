package io.cassmail.mailbox;

/**
 * Says that an account's mailbox changed, to the sessions that show it (IMAP IDLE and selected folders), across
 * processes. A notice carries no change: a session that hears one reads the folder again, so a lost or repeated
 * notice costs at most a delayed or a spare read, never a wrong view.
 */
public interface MailboxEvents {
    /** Nothing is told, nobody hears (processes without sessions, tests). */
    MailboxEvents NONE = new MailboxEvents() {
        @Override
        public void changed(String address) {
        }

        @Override
        public Subscription subscribe(String address, Runnable listener) {
            return () -> { };
        }
    };

    /** A change of the account was committed (called by the account's writer, after the commit). */
    void changed(String address);

    /** Calls {@code listener} (on a thread of the events' own) after changes of the account until closed. */
    Subscription subscribe(String address, Runnable listener);

    /** Ends a subscription. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
