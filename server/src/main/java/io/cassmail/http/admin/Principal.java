package io.cassmail.http.admin;

import io.cassmail.operations.Actor;

/**
 * Who a request is from: an admin (by token, HTTP Basic or a browser session) or a user (Basic or a session, for
 * their own page only); {@code csrf} is the session's token, null for the others.
 */
public record Principal(Kind kind, String name, String via, String csrf) {

    /** An admin may do everything; a user may see their own account and change their own password. */
    public enum Kind { ADMIN, USER }

    boolean admin() {
        return kind == Kind.ADMIN;
    }

    /** The audit log's actor: {@code admin:NAME}, {@code token:NAME/ID} or {@code user:ADDRESS}, from the client. */
    Actor actor(String from) {
        String who = via.startsWith("token:") ? "token:" + name + "/" + via.substring(6)
                : (kind == Kind.ADMIN ? "admin:" : "user:") + name;
        return new Actor(who, from);
    }
}
