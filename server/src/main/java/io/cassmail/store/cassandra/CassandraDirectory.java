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
}
