package io.cassmail.smtp;

import io.cassmail.auth.LoginPenalty;
import io.cassmail.auth.PasswordAuthenticator;
import io.cassmail.mail.Addresses;
import io.cassmail.net.SendingLimits;
import io.cassmail.store.Directory;
import java.time.Duration;
import java.util.Optional;

/**
 * What a submission listener (RFC 6409) enforces on authenticated users: the AUTH checks and their failure limits,
 * that senders are the user's own addresses (§6.1), the sending limits, and whether Received names the user.
 */
public record SubmissionPolicy(PasswordAuthenticator authenticator, LoginPenalty penalty, Duration authFailureDelay,
                               int maxAuthFailures, SendingLimits limits, int maxRecipients, boolean receivedAuthUser,
                               Directory directory) {

    /** Whether {@code address} is the user's own address or one of the user's aliases. */
    boolean owns(String user, String address) {
        if (address == null || !Addresses.isValid(address)) {
            return false;
        }
        String a = Addresses.normalize(address);
        if (a.equals(user)) {
            return true;
        }
        Optional<String> owner = directory.aliasOwner(a);
        return owner.isPresent() && owner.get().equals(user);
    }
}
