package io.cassmail.http.admin;

import io.cassmail.operations.AdminOperations;
import io.cassmail.store.AdminStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Browser sessions of the web admin: a random cookie ({@code HttpOnly}, {@code SameSite=Strict}, {@code Secure} over
 * TLS) whose SHA-256 keys a {@code web_sessions} row that expires by TTL, so every front end knows every session, and
 * a CSRF token the page sends back in {@code X-CSRF-Token} with every change.
 */
final class WebSessions {
    static final String COOKIE = "cassmail_session";

    private final AdminStore store;
    private final Duration ttl;
    private final Clock clock;
    private final boolean secure;

    WebSessions(AdminStore store, Duration ttl, Clock clock, boolean secure) {
        this.store = store;
        this.ttl = ttl;
        this.clock = clock;
        this.secure = secure;
    }

    /** A new session: the cookie to set and the CSRF token to hand the page. */
    record Created(String setCookie, String csrf) {
    }

    Created create(Principal.Kind kind, String name) {
        String id = AdminOperations.secret();
        String csrf = AdminOperations.secret();
        store.putSession(AdminOperations.sha256(id), new AdminStore.WebSession(name, kind.name().toLowerCase(Locale.ROOT),
                csrf, clock.instant()), ttl);
        return new Created(COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + ttl.toSeconds()
                + (secure ? "; Secure" : ""), csrf);
    }

    /** The principal of a session cookie still alive. */
    Optional<Principal> find(String cookie) {
        if (cookie == null || cookie.length() > 100) {
            return Optional.empty();
        }
        return store.session(AdminOperations.sha256(cookie)).map(s -> new Principal(
                s.kind().equals("admin") ? Principal.Kind.ADMIN : Principal.Kind.USER, s.principal(), "session", s.csrf()));
    }

    void end(String cookie) {
        if (cookie != null && cookie.length() <= 100) {
            store.removeSession(AdminOperations.sha256(cookie));
        }
    }

    /** A header that makes the browser forget the cookie. */
    String clear() {
        return COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + (secure ? "; Secure" : "");
    }
}
