package io.cassmail.operations;

import io.cassmail.auth.PasswordHasher;
import io.cassmail.store.AdminStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Admins of the API and web admin (Argon2id passwords, like users) and their API tokens. A token is 32 random bytes
 * shown once; the store keeps its SHA-256 only, and its first 12 hex digits name it in listings and revocations.
 */
public final class AdminOperations {
    /** Every token starts with this, so a leaked one is easy to search for in logs and repositories. */
    public static final String TOKEN_PREFIX = "cmt_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AdminStore store;
    private final PasswordHasher hasher;
    private final AuditTrail audit;
    private final Clock clock;
    /**
     * Verified against when no such admin exists, so an unknown name costs what a wrong password does; made at the
     * first such login (a CLI command that signs no one in never pays for it).
     */
    private volatile String dummyHash;

    public AdminOperations(AdminStore store, PasswordHasher hasher, AuditTrail audit, Clock clock) {
        this.store = store;
        this.hasher = hasher;
        this.audit = audit;
        this.clock = clock;
    }

    /** A token as listed: its id (hash prefix), label and when it was made; never the secret. */
    public record Token(String id, String admin, String label, String created) {
    }

    public List<String> list() {
        return store.admins();
    }

    /** Creates an admin, or sets the password of an existing one. */
    public String add(Actor actor, String name, String password) {
        String n = validName(name);
        String hash = hasher.hash(UserOperations.validPassword(password));
        return audit.change(actor, "admin.add", n, () -> {
            store.putAdmin(new AdminStore.AdminAccount(n, hash, clock.instant()));
            return n;
        });
    }

    /** Sets an existing admin's password (their own page, or an operator). */
    public void setPassword(Actor actor, String name, String password) {
        String n = validName(name);
        String hash = hasher.hash(UserOperations.validPassword(password));
        audit.change(actor, "admin.password", n, () -> {
            AdminStore.AdminAccount old = store.admin(n).orElseThrow(() -> OperationException.notFound("no such admin: " + n));
            store.putAdmin(new AdminStore.AdminAccount(n, hash, old.created()));
            return n;
        });
    }

    /** Removes an admin and every token of theirs. */
    public void remove(Actor actor, String name) {
        String n = validName(name);
        audit.change(actor, "admin.remove", n, () -> {
            if (!store.removeAdmin(n)) {
                throw OperationException.notFound("no such admin: " + n);
            }
            return n;
        });
    }

    /** Makes a token for the admin and returns its secret: the only time anyone sees it. */
    public String newToken(Actor actor, String name, String label) {
        String n = validName(name);
        String token = TOKEN_PREFIX + secret();
        String hash = sha256(token);
        audit.change(actor, "admin.token.add", n + "/" + hash.substring(0, 12), () -> {
            if (store.admin(n).isEmpty()) {
                throw OperationException.notFound("no such admin: " + n + "; add one first: cassmail-admin admins add "
                        + n + " --password-stdin");
            }
            store.putToken(new AdminStore.ApiToken(hash, n, label == null ? "" : label, clock.instant()));
            return n;
        });
        return token;
    }

    public List<Token> tokens(String name) {
        return store.tokens(validName(name)).stream().map(t -> new Token(t.hash().substring(0, 12), t.admin(), t.label(),
                String.valueOf(t.created()))).toList();
    }

    /** Revokes the admin's token whose id (the first hex digits of its hash, at least 8) is given. */
    public void revokeToken(Actor actor, String name, String id) {
        String n = validName(name);
        audit.change(actor, "admin.token.revoke", n + "/" + id, () -> {
            if (id == null || !id.matches("[0-9a-f]{8,64}")) {
                throw OperationException.invalid("a token id is 8 to 64 hex digits, as 'admins tokens " + n + "' lists");
            }
            List<AdminStore.ApiToken> match = store.tokens(n).stream().filter(t -> t.hash().startsWith(id)).toList();
            if (match.size() != 1) {
                throw OperationException.notFound(match.isEmpty() ? "admin " + n + " has no token " + id
                        : "token id " + id + " is ambiguous; give more digits");
            }
            store.removeToken(match.get(0).hash());
            return n;
        });
    }

    /** The admin a password belongs to; spends one Argon2id verification when the admin exists. */
    public Optional<String> authenticate(String name, String password) {
        if (name == null || password == null || password.length() > UserOperations.MAX_PASSWORD) {
            return Optional.empty();
        }
        Optional<AdminStore.AdminAccount> admin = store.admin(name);
        String hash = admin.map(AdminStore.AdminAccount::passwordHash).orElse(null);
        boolean matches = PasswordHasher.matches(password, hash != null ? hash : dummyHash());
        return matches && hash != null ? admin.map(AdminStore.AdminAccount::name) : Optional.empty();
    }

    /** The token's admin and id, if the token is one and its admin still exists. */
    public Optional<Token> byToken(String token) {
        if (token == null || !token.startsWith(TOKEN_PREFIX) || token.length() > 200) {
            return Optional.empty();
        }
        return store.token(sha256(token)).filter(t -> store.admin(t.admin()).isPresent())
                .map(t -> new Token(t.hash().substring(0, 12), t.admin(), t.label(), String.valueOf(t.created())));
    }

    private String dummyHash() {
        String h = dummyHash;
        if (h == null) {
            h = hasher.hash("cassmail-admin-dummy-password");
            dummyHash = h;
        }
        return h;
    }

    static String validName(String name) {
        if (name == null || !name.matches("[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}")) {
            throw OperationException.invalid("an admin name is 1 to 64 letters, digits, dots, hyphens and underscores,"
                    + " got '" + (name == null ? "" : name) + "'");
        }
        return name;
    }

    /** 32 random bytes, base64url: a token's secret, a session cookie, a CSRF token. */
    public static String secret() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** Hex SHA-256 of a secret (tokens, session cookies): what the store keeps instead of it. */
    public static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
