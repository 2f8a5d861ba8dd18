package io.cassmail.store;

/** A user's own quota limits; a null limit means the configured default applies. */
public record UserQuota(Long maxMessages, Long maxBytes) {
    public static final UserQuota DEFAULTS = new UserQuota(null, null);
}
