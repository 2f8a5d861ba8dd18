package io.cassmail.store;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/** Admin accounts, their API tokens, browser sessions and the audit log; Cassandra and memory twins implement it. */
public interface AdminStore {

    /** An admin of the API and web admin; the password is an Argon2id hash like users'. */
    record AdminAccount(String name, String passwordHash, Instant created) {
    }

    /** An API token, known by the SHA-256 of its secret. */
    record ApiToken(String hash, String admin, String label, Instant created) {
    }

    /** A signed-in browser: who (an admin's name or a user's address), which kind, and its CSRF token. */
    record WebSession(String principal, String kind, String csrf, Instant created) {
    }

    /** One change: who did what to what, from where, and how it ended. */
    record AuditEntry(Instant at, String actor, String action, String target, String remote, String outcome) {
    }

    Optional<AdminAccount> admin(String name);

    /** Creates or replaces the admin. */
    void putAdmin(AdminAccount admin);

    /** False when there was no such admin; its tokens go with it. */
    boolean removeAdmin(String name);

    List<String> admins();

    void putToken(ApiToken token);

    Optional<ApiToken> token(String hash);

    List<ApiToken> tokens(String admin);

    boolean removeToken(String hash);

    /** Stores the session under the hash of its cookie until {@code ttl} has passed. */
    void putSession(String idHash, WebSession session, Duration ttl);

    Optional<WebSession> session(String idHash);

    void removeSession(String idHash);

    void audit(AuditEntry entry);

    /** The entries of one UTC day, newest first, at most {@code limit}. */
    List<AuditEntry> audit(LocalDate day, int limit);
}
