package io.cassmail.store;

import java.util.Optional;

/** Local domains and user accounts. Mailboxes belong to {@link MailboxStore}; {@code mailbox.Accounts} creates both. */
public interface Directory {

    boolean isLocalDomain(String domain);

    boolean userExists(String address);

    /** The Argon2id hash; empty for no such user or a user without a password (no POP3 login). */
    Optional<String> passwordHash(String address);

    void addDomain(String domain);

    /** Returns whether the domain existed. */
    boolean removeDomain(String domain);

    Iterable<String> domains();

    /** Creates or replaces the account (not its mailboxes). */
    void addUser(String address, String passwordHash);

    /** Returns whether the account existed; its mailboxes and mail stay. */
    boolean removeUser(String address);

    void setPasswordHash(String address, String passwordHash);

    /** The user's own quota limits (nulls: the defaults); {@link UserQuota#DEFAULTS} for an unknown user. */
    UserQuota quota(String address);

    /** Sets the user's own limits; null resets one to the default. */
    void setQuota(String address, Long maxMessages, Long maxBytes);

    /** Users of one domain, or of every domain when {@code domain} is null; pages through large results. */
    Iterable<String> users(String domain);

    /** The account an alias address belongs to (mail to it goes to that account; it may send as it); else empty. */
    Optional<String> aliasOwner(String alias);

    /** Makes {@code alias} an address of {@code owner}, replacing any earlier owner. */
    void addAlias(String alias, String owner);

    /** Returns whether the alias existed. */
    boolean removeAlias(String alias);

    /** The aliases of one account. */
    Iterable<String> aliases(String owner);

    /** The domain's DKIM keys, newest first: the first signs, the others are kept until removed. */
    java.util.List<DkimKey> dkimKeys(String domain);

    void addDkimKey(DkimKey key);

    /** Returns whether the selector existed. */
    boolean removeDkimKey(String domain, String selector);
}
