package io.cassmail.store.memory;

import io.cassmail.store.AdminStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** {@link AdminStore} in memory, for unit tests; sessions expire on the given clock. */
public final class MemoryAdminStore implements AdminStore {
    private final Clock clock;
    private final Map<String, AdminAccount> admins = new ConcurrentHashMap<>();
    private final Map<String, ApiToken> tokens = new ConcurrentHashMap<>();
    private final Map<String, WebSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, Instant> sessionExpiry = new ConcurrentHashMap<>();
    private final List<AuditEntry> audit = new ArrayList<>();

    public MemoryAdminStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Optional<AdminAccount> admin(String name) {
        return Optional.ofNullable(admins.get(name));
    }

    @Override
    public void putAdmin(AdminAccount admin) {
        admins.put(admin.name(), admin);
    }

    @Override
    public boolean removeAdmin(String name) {
        tokens.values().removeIf(t -> t.admin().equals(name));
        return admins.remove(name) != null;
    }

    @Override
    public List<String> admins() {
        return new TreeMap<>(admins).keySet().stream().toList();
    }

    @Override
    public void putToken(ApiToken token) {
        tokens.put(token.hash(), token);
    }

    @Override
    public Optional<ApiToken> token(String hash) {
        return Optional.ofNullable(tokens.get(hash));
    }

    @Override
    public List<ApiToken> tokens(String admin) {
        return tokens.values().stream().filter(t -> t.admin().equals(admin))
                .sorted(Comparator.comparing(ApiToken::hash)).toList();
    }

    @Override
    public boolean removeToken(String hash) {
        return tokens.remove(hash) != null;
    }

    @Override
    public void putSession(String idHash, WebSession session, Duration ttl) {
        sessions.put(idHash, session);
        sessionExpiry.put(idHash, clock.instant().plus(ttl));
    }

    @Override
    public Optional<WebSession> session(String idHash) {
        Instant expiry = sessionExpiry.get(idHash);
        if (expiry == null || !clock.instant().isBefore(expiry)) {
            return Optional.empty();
        }
        return Optional.ofNullable(sessions.get(idHash));
    }

    @Override
    public void removeSession(String idHash) {
        sessions.remove(idHash);
        sessionExpiry.remove(idHash);
    }

    @Override
    public synchronized void audit(AuditEntry entry) {
        audit.add(entry);
    }

    @Override
    public synchronized List<AuditEntry> audit(LocalDate day, int limit) {
        return audit.stream().filter(e -> LocalDate.ofInstant(e.at(), ZoneOffset.UTC).equals(day))
                .sorted(Comparator.comparing(AuditEntry::at).reversed()).limit(limit).toList();
    }
}
