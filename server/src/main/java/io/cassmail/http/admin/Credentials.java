package io.cassmail.http.admin;

import io.cassmail.auth.LoginPenalty;
import io.cassmail.auth.PasswordAuthenticator;
import io.cassmail.mail.Addresses;
import io.cassmail.operations.AdminOperations;
import io.cassmail.operations.UserOperations;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a name and password: a name with {@code @} is a user's address, any other an admin's name. Every attempt
 * is on the client address's failed-login budget ({@link LoginPenalty}, shared with SMTP AUTH, POP3 and IMAP).
 */
final class Credentials {

    private Credentials() {
    }

    static Principal check(String name, String password, String via, InetAddress client, LoginPenalty penalty,
                           AdminOperations admins, PasswordAuthenticator users) {
        allowed(client, penalty);
        Optional<Principal> p = Optional.empty();
        if (password != null && password.length() <= UserOperations.MAX_PASSWORD && name != null && name.length() <= 320) {
            if (name.contains("@")) {
                p = Addresses.isValid(name) ? users.authenticate(name, password)
                        .map(a -> new Principal(Principal.Kind.USER, a, via, null)) : Optional.empty();
            } else {
                p = admins.authenticate(name, password).map(a -> new Principal(Principal.Kind.ADMIN, a, via, null));
            }
        }
        if (p.isEmpty()) {
            penalty.failed(client);
            throw new ApiError(401, "Wrong name or password", "the name or the password is not right");
        }
        penalty.succeeded(client);
        return p.get();
    }

    /** Refuses a client that has used up its failed-login budget, saying when it may try again. */
    static void allowed(InetAddress client, LoginPenalty penalty) {
        if (!penalty.allows(client)) {
            long wait = penalty.secondsLeft(client);
            throw new ApiError(429, "Too many failed logins", "too many failed logins from " + client.getHostAddress()
                    + "; try again in " + wait + " s", Map.of("Retry-After", String.valueOf(wait)));
        }
    }
}
