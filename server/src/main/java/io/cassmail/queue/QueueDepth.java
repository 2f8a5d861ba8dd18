package io.cassmail.queue;

/** Ready messages and consumers of one queue; null counts when the queue is not declared yet. */
public record QueueDepth(String queue, Long ready, Long consumers) {
}
