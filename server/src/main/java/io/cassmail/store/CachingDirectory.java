package io.cassmail.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Directory} that remembers the lookups SMTP makes for every recipient (local domain, account, alias,
 * quota limits) for {@code ttl}, so a RCPT for a known recipient costs no Cassandra read. Changes made through
 * this object are seen at once; changes made by another process (the admin CLI, another front end) after at
 * most {@code ttl}. Passwords and DKIM keys are never cached.
 */
public final class CachingDirectory implements Directory {
    private static final int MAX_ENTRIES = 100_000;

    private final Directory directory;
    private final LookupCache<String, Boolean> domains;
    private final LookupCache<String, Boolean> users;
    private final LookupCache<String, Optional<String>> aliases;
    private final LookupCache<String, UserQuota> quotas;

    public CachingDirectory(Directory directory, Duration ttl) {
        this.directory = directory;
        this.domains = new LookupCache<>(ttl, MAX_ENTRIES);
        this.users = new LookupCache<>(ttl, MAX_ENTRIES);
        this.aliases = new LookupCache<>(ttl, MAX_ENTRIES);
        this.quotas = new LookupCache<>(ttl, MAX_ENTRIES);
    }

    @Override
    public boolean isLocalDomain(String domain) {
        return domains.get(domain, directory::isLocalDomain);
    }

    @Override
    public boolean userExists(String address) {
        return users.get(address, directory::userExists);
    }

    @Override
    public Optional<String> passwordHash(String address) {
        return directory.passwordHash(address);
    }

    @Override
    public void addDomain(String domain) {
        directory.addDomain(domain);
        domains.forget(domain);
    }

    @Override
    public boolean removeDomain(String domain) {
        return forgetting(directory.removeDomain(domain), domains, domain);
    }

    @Override
    public Iterable<String> domains() {
        return directory.domains();
    }

    @Override
    public void addUser(String address, String passwordHash) {
        directory.addUser(address, passwordHash);
        users.forget(address);
        quotas.forget(address);
    }

    @Override
    public boolean removeUser(String address) {
        return forgetting(forgetting(directory.removeUser(address), users, address), quotas, address);
    }

    @Override
    public void setPasswordHash(String address, String passwordHash) {
        directory.setPasswordHash(address, passwordHash);
    }

    @Override
    public UserQuota quota(String address) {
        return quotas.get(address, directory::quota);
    }

    @Override
    public void setQuota(String address, Long maxMessages, Long maxBytes) {
        directory.setQuota(address, maxMessages, maxBytes);
        quotas.forget(address);
    }

    @Override
    public Iterable<String> users(String domain) {
        return directory.users(domain);
    }

    @Override
    public Optional<String> aliasOwner(String alias) {
        return aliases.get(alias, directory::aliasOwner);
    }

    @Override
    public void addAlias(String alias, String owner) {
        directory.addAlias(alias, owner);
        aliases.forget(alias);
    }

    @Override
    public boolean removeAlias(String alias) {
        return forgetting(directory.removeAlias(alias), aliases, alias);
    }

    @Override
    public Iterable<String> aliases(String owner) {
        return directory.aliases(owner);
    }

    @Override
    public List<DkimKey> dkimKeys(String domain) {
        return directory.dkimKeys(domain);
    }

    @Override
    public void addDkimKey(DkimKey key) {
        directory.addDkimKey(key);
    }

    @Override
    public boolean removeDkimKey(String domain, String selector) {
        return directory.removeDkimKey(domain, selector);
    }

    /** Returns {@code result} after dropping {@code key} from {@code cache}: the change was made through here. */
    private static boolean forgetting(boolean result, LookupCache<String, ?> cache, String key) {
        cache.forget(key);
        return result;
    }
}
