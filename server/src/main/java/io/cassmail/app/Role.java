package io.cassmail.app;

/** What a cassmail-server process does; a role not asked for binds no port. */
public enum Role {
    SMTP, POP3, IMAP, WORKER
}
