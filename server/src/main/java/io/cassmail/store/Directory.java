package io.cassmail.store;

import java.util.Optional;

/** Local domains and user accounts. */
public interface Directory {

    boolean isLocalDomain(String domain);

    boolean userExists(String address);

    Optional<String> passwordHash(String address);

    void addDomain(String domain);

    boolean removeDomain(String domain);

    Iterable<String> domains();

    /** Creates or replaces the account and its INBOX. */
    void addUser(String address, String passwordHash);

    boolean removeUser(String address);

    void setPasswordHash(String address, String passwordHash);

    /** Users of one domain, or of every domain when {@code domain} is null; pages through the driver. */
    Iterable<String> users(String domain);
}
