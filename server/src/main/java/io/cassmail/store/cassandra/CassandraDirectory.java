package io.cassmail.store.cassandra;

import static io.cassmail.store.cassandra.CassandraCalls.call;
import static io.cassmail.store.cassandra.CassandraCalls.run;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.cassmail.mail.Addresses;
import io.cassmail.store.Directory;
import io.cassmail.store.UserQuota;
import java.time.Instant;
import java.util.Optional;

/** {@link Directory} on the {@code domains}, {@code users}, {@code users} and {@code domain_users} tables. */
public final class CassandraDirectory implements Directory {
    private final CqlSession session;
    private final PreparedStatement selectDomain;
    private final PreparedStatement insertDomain;
    private final PreparedStatement deleteDomain;
    private final PreparedStatement selectUser;
    private final PreparedStatement insertUser;
    private final PreparedStatement insertDomainUser;
    private final PreparedStatement deleteUser;
    private final PreparedStatement deleteDomainUser;
    private final PreparedStatement updatePassword;
    private final PreparedStatement selectDomainUsers;
    private final PreparedStatement selectQuota;
    private final PreparedStatement updateQuota;
    private final PreparedStatement selectAlias;
    private final PreparedStatement insertAlias;
    private final PreparedStatement insertUserAlias;
    private final PreparedStatement deleteAlias;
    private final PreparedStatement deleteUserAlias;
    private final PreparedStatement selectUserAliases;
    private final PreparedStatement selectDkim;
    private final PreparedStatement insertDkim;
    private final PreparedStatement deleteDkim;

    public CassandraDirectory(CqlSession session) {
        this.session = session;
        selectDomain = session.prepare("SELECT domain FROM domains WHERE domain = ?");
        insertDomain = session.prepare("INSERT INTO domains (domain, created) VALUES (?, ?)");
        deleteDomain = session.prepare("DELETE FROM domains WHERE domain = ?");
        selectUser = session.prepare("SELECT address, password_hash FROM users WHERE address = ?");
        insertUser = session.prepare("INSERT INTO users (address, domain, password_hash, created) VALUES (?, ?, ?, ?)");
        insertDomainUser = session.prepare("INSERT INTO domain_users (domain, address) VALUES (?, ?)");
        deleteUser = session.prepare("DELETE FROM users WHERE address = ?");
        deleteDomainUser = session.prepare("DELETE FROM domain_users WHERE domain = ? AND address = ?");
        updatePassword = session.prepare("UPDATE users SET password_hash = ? WHERE address = ?");
        selectDomainUsers = session.prepare("SELECT address FROM domain_users WHERE domain = ?");
        selectQuota = session.prepare("SELECT max_messages, max_bytes FROM users WHERE address = ?");
        updateQuota = session.prepare("UPDATE users SET max_messages = ?, max_bytes = ? WHERE address = ?");
        selectAlias = session.prepare("SELECT owner FROM aliases WHERE alias = ?");
        insertAlias = session.prepare("INSERT INTO aliases (alias, owner, created) VALUES (?, ?, ?)");
        insertUserAlias = session.prepare("INSERT INTO user_aliases (owner, alias) VALUES (?, ?)");
        deleteAlias = session.prepare("DELETE FROM aliases WHERE alias = ?");
        deleteUserAlias = session.prepare("DELETE FROM user_aliases WHERE owner = ? AND alias = ?");
        selectUserAliases = session.prepare("SELECT alias FROM user_aliases WHERE owner = ?");
        selectDkim = session.prepare("SELECT selector, private_key, public_key, created FROM dkim_keys WHERE domain = ?");
        insertDkim = session.prepare("INSERT INTO dkim_keys (domain, selector, private_key, public_key, created) VALUES (?, ?, ?, ?, ?)");
        deleteDkim = session.prepare("DELETE FROM dkim_keys WHERE domain = ? AND selector = ?");
    }

    @Override
    public boolean isLocalDomain(String domain) {
        return call(() -> session.execute(selectDomain.bind(Addresses.normalizeDomain(domain))).one() != null);
    }

    @Override
    public boolean userExists(String address) {
        return call(() -> session.execute(selectUser.bind(Addresses.normalize(address))).one() != null);
    }

    @Override
    public Optional<String> passwordHash(String address) {
        Row row = call(() -> session.execute(selectUser.bind(Addresses.normalize(address))).one());
        return row == null ? Optional.empty() : Optional.ofNullable(row.getString("password_hash"));
    }

    @Override
    public void addDomain(String domain) {
        run(() -> session.execute(insertDomain.bind(Addresses.normalizeDomain(domain), Instant.now())));
    }

    @Override
    public boolean removeDomain(String domain) {
        String d = Addresses.normalizeDomain(domain);
        boolean existed = isLocalDomain(d);
        run(() -> session.execute(deleteDomain.bind(d)));
        return existed;
    }

    @Override
    public Iterable<String> domains() {
        return call(() -> session.execute("SELECT domain FROM domains").map(r -> r.getString(0)));
    }

    @Override
    public void addUser(String address, String passwordHash) {
        String a = Addresses.normalize(address);
        String domain = Addresses.domainOf(a);
        Instant now = Instant.now();
        run(() -> {
            session.execute(insertUser.bind(a, domain, passwordHash, now));
            session.execute(insertDomainUser.bind(domain, a));
        });
    }

    @Override
    public boolean removeUser(String address) {
        String a = Addresses.normalize(address);
        boolean existed = userExists(a);
        run(() -> {
            session.execute(deleteUser.bind(a));
            session.execute(deleteDomainUser.bind(Addresses.domainOf(a), a));
        });
        return existed;
    }

    @Override
    public void setPasswordHash(String address, String passwordHash) {
        run(() -> session.execute(updatePassword.bind(passwordHash, Addresses.normalize(address))));
    }

    @Override
    public UserQuota quota(String address) {
        Row r = call(() -> session.execute(selectQuota.bind(Addresses.normalize(address))).one());
        return r == null ? UserQuota.DEFAULTS : new UserQuota(r.isNull(0) ? null : r.getLong(0), r.isNull(1) ? null : r.getLong(1));
    }

    @Override
    public void setQuota(String address, Long maxMessages, Long maxBytes) {
        run(() -> session.execute(updateQuota.bind(maxMessages, maxBytes, Addresses.normalize(address))));
    }

    @Override
    public Iterable<String> users(String domain) {
        if (domain == null) {
            return call(() -> session.execute("SELECT address FROM users").map(r -> r.getString(0)));
        }
        return call(() -> session.execute(selectDomainUsers.bind(Addresses.normalizeDomain(domain)))
                .map(r -> r.getString(0)));
    }

    @Override
    public Optional<String> aliasOwner(String alias) {
        Row r = call(() -> session.execute(selectAlias.bind(Addresses.normalize(alias))).one());
        return r == null ? Optional.empty() : Optional.ofNullable(r.getString(0));
    }

    /** Two rows (alias → owner, owner's list); a replaced owner's list row is removed after the new one is written. */
    @Override
    public void addAlias(String alias, String owner) {
        String a = Addresses.normalize(alias);
        String o = Addresses.normalize(owner);
        Optional<String> previous = aliasOwner(a);
        run(() -> {
            session.execute(insertUserAlias.bind(o, a));
            session.execute(insertAlias.bind(a, o, Instant.now()));
            if (previous.isPresent() && !previous.get().equals(o)) {
                session.execute(deleteUserAlias.bind(previous.get(), a));
            }
        });
    }

    @Override
    public boolean removeAlias(String alias) {
        String a = Addresses.normalize(alias);
        Optional<String> owner = aliasOwner(a);
        run(() -> {
            session.execute(deleteAlias.bind(a));
            owner.ifPresent(o -> session.execute(deleteUserAlias.bind(o, a)));
        });
        return owner.isPresent();
    }

    @Override
    public Iterable<String> aliases(String owner) {
        return call(() -> session.execute(selectUserAliases.bind(Addresses.normalize(owner))).map(r -> r.getString(0)).all());
    }

    @Override
    public java.util.List<io.cassmail.store.DkimKey> dkimKeys(String domain) {
        String d = Addresses.normalizeDomain(domain);
        java.util.List<io.cassmail.store.DkimKey> keys = new java.util.ArrayList<>();
        for (Row r : call(() -> session.execute(selectDkim.bind(d)).all())) {
            keys.add(new io.cassmail.store.DkimKey(d, r.getString(0), r.getString(1), r.getString(2), r.getInstant(3)));
        }
        keys.sort(java.util.Comparator.comparing(io.cassmail.store.DkimKey::created).reversed());
        return keys;
    }

    @Override
    public void addDkimKey(io.cassmail.store.DkimKey key) {
        run(() -> session.execute(insertDkim.bind(Addresses.normalizeDomain(key.domain()), key.selector(), key.privateKey(),
                key.publicKey(), key.created())));
    }

    @Override
    public boolean removeDkimKey(String domain, String selector) {
        String d = Addresses.normalizeDomain(domain);
        boolean existed = dkimKeys(d).stream().anyMatch(k -> k.selector().equals(selector));
        run(() -> session.execute(deleteDkim.bind(d, selector)));
        return existed;
    }
}
