package io.cassmail.store;

import java.time.Instant;

/** The right to write one account's folders: held by {@code owner} until {@code expires}, numbered by {@code epoch}. */
public record WriterLease(String address, long epoch, String owner, Instant expires) {
}
