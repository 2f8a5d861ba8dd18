package io.cassmail.operations;

import io.cassmail.auth.PasswordHasher;
import io.cassmail.mail.Addresses;
import io.cassmail.mailbox.Accounts;
import io.cassmail.mailbox.MailboxReader;
import io.cassmail.mailbox.Quotas;
import io.cassmail.store.Directory;
import io.cassmail.store.MailboxUsage;
import io.cassmail.store.UserQuota;
import java.util.ArrayList;
import java.util.List;

/** Accounts of local domains: list, add, show, password, quota, remove (with purge). */
public final class UserOperations {
    /** The longest password accepted (Argon2id takes any length; this bounds what a request can make it hash). */
    public static final int MAX_PASSWORD = 1024;

    private final Directory directory;
    private final DomainOperations domains;
    private final Accounts accounts;
    private final MailboxReader reader;
    private final Quotas quotas;
    private final PasswordHasher hasher;
    private final AuditTrail audit;

    public UserOperations(Directory directory, DomainOperations domains, Accounts accounts, MailboxReader reader,
                          Quotas quotas, PasswordHasher hasher, AuditTrail audit) {
        this.directory = directory;
        this.domains = domains;
        this.accounts = accounts;
        this.reader = reader;
        this.quotas = quotas;
        this.hasher = hasher;
        this.audit = audit;
    }

    /** One account with its usage and limits. */
    public record User(String address, long messages, long bytes, long maxMessages, long maxBytes, boolean ownLimits,
                       List<String> aliases) {
    }

    /** The accounts, sorted; of one domain when {@code domain} is not null. */
    public List<String> list(String domain) {
        String d = domain == null ? null : DomainOperations.valid(domain);
        List<String> all = new ArrayList<>();
        directory.users(d).forEach(all::add);
        all.sort(null);
        return all;
    }

    /** The account with its usage, limits and aliases. */
    public User get(String address) {
        String a = existing(address);
        MailboxUsage u = reader.usage(a);
        Quotas.Limits l = quotas.limits(a);
        UserQuota own = directory.quota(a);
        List<String> aliases = new ArrayList<>();
        directory.aliases(a).forEach(aliases::add);
        aliases.sort(null);
        return new User(a, u.messages(), u.bytes(), l.maxMessages(), l.maxBytes(),
                own.maxMessages() != null || own.maxBytes() != null, aliases);
    }

    /** Creates the account with its folders; {@code password} null makes one that cannot log in. */
    public String add(Actor actor, String address, String password) {
        String a = valid(address);
        String hash = password == null ? null : hasher.hash(validPassword(password));
        return audit.change(actor, "user.add", a, () -> {
            domains.requireLocal(Addresses.domainOf(a));
            if (directory.userExists(a)) {
                throw OperationException.conflict("user " + a + " already exists");
            }
            directory.aliasOwner(a).ifPresent(owner -> {
                throw OperationException.conflict(a + " is an alias of " + owner
                        + "; remove the alias first: cassmail-admin users alias remove " + a);
            });
            return accounts.create(a, hash);
        });
    }

    /** Sets the password (the account's logins use it at once; cached logins of the old one stop matching). */
    public void setPassword(Actor actor, String address, String password) {
        String hash = hasher.hash(validPassword(password));
        String a = valid(address);
        audit.change(actor, "user.password", a, () -> {
            directory.setPasswordHash(existing(a), hash);
            return a;
        });
    }

    /** Sets the account's own limits (null keeps the current one); {@code reset} goes back to the configured ones. */
    public User setQuota(Actor actor, String address, Long maxMessages, Long maxBytes, boolean reset) {
        if (maxMessages != null && maxMessages < 1) {
            throw OperationException.invalid("max messages must be at least 1");
        }
        if (maxBytes != null && maxBytes < 1) {
            throw OperationException.invalid("max bytes must be at least 1");
        }
        String a = valid(address);
        audit.change(actor, "user.quota", a + (reset ? " default" : " messages=" + maxMessages + " bytes=" + maxBytes),
                () -> {
                    existing(a);
                    if (reset) {
                        directory.setQuota(a, null, null);
                    } else if (maxMessages != null || maxBytes != null) {
                        UserQuota own = directory.quota(a);
                        directory.setQuota(a, maxMessages != null ? maxMessages : own.maxMessages(),
                                maxBytes != null ? maxBytes : own.maxBytes());
                    }
                    return a;
                });
        return get(a);
    }

    /**
     * Deletes the account; one that still holds mail only with {@code purge}, which deletes its folders and messages
     * too. Returns how many messages went with it.
     */
    public long remove(Actor actor, String address, boolean purge) {
        String a = valid(address);
        return audit.change(actor, purge ? "user.remove.purge" : "user.remove", a, () -> {
            existing(a);
            Accounts.MailboxCount left = accounts.count(a);
            if (left.messages() > 0 && !purge) {
                throw OperationException.conflict(a + " still has " + left.messages() + " message(s) in "
                        + left.mailboxes() + " mailbox(es); removing the account alone would leave them for whoever"
                        + " gets the address next. Remove it with purge (cassmail-admin users remove --purge, or ?purge=true"
                        + " in the API) to delete them with the account");
            }
            return accounts.purge(a);
        });
    }

    /** The account's aliases, sorted. */
    public List<String> aliases(String owner) {
        String o = existing(owner);
        List<String> aliases = new ArrayList<>();
        directory.aliases(o).forEach(aliases::add);
        aliases.sort(null);
        return aliases;
    }

    /** Makes {@code alias} (a free address of a local domain) an address of the account {@code owner}. */
    public String addAlias(Actor actor, String alias, String owner) {
        String a = valid(alias);
        return audit.change(actor, "alias.add", a + " -> " + owner, () -> {
            String o = existing(owner);
            domains.requireLocal(Addresses.domainOf(a));
            if (directory.userExists(a)) {
                throw OperationException.conflict(a + " is an account of its own; an alias must be a free address");
            }
            directory.aliasOwner(a).filter(current -> !current.equals(o)).ifPresent(current -> {
                throw OperationException.conflict(a + " is already an alias of " + current
                        + "; remove it first: cassmail-admin users alias remove " + a);
            });
            directory.addAlias(a, o);
            return o;
        });
    }

    /** Removes an alias; mail to it is refused from then on. */
    public void removeAlias(Actor actor, String alias) {
        String a = valid(alias);
        audit.change(actor, "alias.remove", a, () -> {
            if (!directory.removeAlias(a)) {
                throw OperationException.notFound("no such alias: " + a);
            }
            return a;
        });
    }

    /** The normalized address, or a refusal. */
    public static String valid(String address) {
        if (address == null || !Addresses.isValid(address)) {
            throw OperationException.invalid("'" + (address == null ? "" : address) + "' is not a valid mail address");
        }
        return Addresses.normalize(address);
    }

    /** The normalized address of an existing account, or a refusal. */
    public String existing(String address) {
        String a = valid(address);
        if (!directory.userExists(a)) {
            throw OperationException.notFound("no such user: " + a);
        }
        return a;
    }

    static String validPassword(String password) {
        if (password == null || password.isEmpty()) {
            throw OperationException.invalid("the password is empty");
        }
        if (password.length() > MAX_PASSWORD) {
            throw OperationException.invalid("the password is longer than " + MAX_PASSWORD + " characters");
        }
        if (password.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw OperationException.invalid("the password contains a control character");
        }
        return password;
    }
}
