package io.cassmail.mailbox;

import io.cassmail.mail.Addresses;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Mailbox notices within one process: each subscriber of an account is called on a shared notifier thread. Also
 * the local half of the cross-process notices ({@code RabbitMailboxEvents} hands what it hears to {@link #deliver}).
 */
public final class LocalMailboxEvents implements MailboxEvents, AutoCloseable {
    private final Map<String, Set<Runnable>> listeners = new ConcurrentHashMap<>();
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mailbox-events");
        t.setDaemon(true);
        return t;
    });

    @Override
    public void changed(String address) {
        deliver(Addresses.normalize(address));
    }

    /** Calls the account's subscribers (on the notifier thread). */
    public void deliver(String address) {
        Set<Runnable> subscribers = listeners.get(address);
        if (subscribers != null) {
            for (Runnable r : subscribers) {
                notifier.execute(() -> {
                    try {
                        r.run();
                    } catch (RuntimeException e) {
                        org.slf4j.LoggerFactory.getLogger(LocalMailboxEvents.class).warn("mailbox notice for {} failed: {}",
                                address, e.toString());
                    }
                });
            }
        }
    }

    @Override
    public Subscription subscribe(String address, Runnable listener) {
        String a = Addresses.normalize(address);
        listeners.computeIfAbsent(a, k -> new CopyOnWriteArraySet<>()).add(listener);
        return () -> listeners.computeIfPresent(a, (k, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }


    @Override
    public void close() {
        notifier.shutdownNow();
    }
}
