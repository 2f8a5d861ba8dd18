package io.cassmail.store.memory;

import io.cassmail.mail.Addresses;
import io.cassmail.store.Directory;
import io.cassmail.store.UserQuota;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;

/** {@link Directory} in memory, with the same key normalisation as the Cassandra tables. */
public final class MemoryDirectory extends MemoryStore implements Directory {
    private final Set<String> domains = new ConcurrentSkipListSet<>();
    /** address → password hash ("" for none, as a map cannot hold null). */
    private final Map<String, String> users = new ConcurrentSkipListMap<>();
    private final Map<String, UserQuota> quotas = new ConcurrentSkipListMap<>();
    private final java.util.List<io.cassmail.store.DkimKey> dkim = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** alias → owner. */
    private final Map<String, String> aliases = new ConcurrentSkipListMap<>();

    @Override
    public boolean isLocalDomain(String domain) {
        check();
        return domains.contains(Addresses.normalizeDomain(domain));
    }

    @Override
    public boolean userExists(String address) {
        check();
        return users.containsKey(Addresses.normalize(address));
    }

    @Override
    public Optional<String> passwordHash(String address) {
        check();
        return Optional.ofNullable(users.get(Addresses.normalize(address))).filter(h -> !h.isEmpty());
    }

    @Override
    public void addDomain(String domain) {
        check();
        domains.add(Addresses.normalizeDomain(domain));
    }

    @Override
    public boolean removeDomain(String domain) {
        check();
        return domains.remove(Addresses.normalizeDomain(domain));
    }

    @Override
    public Iterable<String> domains() {
        check();
        return List.copyOf(domains);
    }

    @Override
    public void addUser(String address, String passwordHash) {
        check();
        String a = Addresses.normalize(address);
        Addresses.domainOf(a);
        users.put(a, passwordHash == null ? "" : passwordHash);
    }

    @Override
    public boolean removeUser(String address) {
        check();
        quotas.remove(Addresses.normalize(address));
        return users.remove(Addresses.normalize(address)) != null;
    }

    @Override
    public void setPasswordHash(String address, String passwordHash) {
        check();
        users.put(Addresses.normalize(address), passwordHash == null ? "" : passwordHash);
    }

    @Override
    public UserQuota quota(String address) {
        check();
        return quotas.getOrDefault(Addresses.normalize(address), UserQuota.DEFAULTS);
    }

    @Override
    public void setQuota(String address, Long maxMessages, Long maxBytes) {
        check();
        quotas.put(Addresses.normalize(address), new UserQuota(maxMessages, maxBytes));
    }

    @Override
    public Iterable<String> users(String domain) {
        check();
        if (domain == null) {
            return List.copyOf(users.keySet());
        }
        String d = Addresses.normalizeDomain(domain);
        return users.keySet().stream().filter(a -> Addresses.domainOf(a).equals(d)).toList();
    }

    @Override
    public Optional<String> aliasOwner(String alias) {
        check();
        return Optional.ofNullable(aliases.get(Addresses.normalize(alias)));
    }

    @Override
    public void addAlias(String alias, String owner) {
        check();
        aliases.put(Addresses.normalize(alias), Addresses.normalize(owner));
    }

    @Override
    public boolean removeAlias(String alias) {
        check();
        return aliases.remove(Addresses.normalize(alias)) != null;
    }

    @Override
    public Iterable<String> aliases(String owner) {
        check();
        String o = Addresses.normalize(owner);
        return aliases.entrySet().stream().filter(e -> e.getValue().equals(o)).map(Map.Entry::getKey).toList();
    }

    @Override
    public java.util.List<io.cassmail.store.DkimKey> dkimKeys(String domain) {
        check();
        String d = Addresses.normalizeDomain(domain);
        return dkim.stream().filter(k -> k.domain().equals(d))
                .sorted(java.util.Comparator.comparing(io.cassmail.store.DkimKey::created).reversed()).toList();
    }

    @Override
    public void addDkimKey(io.cassmail.store.DkimKey key) {
        check();
        removeDkimKey(key.domain(), key.selector());
        dkim.add(new io.cassmail.store.DkimKey(Addresses.normalizeDomain(key.domain()), key.selector(), key.privateKey(),
                key.publicKey(), key.created()));
    }

    @Override
    public boolean removeDkimKey(String domain, String selector) {
        check();
        String d = Addresses.normalizeDomain(domain);
        return dkim.removeIf(k -> k.domain().equals(d) && k.selector().equals(selector));
    }
}
