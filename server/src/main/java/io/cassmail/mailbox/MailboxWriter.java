package io.cassmail.mailbox;

import io.cassmail.mail.Addresses;
import io.cassmail.store.BodyRef;
import io.cassmail.store.FolderBlock;
import io.cassmail.store.FolderChanges;
import io.cassmail.store.FolderEntry;
import io.cassmail.store.FolderRow;
import io.cassmail.store.FolderStore;
import io.cassmail.store.StoreUnavailableException;
import io.cassmail.store.WriterLease;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The one place that changes an account's folders (README "Data model"). Per account, one writer at a time
 * in the whole cluster: the process holding the account's lease ({@link io.cassmail.store.WriterLeases}, a
 * lightweight transaction when the writer changes and when it renews, never per message), and inside it one
 * thread at a time. So UIDs and MODSEQs come from the writer's memory, counts are written as exact values, and
 * no change needs a read-before-write on the store.
 *
 * <p>Every change is one logged batch whose write timestamp is {@code BASE + epoch * 2^40 + microseconds into
 * the epoch}: a writer that lost its lease (paused, partitioned) can only lose to its successor's writes. When a
 * writer first touches a folder in its epoch it fences it: entries from the folder's stored {@code uid_next} up
 * (all a predecessor could have had in flight, one batch of at most {@link #MAX_BATCH} entries) are deleted at a
 * timestamp above anything the predecessor wrote, so a UID a client was never shown cannot appear later below
 * one it was. A writer sends a batch only while its lease is valid by its own monotonic clock, and a successor
 * takes an expired lease only {@code grace} after it ended by the successor's clock.
 */
public final class MailboxWriter {
    /** Entries per batch: what a fence must cover (below one block, so two blocks at most). */
    static final int MAX_BATCH = 64;
    /** Bytes of entry summaries per batch, below Cassandra's 50 KiB batch refusal. */
    private static final int MAX_BATCH_BYTES = 32 * 1024;
    static final long TIMESTAMP_BASE = 1L << 56;
    static final int EPOCH_SHIFT = 40;

    /**
     * {@code givesLeasesBack}: see {@link #passing()}.
     *
     * @param owner          this process's writer id, unique in the cluster and stable across restarts (a
     *                       restarted process takes its own leases back at once)
     * @param lease          how long a lease lasts; renewed when a third of it is left
     * @param grace          how long after a lease ended a successor waits (bounds clock skew and writes in flight)
     * @param vanishedWindow how long expunged UIDs stay answerable (QRESYNC)
     */
    public record Settings(String owner, Duration lease, Duration grace, Duration vanishedWindow, boolean givesLeasesBack,
                           Duration patience) {
        public Settings(String owner, Duration lease, Duration grace, Duration vanishedWindow) {
            this(owner, lease, grace, vanishedWindow, false, lease.plus(grace).plusSeconds(2));
        }

        public static Settings of(String owner) {
            return new Settings(owner, Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofDays(30));
        }

        /**
         * For a process that does not serve other processes' requests (the admin CLI, tests): it gives each lease
         * back right after its change, so the servers take the account again at once.
         */
        public Settings passing() {
            return new Settings(owner, lease, grace, vanishedWindow, true, patience);
        }

        /** How long a change waits for an account another process writes and cannot be reached (default: its lease and grace, and 2 s). */
        public Settings waiting(Duration wait) {
            return new Settings(owner, lease, grace, vanishedWindow, givesLeasesBack, wait);
        }
    }

    /** Where an appended message went: RFC 4315's APPENDUID and COPYUID need both. */
    public record Appended(long uidValidity, long uid, boolean existed) {
    }

    /** How STORE changes flags (RFC 9051 §6.4.6). */
    public enum FlagChange { ADD, REMOVE, REPLACE }

    /** What STORE changed and what it left because it changed since {@code UNCHANGEDSINCE} (RFC 7162 §3.1.3). */
    public record Stored(List<FolderEntry> changed, List<Long> modified) {
    }

    private final FolderStore store;
    private final BodyLifetime bodies;
    private final Settings settings;
    private final Clock clock;
    private final LongSupplier nanos;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private volatile WriterLink link = WriterLink.NONE;
    private volatile MailboxEvents events = MailboxEvents.NONE;

    public MailboxWriter(FolderStore store, BodyLifetime bodies, Settings settings) {
        this(store, bodies, settings, Clock.systemUTC(), System::nanoTime);
    }

    /** With clocks of its own, for tests of expiry and takeover. */
    public MailboxWriter(FolderStore store, BodyLifetime bodies, Settings settings, Clock clock, LongSupplier nanos) {
        this.store = store;
        this.bodies = bodies;
        this.settings = settings;
        this.clock = clock;
        this.nanos = nanos;
    }

    public String owner() {
        return settings.owner();
    }

    /** From now on, changes to accounts another live process writes are sent to it over {@code link}. */
    public void link(WriterLink link) {
        this.link = link;
    }

    /** From now on, every committed change is told to {@code events} (IMAP sessions in every process listen). */
    public void events(MailboxEvents events) {
        this.events = events;
    }

    // ---- running requests: here, or at the account's writer ----

    private Object execute(WriteRequest request) {
        long deadline = System.nanoTime() + settings.patience().toNanos();
        while (true) {
            try {
                return runHere(request);
            } catch (MailboxException e) {
                if (e.kind() != MailboxException.Kind.INUSE) {
                    throw e;
                }
                Optional<WriterLease> holder = store.leases().current(request.address());
                if (holder.isPresent() && !holder.get().owner().equals(settings.owner())) {
                    Optional<byte[]> answer = link.call(holder.get().owner(), WriteRequest.encode(request),
                            settings.lease());
                    if (answer.isPresent()) {
                        try {
                            return WriteRequest.decodeResult(request, answer.get());
                        } catch (MailboxException refused) {
                            if (refused.kind() != MailboxException.Kind.INUSE) {
                                throw refused;
                            }
                        }
                    }
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for a mailbox writer", interrupted);
        }
    }

    /** Runs a request another process sent (never passing it on) and returns the encoded answer. */
    public byte[] serve(byte[] encoded) {
        WriteRequest request;
        try {
            request = WriteRequest.decode(encoded);
        } catch (IllegalArgumentException e) {
            return WriteRequest.encodeFailure(new MailboxException(MailboxException.Kind.CANNOT, e.getMessage()));
        }
        try {
            return WriteRequest.encodeResult(request, runHere(request));
        } catch (MailboxException | StoreUnavailableException e) {
            return WriteRequest.encodeFailure(e);
        }
    }

    private Object runHere(WriteRequest r) {
        if (r instanceof WriteRequest.Deliver d && !settings.givesLeasesBack()) {
            return deliverTogether(d);
        }
        Object result = write(r.address(), acc -> dispatch(acc, r));
        if (!(r instanceof WriteRequest.Open)) {
            events.changed(r.address());
        }
        if (settings.givesLeasesBack()) {
            release(r.address());
        }
        return result;
    }

    private Object dispatch(Account acc, WriteRequest r) {
        if (r instanceof WriteRequest.Open) {
            return List.copyOf(acc.folders.values());
        } else if (r instanceof WriteRequest.Create c) {
            return doCreate(acc, c.name(), c.use());
        } else if (r instanceof WriteRequest.Rename n) {
            doRename(acc, n.from(), n.to());
            return null;
        } else if (r instanceof WriteRequest.Subscribe s) {
            FolderRow row = require(acc, s.name()).withSubscribed(s.subscribed());
            apply(acc, changes(acc).putFolder(row));
            acc.folders.put(row.id(), row);
            return null;
        } else if (r instanceof WriteRequest.Delete d) {
            return doDelete(acc, d.name());
        } else if (r instanceof WriteRequest.Purge) {
            return doPurge(acc);
        } else if (r instanceof WriteRequest.Append a) {
            FolderRow row = require(acc, a.folder());
            fence(acc, row);
            return add(acc, acc.folders.get(row.id()), List.of(template(a.message(), a.flags())), null).get(0);
        } else if (r instanceof WriteRequest.Deliver d) {
            return doDeliver(acc, d.message(), d.folder());
        } else if (r instanceof WriteRequest.Transfer t) {
            return transfer(acc, t.from(), t.uids(), t.to(), t.move());
        } else if (r instanceof WriteRequest.Store s) {
            return doStore(acc, s.folder(), s.uids(), s.how(), s.flags(), s.unchangedSince());
        } else if (r instanceof WriteRequest.Expunge e) {
            return doExpunge(acc, e.folder(), e.uids());
        } else if (r instanceof WriteRequest.Recount) {
            return doRecount(acc);
        } else if (r instanceof WriteRequest.AppendAll a) {
            FolderRow row = require(acc, a.folder());
            fence(acc, row);
            return add(acc, acc.folders.get(row.id()), a.messages().stream().map(m -> template(m, Flags.NONE)).toList(),
                    null);
        }
        throw new IllegalArgumentException("unknown request " + r);
    }

    /** Gives an account's lease back, so another process takes it at once (passing writers, shutdown). */
    public void release(String address) {
        Account acc = accounts.get(io.cassmail.mail.Addresses.normalize(address));
        if (acc == null) {
            return;
        }
        synchronized (acc) {
            if (acc.lease != null) {
                // only once nothing of ours is in flight: a successor reads the folders as soon as it has the lease
                boolean quiet = acc.pipeline.drain(settings.lease());
                try {
                    if (quiet) {
                        store.leases().release(acc.lease, clock.instant().minus(settings.grace()).minusSeconds(1));
                    } // else the lease runs out on its own, and the successor waits its grace on top
                } finally {
                    accounts.remove(acc.address, acc);
                    acc.forget();
                }
            }
        }
    }

    /** Gives back every lease this process holds (at shutdown). */
    public void releaseAll() {
        for (String address : List.copyOf(accounts.keySet())) {
            try {
                release(address);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(MailboxWriter.class).warn("lease of {} not given back: {}", address,
                        e.getMessage());
            }
        }
    }

    /** An account's state while this process writes it; guarded by its own monitor. */
    private static final class Account {
        final String address;
        WriterLease lease;
        long epochStartNanos;
        volatile long validUntilNanos;
        long lastTimestamp;
        long lastUidValidity;
        Map<UUID, FolderRow> folders;
        final Set<UUID> fenced = new HashSet<>();
        final Map<UUID, TreeMap<Long, Integer>> live = new HashMap<>();
        /** Deliveries waiting for this account's monitor: whoever holds it writes them all together. */
        final java.util.Queue<Waiting> waiting = new java.util.concurrent.ConcurrentLinkedQueue<>();
        /** Delivery groups whose writes are in flight. */
        DeliveryPipeline pipeline;
        /** What the group being listed submitted (guarded by the monitor). */
        final List<CompletableFuture<Void>> submitted = new ArrayList<>();
        /** Messages listed by groups in flight, whose body references a store read may not find yet. */
        final Map<UUID, Appended> listing = new java.util.concurrent.ConcurrentHashMap<>();
        /** What this epoch listed, oldest first, and what that says of newer messages: see {@link EpochListings}. */
        final EpochListings listed = new EpochListings();

        /** How long a new epoch waits for the writes of the last one to be answered. */
        final Duration patience;

        Account(String address, Duration patience) {
            this.address = address;
            this.patience = patience;
        }

        void forget() {
            pipeline.abandon(new StoreUnavailableException("the mailbox writer of " + address
                    + " changed epoch before these deliveries were committed; they will be retried", null), patience);
            lease = null;
            folders = null;
            fenced.clear();
            live.clear();
            listed.forget();
        }

    }

    /** A new account state, with its delivery pipeline checking this state's lease. */
    private Account newAccount(String address) {
        Account acc = new Account(address, settings.lease());
        acc.pipeline = new DeliveryPipeline(store::writeAsync, () -> nanos.getAsLong() < acc.validUntilNanos);
        return acc;
    }

    private <T> T write(String address, Function<Account, T> op) {
        return write(address, op, false);
    }

    /**
     * @param delivering whether {@code op} lists a delivery group, which may start while earlier groups' writes are
     *                   in flight; any other change waits for them first ({@link #settle})
     */
    private <T> T write(String address, Function<Account, T> op, boolean delivering) {
        String a = Addresses.normalize(address);
        Account acc = accounts.computeIfAbsent(a, this::newAccount);
        synchronized (acc) {
            try {
                if (acc.pipeline.failed()) {
                    acc.forget(); // a delivery write failed: a new epoch, whose fence cleans up after it
                }
                hold(acc);
                if (!delivering) {
                    settle(acc);
                }
                return op.apply(acc);
            } catch (StoreUnavailableException | MailboxLostException e) {
                // a batch may be in doubt: the next change takes a new epoch, which fences it
                acc.forget();
                throw e instanceof MailboxLostException ? new StoreUnavailableException(e.getMessage(), e)
                        : (StoreUnavailableException) e;
            }
        }
    }

    /** Waits for the delivery writes in flight (any other change comes after them); a failure starts a new epoch. */
    private void settle(Account acc) {
        if (!acc.pipeline.drain(settings.lease())) {
            throw new StoreUnavailableException("mailbox writes of " + acc.address + " did not finish within "
                    + settings.lease().toSeconds() + " s", null);
        }
        if (acc.pipeline.failed()) {
            acc.forget();
            hold(acc);
        }
    }

    /** The lease lapsed while a change was being prepared. */
    private static final class MailboxLostException extends RuntimeException {
        MailboxLostException(String message) {
            super(message, null, false, false);
        }
    }

    private void hold(Account acc) {
        long now = nanos.getAsLong();
        long leaseNanos = settings.lease().toNanos();
        boolean epochWorn = acc.lease != null && (now - acc.epochStartNanos) / 1000 > (1L << (EPOCH_SHIFT - 1));
        if (acc.lease != null && !epochWorn && now < acc.validUntilNanos) {
            if (now < acc.validUntilNanos - leaseNanos / 3) {
                return;
            }
            Instant expiry = clock.instant().plus(settings.lease());
            if (store.leases().renew(acc.lease, expiry)) {
                acc.lease = new WriterLease(acc.lease.address(), acc.lease.epoch(), acc.lease.owner(), expiry);
                acc.validUntilNanos = now + leaseNanos;
                return;
            }
        }
        acc.forget();
        Optional<WriterLease> taken = store.leases().take(acc.address, settings.owner(), clock.instant(),
                settings.lease(), settings.grace());
        if (taken.isEmpty()) {
            String holder = store.leases().current(acc.address).map(l -> l.owner() + " until " + l.expires()).orElse("?");
            throw new MailboxException(MailboxException.Kind.INUSE,
                    "another CassMail process writes this mailbox now (" + holder + "); try again shortly");
        }
        acc.lease = taken.get();
        // everything an earlier epoch listed was accepted before this moment, by any clock within grace of ours
        acc.listed.begin(clock.millis(), settings.grace().toMillis());
        org.slf4j.LoggerFactory.getLogger(MailboxWriter.class).info("mailbox {}: writer {} holds it from epoch {}",
                acc.address, settings.owner(), acc.lease.epoch());
        acc.epochStartNanos = now;
        acc.validUntilNanos = now + leaseNanos;
        acc.lastTimestamp = TIMESTAMP_BASE + (acc.lease.epoch() << EPOCH_SHIFT);
        acc.folders = new LinkedHashMap<>();
        for (FolderRow f : store.folders(acc.address)) {
            acc.folders.put(f.id(), f);
            acc.lastUidValidity = Math.max(acc.lastUidValidity, f.uidValidity());
        }
        ensureDefaults(acc);
    }

    private FolderChanges changes(Account acc) {
        long now = nanos.getAsLong();
        if (now >= acc.validUntilNanos) {
            throw new MailboxLostException("the mailbox writer's lease for " + acc.address + " ran out");
        }
        long leaseNanos = settings.lease().toNanos();
        if (now >= acc.validUntilNanos - leaseNanos / 3) {
            // a long change (a folder deleted, thousands expunged) renews as it goes
            Instant expiry = clock.instant().plus(settings.lease());
            if (!store.leases().renew(acc.lease, expiry)) {
                throw new MailboxLostException("the mailbox writer's lease for " + acc.address + " was taken over");
            }
            acc.lease = new WriterLease(acc.lease.address(), acc.lease.epoch(), acc.lease.owner(), expiry);
            acc.validUntilNanos = now + leaseNanos;
        }
        long ts = Math.max(acc.lastTimestamp + 1,
                TIMESTAMP_BASE + (acc.lease.epoch() << EPOCH_SHIFT) + (now - acc.epochStartNanos) / 1000);
        acc.lastTimestamp = ts;
        return new FolderChanges(acc.address, ts);
    }

    /**
     * Writes a change in two steps: the entries, references, blocks and expunge log in one logged batch, then,
     * once that is acknowledged, the folder rows, at a later timestamp. A folder row is the commit point:
     * readers show only entries below its {@code uid_next}, so an append they can see is never followed by one
     * below it. A writer that dies between the steps leaves entries at or above {@code uid_next}, never shown and
     * deleted by its successor's fence, or removals its row does not count yet, which the fence counts again.
     */
    private void apply(Account acc, FolderChanges c) {
        FolderChanges rest = c.withoutRows();
        if (!rest.isEmpty()) {
            send(acc, rest);
        }
        List<FolderChanges.Change> rows = c.rows();
        if (!rows.isEmpty()) {
            FolderChanges commit = rest.isEmpty() ? new FolderChanges(acc.address, c.timestamp()) : changes(acc);
            rows.forEach(commit::add);
            send(acc, commit);
        }
    }

    private void send(Account acc, FolderChanges c) {
        if (nanos.getAsLong() >= acc.validUntilNanos) {
            throw new MailboxLostException("the mailbox writer's lease for " + acc.address + " ran out");
        }
        store.write(c);
    }

    // ---- folders ----

    /** Every account has INBOX and the RFC 6154 folders; an account that has none of the latter gets them. */
    private void ensureDefaults(Account acc) {
        boolean hasInbox = find(acc, FolderNames.INBOX).isPresent();
        boolean hasSpecial = acc.folders.values().stream().anyMatch(f -> f.specialUse() != null);
        if (hasInbox && hasSpecial) {
            return;
        }
        FolderChanges c = changes(acc);
        List<FolderRow> made = new ArrayList<>();
        if (!hasInbox) {
            made.add(newFolder(acc, FolderNames.INBOX, null));
        }
        if (!hasSpecial) {
            for (SpecialUse use : SpecialUse.defaults()) {
                Optional<FolderRow> named = find(acc, use.defaultName());
                made.add(named.isPresent() ? named.get().withSpecialUse(use.attribute())
                        : newFolder(acc, use.defaultName(), use.attribute()));
            }
        }
        made.forEach(c::putFolder);
        apply(acc, c);
        made.forEach(f -> acc.folders.put(f.id(), f));
    }

    private FolderRow newFolder(Account acc, String name, String specialUse) {
        long validity = Math.max(clock.instant().getEpochSecond(), acc.lastUidValidity + 1);
        acc.lastUidValidity = validity;
        return new FolderRow(io.cassmail.mail.MessageIds.next(), name, specialUse, true, validity, 1, 1, 0, 0, 0);
    }

    private static Optional<FolderRow> find(Account acc, String name) {
        String n = FolderNames.normalize(name);
        return acc.folders.values().stream().filter(f -> f.name().equals(n)).findFirst();
    }

    private static FolderRow require(Account acc, String name) {
        return find(acc, name).orElseThrow(() -> new MailboxException(MailboxException.Kind.NONEXISTENT,
                "no folder named " + name));
    }

    /** Makes sure the account has its default folders (at account creation); returns its folders. */
    @SuppressWarnings("unchecked")
    public List<FolderRow> open(String address) {
        return (List<FolderRow>) execute(new WriteRequest.Open(address));
    }

    /** Creates a folder, and its missing parents (RFC 9051 §6.3.4), optionally with a special use (RFC 6154 §5). */
    public FolderRow create(String address, String name, SpecialUse use) {
        String n = FolderNames.normalize(name);
        String problem = FolderNames.problem(n);
        if (problem != null) {
            throw new MailboxException(MailboxException.Kind.CANNOT, problem);
        }
        return (FolderRow) execute(new WriteRequest.Create(address, n, use));
    }

    private FolderRow doCreate(Account acc, String n, SpecialUse use) {
        {
            if (find(acc, n).isPresent()) {
                throw new MailboxException(MailboxException.Kind.ALREADYEXISTS, "a folder named " + n + " exists already");
            }
            FolderChanges c = changes(acc);
            List<FolderRow> made = new ArrayList<>();
            for (String parent : parents(n)) {
                if (find(acc, parent).isEmpty()) {
                    made.add(newFolder(acc, parent, null));
                }
            }
            FolderRow folder = newFolder(acc, n, use == null ? null : use.attribute());
            made.add(folder);
            made.forEach(c::putFolder);
            apply(acc, c);
            made.forEach(f -> acc.folders.put(f.id(), f));
            return folder;
        }
    }

    private static List<String> parents(String name) {
        List<String> result = new ArrayList<>();
        for (int i = name.indexOf(FolderNames.DELIMITER); i > 0; i = name.indexOf(FolderNames.DELIMITER, i + 1)) {
            result.add(name.substring(0, i));
        }
        return result;
    }

    /**
     * Renames a folder with its inferiors; its id, UIDs and UIDVALIDITY stay. Renaming INBOX moves its messages
     * to the new name and leaves an empty INBOX with a new UIDVALIDITY, inferiors unmoved (RFC 9051 §6.3.6).
     */
    public void rename(String address, String from, String to) {
        String f = FolderNames.normalize(from);
        String t = FolderNames.normalize(to);
        String problem = FolderNames.problem(t);
        if (problem != null) {
            throw new MailboxException(MailboxException.Kind.CANNOT, problem);
        }
        execute(new WriteRequest.Rename(address, f, t));
    }

    private void doRename(Account acc, String f, String t) {
        {
            FolderRow source = require(acc, f);
            if (find(acc, t).isPresent()) {
                throw new MailboxException(MailboxException.Kind.ALREADYEXISTS, "a folder named " + t + " exists already");
            }
            if (FolderNames.isBelow(t, f)) {
                throw new MailboxException(MailboxException.Kind.CANNOT, "a folder cannot be renamed below itself");
            }
            FolderChanges c = changes(acc);
            List<FolderRow> changed = new ArrayList<>();
            for (String parent : parents(t)) {
                if (find(acc, parent).isEmpty()) {
                    changed.add(newFolder(acc, parent, null));
                }
            }
            if (source.name().equals(FolderNames.INBOX)) {
                changed.add(source.withName(t).withSpecialUse(null));
                changed.add(newFolder(acc, FolderNames.INBOX, null));
            } else {
                for (FolderRow row : acc.folders.values()) {
                    if (row.name().equals(f)) {
                        changed.add(row.withName(t));
                    } else if (FolderNames.isBelow(row.name(), f)) {
                        changed.add(row.withName(t + row.name().substring(f.length())));
                    }
                }
            }
            changed.forEach(c::putFolder);
            apply(acc, c);
            changed.forEach(r -> acc.folders.put(r.id(), r));
        }
    }

    /** Marks a folder subscribed or not (RFC 9051 §6.3.7). */
    public void subscribe(String address, String name, boolean subscribed) {
        execute(new WriteRequest.Subscribe(address, name, subscribed));
    }

    /**
     * Deletes a folder and every message in it (each body goes when nothing else lists it). INBOX cannot be
     * deleted, nor a folder with inferiors ({@code HASCHILDREN}, RFC 9051 §6.3.5). Returns the messages removed.
     */
    public long delete(String address, String name) {
        return (Long) execute(new WriteRequest.Delete(address, name));
    }

    private long doDelete(Account acc, String name) {
        {
            FolderRow row = require(acc, name);
            if (row.name().equals(FolderNames.INBOX)) {
                throw new MailboxException(MailboxException.Kind.CANNOT, "INBOX cannot be deleted");
            }
            if (acc.folders.values().stream().anyMatch(r -> FolderNames.isBelow(r.name(), row.name()))) {
                throw new MailboxException(MailboxException.Kind.HASCHILDREN,
                        row.name() + " has folders below it; delete them first");
            }
            long count = removeFolder(acc, row);
            return count;
        }
    }

    /**
     * Counts every folder's entries again and writes the counts (after a disaster such as a restored backup; in
     * normal operation they never drift, see {@link MailboxVerifier}); returns the correction to the usage.
     */
    public io.cassmail.store.MailboxUsage recount(String address) {
        return (io.cassmail.store.MailboxUsage) execute(new WriteRequest.Recount(address));
    }

    private io.cassmail.store.MailboxUsage doRecount(Account acc) {
        long messageDelta = 0;
        long byteDelta = 0;
        for (FolderRow row : new ArrayList<>(acc.folders.values())) {
            fence(acc, row);
            FolderChanges c = changes(acc);
            long messages = 0;
            long unseen = 0;
            long bytes = 0;
            TreeMap<Long, Integer> live = new TreeMap<>();
            for (FolderBlock b : store.blocks(row.id())) {
                int n = 0;
                for (FolderEntry e : store.block(row.id(), b.block())) {
                    n++;
                    unseen += (e.flags() & Flags.SEEN) == 0 ? 1 : 0;
                    bytes += e.size();
                }
                messages += n;
                if (n == 0) {
                    c.dropBlock(row.id(), b.block());
                } else {
                    live.put(b.block(), n);
                    c.putBlock(row.id(), new FolderBlock(b.block(), n));
                }
            }
            FolderRow current = acc.folders.get(row.id());
            FolderRow counted = current.advanced(current.uidNext(), current.highestModseq(), messages - current.messages(),
                    unseen - current.unseen(), bytes - current.bytes());
            messageDelta += messages - current.messages();
            byteDelta += bytes - current.bytes();
            apply(acc, c.putFolder(counted));
            acc.folders.put(row.id(), counted);
            acc.live.put(row.id(), live);
        }
        return new io.cassmail.store.MailboxUsage(messageDelta, byteDelta);
    }

    /** Removes every folder of the account and every message in them (account removal); returns the messages removed. */
    public long purge(String address) {
        return (Long) execute(new WriteRequest.Purge(address));
    }

    private long doPurge(Account acc) {
        {
            long count = 0;
            for (FolderRow row : new ArrayList<>(acc.folders.values())) {
                count += removeFolder(acc, row);
            }
            return count;
        }
    }

    private long removeFolder(Account acc, FolderRow row) {
        fence(acc, row);
        long count = 0;
        for (long block : new ArrayList<>(acc.live.get(row.id()).keySet())) {
            List<FolderEntry> entries = store.block(row.id(), block);
            for (int i = 0; i < entries.size(); i += MAX_BATCH) {
                List<Long> uids = entries.subList(i, Math.min(entries.size(), i + MAX_BATCH)).stream()
                        .map(FolderEntry::uid).toList();
                count += expungeIn(acc, acc.folders.get(row.id()), uids);
            }
        }
        FolderChanges c = changes(acc).deleteFolder(row.id());
        for (long block : acc.live.get(row.id()).keySet()) {
            c.dropBlock(row.id(), block);
        }
        apply(acc, c);
        acc.folders.remove(row.id());
        acc.live.remove(row.id());
        return count;
    }

    // ---- messages ----

    /**
     * Fences a folder the first time this epoch touches it (see the class comment) and loads its block counts.
     * Entries at or above the stored {@code uid_next} are what a predecessor may still have in flight.
     */
    private void fence(Account acc, FolderRow row) {
        if (acc.fenced.contains(row.id())) {
            return;
        }
        long from = row.uidNext();
        long block = FolderBlock.of(from);
        send(acc, changes(acc).fence(row.id(), block, from).dropBlock(row.id(), block + 1));
        // a predecessor may have died between a change's two steps: count the folder again (rare: once per folder
        // and writer change, reading every block that lists something)
        FolderChanges c = changes(acc);
        TreeMap<Long, Integer> live = new TreeMap<>();
        long messages = 0;
        long unseen = 0;
        long bytes = 0;
        long modseq = row.highestModseq();
        Set<Long> indexed = new TreeSet<>();
        store.blocks(row.id()).forEach(b -> indexed.add(b.block()));
        Set<Long> blocks = new TreeSet<>(indexed);
        blocks.add(block);
        for (long b : blocks) {
            int n = 0;
            for (FolderEntry e : store.block(row.id(), b)) {
                if (e.uid() >= from) {
                    continue;
                }
                n++;
                unseen += (e.flags() & Flags.SEEN) == 0 ? 1 : 0;
                bytes += e.size();
                modseq = Math.max(modseq, e.modseq());
            }
            messages += n;
            if (n > 0) {
                live.put(b, n);
                c.putBlock(row.id(), new FolderBlock(b, n));
            } else if (indexed.contains(b)) {
                c.dropBlock(row.id(), b);
            }
        }
        FolderRow counted = new FolderRow(row.id(), row.name(), row.specialUse(), row.subscribed(), row.uidValidity(),
                from, modseq, messages, unseen, bytes);
        apply(acc, c.putFolder(counted));
        acc.folders.put(row.id(), counted);
        acc.live.put(row.id(), live);
        acc.fenced.add(row.id());
    }

    /** Lists a message in a folder (APPEND, RFC 9051 §6.3.12). */
    public Appended append(String address, String folder, NewMessage message, Flags flags) {
        return (Appended) execute(new WriteRequest.Append(address, folder, message, flags));
    }

    /** Lists many messages in a folder, in batches of up to 64 (imports, benchmarks); returns their UIDs in order. */
    @SuppressWarnings("unchecked")
    public List<Appended> appendAll(String address, String folder, List<NewMessage> messages) {
        return (List<Appended>) execute(new WriteRequest.AppendAll(address, folder, List.copyOf(messages)));
    }

    /**
     * Delivers a message into the account's INBOX unless some folder of the account lists it already (a redelivered
     * job whose first copy landed, or was filed elsewhere since): a repeat is never a second copy.
     */
    public Appended deliver(String address, NewMessage message) {
        return deliver(address, message, FolderNames.INBOX);
    }

    /** Delivers into the named folder (INBOX, or Junk for a quarantine); idempotent like {@link #deliver(String, NewMessage)}. */
    public Appended deliver(String address, NewMessage message, String folder) {
        return (Appended) execute(new WriteRequest.Deliver(address, message, folder));
    }

    /** One delivery waiting to be written with the others that arrived for the same account meanwhile. */
    private static final class Waiting {
        final WriteRequest.Deliver request;
        Appended result;
        /** Completes when the entry is committed (its group's rows, or newer ones, have landed). */
        CompletableFuture<Void> committed;
        RuntimeException failure;
        volatile boolean done;

        Waiting(WriteRequest.Deliver request) {
            this.request = request;
        }
    }

    /**
     * A group commit: the deliveries that arrive for one account while its monitor is busy are listed together,
     * up to {@link #MAX_BATCH} per batch, and the monitor is let go while their writes are in flight
     * ({@link DeliveryPipeline}), so the next group is listed meanwhile. A delivery is answered only once it is
     * committed: its group's rows have landed.
     */
    private Appended deliverTogether(WriteRequest.Deliver d) {
        Account mine = accounts.computeIfAbsent(io.cassmail.mail.Addresses.normalize(d.address()), this::newAccount);
        Waiting w = new Waiting(d);
        mine.waiting.add(w);
        try {
            write(d.address(), acc -> {
                if (acc == mine) {
                    while (!w.done && !acc.waiting.isEmpty()) {
                        deliverWaiting(acc);
                    }
                }
                return null;
            }, true);
        } catch (RuntimeException e) {
            if (!w.done) {
                mine.waiting.remove(w);
                throw e;
            }
        }
        if (!w.done) {
            mine.waiting.remove(w);
            // the account's state was replaced while this one waited: deliver on its own
            Appended alone = (Appended) write(d.address(), acc -> doDeliver(acc, d.message(), d.folder()));
            events.changed(d.address());
            return alone;
        }
        if (w.failure != null) {
            throw w.failure;
        }
        awaitCommitted(w.committed);
        events.changed(d.address());
        return w.result;
    }

    private void awaitCommitted(CompletableFuture<Void> committed) {
        try {
            committed.get(settings.lease().toMillis() * 2, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r
                    : new StoreUnavailableException("mailbox write failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new StoreUnavailableException("a mailbox write was not acknowledged in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while a mailbox write was in flight", e);
        }
    }

    private void deliverWaiting(Account acc) {
        acc.submitted.clear();
        List<Waiting> group = new ArrayList<>();
        for (Waiting next = acc.waiting.poll(); next != null; next = group.size() < MAX_BATCH ? acc.waiting.poll() : null) {
            group.add(next);
        }
        try {
            Map<UUID, Waiting> first = new HashMap<>();
            Map<UUID, List<Waiting>> byFolder = new LinkedHashMap<>();
            // what groups in flight list, taken before the references are read: a group that commits in between
            // has its references in the store by then (they land before its rows)
            Set<UUID> ids = group.stream().map(w -> w.request.message().messageId())
                    .collect(java.util.stream.Collectors.toSet());
            Map<UUID, Appended> inFlight = new HashMap<>();
            Set<UUID> unknown = new HashSet<>();
            for (UUID message : ids) {
                Appended listed = acc.listing.get(message);
                if (listed == null) {
                    listed = acc.listed.where(message);
                }
                if (listed != null) {
                    inFlight.put(message, listed);
                } else if (!acc.listed.certainlyUnlisted(message, clock.millis())) {
                    unknown.add(message);
                }
            }
            // a new message needs no read: only the epoch listing it now could have listed it
            Map<UUID, List<BodyRef>> refs = unknown.isEmpty() ? Map.of() : store.refs(unknown);
            for (Waiting w : group) {
                UUID message = w.request.message().messageId();
                Waiting same = first.putIfAbsent(message, w);
                if (same != null) {
                    continue; // the same message twice (an alias and its owner): one copy, answered below
                }
                Appended listed = inFlight.get(message);
                if (listed == null && unknown.contains(message)) {
                    listed = listedAlready(acc, message, refs.get(message));
                }
                if (listed != null) {
                    w.result = listed;
                    continue;
                }
                FolderRow row = find(acc, w.request.folder()).orElseGet(() -> require(acc, FolderNames.INBOX));
                byFolder.computeIfAbsent(row.id(), f -> new ArrayList<>()).add(w);
            }
            for (Map.Entry<UUID, List<Waiting>> f : byFolder.entrySet()) {
                fence(acc, acc.folders.get(f.getKey()));
                List<Appended> added = add(acc, acc.folders.get(f.getKey()), f.getValue().stream()
                        .map(w -> template(w.request.message(), Flags.NONE)).toList(), null, this::applyPipelined);
                Map<UUID, Appended> listing = new HashMap<>();
                for (int i = 0; i < added.size(); i++) {
                    f.getValue().get(i).result = added.get(i);
                    listing.put(f.getValue().get(i).request.message().messageId(),
                            new Appended(added.get(i).uidValidity(), added.get(i).uid(), true));
                }
                acc.listing.putAll(listing);
                // once committed (or failed), the store's references say where each one is
                acc.pipeline.tail().whenComplete((v, e) -> listing.forEach(acc.listing::remove));
            }
            for (Waiting w : group) {
                Waiting same = first.get(w.request.message().messageId());
                if (same != w) {
                    w.result = new Appended(same.result.uidValidity(), same.result.uid(), true);
                }
            }
            // this group's own writes, and every group before it (groups complete in order; one that lists a repeat
            // of these may be any of them)
            acc.submitted.add(acc.pipeline.tail());
            CompletableFuture<Void> committed = CompletableFuture.allOf(acc.submitted.toArray(CompletableFuture[]::new));
            for (Waiting w : group) {
                w.committed = committed;
                w.done = true;
            }
        } catch (RuntimeException e) {
            for (Waiting w : group) {
                if (!w.done) {
                    w.failure = e;
                    w.done = true;
                }
            }
            throw e;
        }
    }

    /** Sends a chunk's entries without waiting; its rows follow, at a later timestamp, once they landed. */
    private void applyPipelined(Account acc, FolderChanges c) {
        FolderChanges rows = changes(acc);
        c.rows().forEach(rows::add);
        acc.submitted.add(acc.pipeline.submit(c.withoutRows(), rows));
    }

    /** Where the account lists a message already, or null. */
    private Appended listedAlready(Account acc, UUID messageId) {
        Appended listed = acc.listed.where(messageId);
        if (listed != null || acc.listed.certainlyUnlisted(messageId, clock.millis())) {
            return listed;
        }
        return listedAlready(acc, messageId, store.refs(messageId));
    }

    /** Where the account lists a message already, given its body references, or null. */
    private Appended listedAlready(Account acc, UUID messageId, List<BodyRef> refs) {
        for (BodyRef ref : refs) {
            FolderRow listedIn = acc.folders.get(ref.folderId());
            // below uid_next only: an entry at or above it is what a failed write left, which the fence deletes
            if (listedIn != null && ref.uid() < listedIn.uidNext() && store.entry(ref.folderId(), ref.uid())
                    .filter(e -> e.messageId().equals(messageId)).isPresent()) {
                return new Appended(listedIn.uidValidity(), ref.uid(), true);
            }
        }
        return null;
    }

    private Appended doDeliver(Account acc, NewMessage message, String folder) {
        {
            Appended listed = listedAlready(acc, message.messageId());
            if (listed != null) {
                return listed;
            }
            FolderRow row = find(acc, folder).orElseGet(() -> require(acc, FolderNames.INBOX));
            fence(acc, row);
            return add(acc, acc.folders.get(row.id()), List.of(template(message, Flags.NONE)), null).get(0);
        }
    }

    private static FolderEntry template(NewMessage m, Flags flags) {
        return new FolderEntry(null, 0, m.messageId(), m.size(), m.internalDate(), flags.bits(), flags.keywords(), 0,
                m.sender(), m.subject());
    }

    /**
     * Lists entries in a folder under new UIDs, in batches; with {@code removeFrom} set, the source entries go in
     * the same batch (MOVE). Returns one result per template, in order.
     */
    private List<Appended> add(Account acc, FolderRow target, List<FolderEntry> templates, FolderRow removeFrom) {
        return add(acc, target, templates, removeFrom, this::apply);
    }

    /** @param commit how each chunk's changes are written: {@link #apply} or, for delivery groups, pipelined */
    private List<Appended> add(Account acc, FolderRow target, List<FolderEntry> templates, FolderRow removeFrom,
                               java.util.function.BiConsumer<Account, FolderChanges> commit) {
        List<Appended> result = new ArrayList<>();
        int i = 0;
        while (i < templates.size()) {
            int end = i;
            int bytes = 0;
            while (end < templates.size() && end - i < MAX_BATCH && (end == i || bytes < MAX_BATCH_BYTES)) {
                bytes += summaryBytes(templates.get(end));
                end++;
            }
            List<FolderEntry> chunk = templates.subList(i, end);
            FolderRow row = acc.folders.get(target.id());
            FolderChanges c = changes(acc);
            TreeMap<Long, Integer> live = new TreeMap<>(acc.live.get(row.id()));
            long uid = row.uidNext();
            long modseq = row.highestModseq();
            long unseen = 0;
            long size = 0;
            for (FolderEntry t : chunk) {
                modseq++;
                FolderEntry e = t.listedAs(row.id(), uid, modseq);
                c.putEntry(e);
                c.putRef(new BodyRef(e.messageId(), row.id(), uid, acc.address));
                live.merge(FolderBlock.of(uid), 1, Integer::sum);
                unseen += (e.flags() & Flags.SEEN) == 0 ? 1 : 0;
                size += e.size();
                result.add(new Appended(row.uidValidity(), uid, false));
                uid++;
            }
            for (Map.Entry<Long, Integer> b : live.entrySet()) {
                if (!b.getValue().equals(acc.live.get(row.id()).get(b.getKey()))) {
                    c.putBlock(row.id(), new FolderBlock(b.getKey(), b.getValue()));
                }
            }
            FolderRow next = row.advanced(uid, modseq, chunk.size(), unseen, size);
            c.putFolder(next);
            Removal removal = null;
            if (removeFrom == null) {
                c.inParts(); // only additions above uid_next: see FolderChanges.inParts
            } else {
                removal = removal(acc, acc.folders.get(removeFrom.id()), chunk.stream().map(FolderEntry::uid).toList(), c);
            }
            commit.accept(acc, c);
            long now = clock.millis();
            for (int k = 0; k < chunk.size(); k++) {
                Appended a = result.get(result.size() - chunk.size() + k);
                acc.listed.add(chunk.get(k).messageId(), new Appended(a.uidValidity(), a.uid(), true), now);
            }
            acc.folders.put(next.id(), next);
            acc.live.put(row.id(), live);
            if (removal != null) {
                removal.commit(acc);
            }
            i = end;
        }
        return result;
    }

    private static int summaryBytes(FolderEntry e) {
        return 200 + (e.subject() == null ? 0 : 3 * e.subject().length()) + (e.sender() == null ? 0 : 3 * e.sender().length())
                + e.keywords().stream().mapToInt(k -> k.length() + 8).sum();
    }

    /** The entries of a folder with these UIDs (those that exist), in UID order. */
    private List<FolderEntry> existing(Account acc, FolderRow row, Collection<Long> uids) {
        TreeMap<Long, List<Long>> byBlock = new TreeMap<>();
        for (long uid : new TreeSet<>(uids)) {
            byBlock.computeIfAbsent(FolderBlock.of(uid), b -> new ArrayList<>()).add(uid);
        }
        List<FolderEntry> result = new ArrayList<>();
        for (Map.Entry<Long, List<Long>> b : byBlock.entrySet()) {
            if (!acc.live.get(row.id()).containsKey(b.getKey())) {
                continue;
            }
            if (b.getValue().size() == 1) {
                store.entry(row.id(), b.getValue().get(0)).ifPresent(result::add);
            } else {
                Set<Long> wanted = new HashSet<>(b.getValue());
                store.block(row.id(), b.getKey()).stream().filter(e -> wanted.contains(e.uid())).forEach(result::add);
            }
        }
        return result;
    }

    /** Copies messages to another folder (RFC 9051 §6.4.7); returns source UID → target UID, for COPYUID. */
    @SuppressWarnings("unchecked")
    public Map<Long, Long> copy(String address, String from, Collection<Long> uids, String to) {
        return (Map<Long, Long>) execute(new WriteRequest.Transfer(address, from, List.copyOf(uids), to, false));
    }

    /** Moves messages to another folder (RFC 9051 §6.4.8), each batch atomically; returns source UID → target UID. */
    @SuppressWarnings("unchecked")
    public Map<Long, Long> move(String address, String from, Collection<Long> uids, String to) {
        return (Map<Long, Long>) execute(new WriteRequest.Transfer(address, from, List.copyOf(uids), to, true));
    }

    private Map<Long, Long> transfer(Account acc, String from, Collection<Long> uids, String to, boolean move) {
        FolderRow source = require(acc, from);
        FolderRow target = require(acc, to);
        if (move && source.id().equals(target.id())) {
            throw new MailboxException(MailboxException.Kind.CANNOT, "a message cannot be moved to the folder it is in");
        }
        fence(acc, source);
        fence(acc, target);
        List<FolderEntry> entries = existing(acc, source, uids);
        List<Appended> added = add(acc, target, entries, move ? source : null);
        Map<Long, Long> map = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            map.put(entries.get(i).uid(), added.get(i).uid());
        }
        return map;
    }

    /**
     * Changes flags (RFC 9051 §6.4.6), each changed message getting a new MODSEQ; a message whose MODSEQ is above
     * {@code unchangedSince} (RFC 7162 §3.1.3; null: no condition) is left and reported. A message whose flags
     * would not change keeps its MODSEQ.
     */
    public Stored store(String address, String folder, Collection<Long> uids, FlagChange how, Flags flags,
                        Long unchangedSince) {
        return (Stored) execute(new WriteRequest.Store(address, folder, List.copyOf(uids), how, flags, unchangedSince));
    }

    private Stored doStore(Account acc, String folder, Collection<Long> uids, FlagChange how, Flags flags,
                           Long unchangedSince) {
        {
            FolderRow row = require(acc, folder);
            fence(acc, row);
            List<FolderEntry> changed = new ArrayList<>();
            List<Long> modified = new ArrayList<>();
            List<FolderEntry> entries = existing(acc, row, uids);
            for (int i = 0; i < entries.size(); i += MAX_BATCH) {
                FolderRow current = acc.folders.get(row.id());
                FolderChanges c = changes(acc);
                long modseq = current.highestModseq();
                long unseenDelta = 0;
                List<FolderEntry> batch = new ArrayList<>();
                for (FolderEntry e : entries.subList(i, Math.min(entries.size(), i + MAX_BATCH))) {
                    if (unchangedSince != null && e.modseq() > unchangedSince) {
                        modified.add(e.uid());
                        continue;
                    }
                    Flags old = new Flags(e.flags(), e.keywords());
                    Flags now = switch (how) {
                        case ADD -> old.plus(flags);
                        case REMOVE -> old.minus(flags);
                        case REPLACE -> flags;
                    };
                    if (now.sameAs(old)) {
                        continue;
                    }
                    modseq++;
                    FolderEntry updated = e.withFlags(now.bits(), now.keywords(), modseq);
                    c.putEntry(updated);
                    batch.add(updated);
                    unseenDelta += (old.seen() ? 0 : -1) + (now.seen() ? 0 : 1);
                }
                if (batch.isEmpty()) {
                    continue;
                }
                FolderRow next = current.advanced(current.uidNext(), modseq, 0, unseenDelta, 0);
                c.putFolder(next);
                apply(acc, c);
                acc.folders.put(next.id(), next);
                changed.addAll(batch);
            }
            return new Stored(changed, modified);
        }
    }

    /**
     * Removes messages from a folder (EXPUNGE / UID EXPUNGE; the caller picks the UIDs, e.g. those with
     * \Deleted), each with a new MODSEQ recorded for VANISHED; a body goes when nothing else lists it.
     * Returns the UIDs removed.
     */
    @SuppressWarnings("unchecked")
    public List<Long> expunge(String address, String folder, Collection<Long> uids) {
        return (List<Long>) execute(new WriteRequest.Expunge(address, folder, List.copyOf(uids)));
    }

    private List<Long> doExpunge(Account acc, String folder, Collection<Long> uids) {
        {
            FolderRow row = require(acc, folder);
            fence(acc, row);
            List<Long> done = new ArrayList<>();
            List<Long> sorted = new ArrayList<>(new TreeSet<>(uids));
            for (int i = 0; i < sorted.size(); i += MAX_BATCH) {
                List<Long> chunk = sorted.subList(i, Math.min(sorted.size(), i + MAX_BATCH));
                List<FolderEntry> entries = existing(acc, acc.folders.get(row.id()), chunk);
                expungeIn(acc, acc.folders.get(row.id()), entries.stream().map(FolderEntry::uid).toList());
                entries.forEach(e -> done.add(e.uid()));
            }
            return done;
        }
    }

    /**
     * Removes entries for good (EXPUNGE, folder and account deletion): the owner's deliveries of them are marked
     * EXPUNGED first (a ledger that cannot be written stops the removal), and each body goes afterwards when
     * nothing keeps it.
     */
    private long expungeIn(Account acc, FolderRow row, List<Long> uids) {
        FolderChanges c = changes(acc);
        Removal removal = removal(acc, row, uids, c);
        if (removal.count == 0) {
            return 0;
        }
        Map<UUID, Boolean> pending = new LinkedHashMap<>();
        for (UUID m : removal.messageIds) {
            pending.put(m, bodies.releasing(acc.address, m));
        }
        apply(acc, c);
        removal.commit(acc);
        pending.forEach(bodies::collectUnlessPending);
        return removal.count;
    }

    /** The changes that remove some entries of a folder, and what to remember once they are written. */
    private final class Removal {
        final UUID folderId;
        FolderRow next;
        TreeMap<Long, Integer> live;
        int count;
        final List<UUID> messageIds = new ArrayList<>();

        Removal(UUID folderId) {
            this.folderId = folderId;
        }

        void commit(Account acc) {
            if (count > 0) {
                acc.folders.put(folderId, next);
                acc.live.put(folderId, live);
            }
        }
    }

    private Removal removal(Account acc, FolderRow row, List<Long> uids, FolderChanges c) {
        Removal r = new Removal(row.id());
        r.live = new TreeMap<>(acc.live.get(row.id()));
        List<FolderEntry> entries = existing(acc, row, uids);
        long modseq = row.highestModseq();
        long unseen = 0;
        long bytes = 0;
        for (FolderEntry e : entries) {
            modseq++;
            c.deleteEntry(row.id(), e.uid());
            c.deleteRef(new BodyRef(e.messageId(), row.id(), e.uid(), acc.address));
            c.vanished(row.id(), modseq, e.uid(), settings.vanishedWindow());
            long block = FolderBlock.of(e.uid());
            int left = r.live.merge(block, -1, Integer::sum);
            if (left <= 0) {
                r.live.remove(block);
                c.dropBlock(row.id(), block);
            } else {
                c.putBlock(row.id(), new FolderBlock(block, left));
            }
            unseen += (e.flags() & Flags.SEEN) == 0 ? 1 : 0;
            bytes += e.size();
            r.messageIds.add(e.messageId());
            r.count++;
        }
        r.next = row.advanced(row.uidNext(), modseq, -r.count, -unseen, -bytes);
        if (r.count > 0) {
            c.putFolder(r.next);
        }
        return r;
    }
}
