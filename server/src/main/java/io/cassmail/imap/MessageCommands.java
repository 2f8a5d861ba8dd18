package io.cassmail.imap;

import io.cassmail.mailbox.Flags;
import io.cassmail.mailbox.MailboxWriter;
import io.cassmail.store.FolderEntry;
import io.cassmail.store.FolderRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The SELECTED-state commands that change messages (RFC 9051 §6.4), one class each. */
final class MessageCommands {
    private MessageCommands() {
    }

    static void requireWritable(SelectedFolder f) throws ImapNo {
        if (f.readOnly) {
            throw new ImapNo("READ-ONLY", "The folder was opened with EXAMINE");
        }
    }

    /** STORE and UID STORE (§6.4.6) with UNCHANGEDSINCE (RFC 7162 §3.1.3). */
    static final class Store implements ImapCommand {
        private final boolean uid;

        Store(boolean uid) {
            this.uid = uid;
        }

        @Override
        public Set<ImapSession.State> states() {
            return SessionCommands.SELECTED;
        }

        @Override
        public boolean expungeAllowed() {
            return uid;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
            args.sp();
            SequenceSet set = SequenceSet.parse(args.atom(":,*"));
            args.sp();
            Long unchangedSince = null;
            if (args.peek() == '(') {
                args.open();
                if (!args.keyword().equals("UNCHANGEDSINCE")) {
                    throw new ImapSyntaxException("the only STORE modifier here is UNCHANGEDSINCE");
                }
                args.sp();
                unchangedSince = args.number();
                if (!args.close()) {
                    throw new ImapSyntaxException("expected ')'");
                }
                args.sp();
                s.condstoreUsed();
            }
            String op = args.keyword();
            MailboxWriter.FlagChange how = switch (op.replace(".SILENT", "")) {
                case "FLAGS" -> MailboxWriter.FlagChange.REPLACE;
                case "+FLAGS" -> MailboxWriter.FlagChange.ADD;
                case "-FLAGS" -> MailboxWriter.FlagChange.REMOVE;
                default -> throw new ImapSyntaxException("expected FLAGS, +FLAGS or -FLAGS");
            };
            boolean silent = op.endsWith(".SILENT");
            args.sp();
            Flags flags;
            try {
                flags = Flags.of(args.atomList(true, "\\"));
            } catch (IllegalArgumentException e) {
                throw new ImapSyntaxException(e.getMessage());
            }
            args.end();
            SelectedFolder f = s.selected();
            requireWritable(f);
            List<Integer> msns = FetchCommand.msns(f, set, uid);
            List<Long> uids = new ArrayList<>();
            msns.forEach(m -> uids.add(f.uid(m)));
            MailboxWriter.Stored stored = uids.isEmpty() ? new MailboxWriter.Stored(List.of(), List.of())
                    : s.services().mailboxes().writer().store(s.address(), f.name, uids, how, flags, unchangedSince);
            Set<Long> changed = new HashSet<>();
            for (FolderEntry e : stored.changed()) {
                f.flagsChanged(e);
                changed.add(e.uid());
            }
            Set<Long> modified = new HashSet<>(stored.modified());
            for (int m : msns) {
                long u = f.uid(m);
                if (modified.contains(u)) {
                    continue;
                }
                // with CONDSTORE, .SILENT still tells the new MODSEQ of what changed (RFC 7162 §3.1.3)
                if (!silent || (s.condstore() && changed.contains(u))) {
                    s.untagged(m + " FETCH (FLAGS " + Capabilities.flagList(f.flags(m))
                            + (uid || s.condstore() ? " UID " + u : "")
                            + (s.condstore() ? " MODSEQ (" + f.modseq(m) + ")" : "") + ")");
                }
            }
            if (!modified.isEmpty()) {
                List<Long> numbers = new ArrayList<>();
                for (long u : stored.modified()) {
                    numbers.add(uid ? u : f.msn(u));
                }
                numbers.sort(Long::compare);
                s.ok(tag, "MODIFIED " + SequenceSet.format(numbers), "Conditional STORE failed for some messages");
                return;
            }
            s.ok(tag, null, (uid ? "UID STORE" : "STORE") + " completed");
        }
    }

    /** COPY and MOVE, by number or UID (§6.4.7, §6.4.8), with COPYUID (RFC 4315). */
    static final class Transfer implements ImapCommand {
        private final boolean uid;
        private final boolean move;

        Transfer(boolean uid, boolean move) {
            this.uid = uid;
            this.move = move;
        }

        @Override
        public Set<ImapSession.State> states() {
            return SessionCommands.SELECTED;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
            args.sp();
            SequenceSet set = SequenceSet.parse(args.atom(":,*"));
            args.sp();
            String to = FolderCommands.name(s, args);
            args.end();
            SelectedFolder f = s.selected();
            if (move) {
                requireWritable(f);
            }
            FolderRow target = s.services().mailboxes().reader().folder(s.address(), to)
                    .orElseThrow(() -> new ImapNo("TRYCREATE", "No folder named " + to));
            List<Integer> msns = FetchCommand.msns(f, set, uid);
            List<Long> uids = new ArrayList<>();
            msns.forEach(m -> uids.add(f.uid(m)));
            String name = (uid ? "UID " : "") + (move ? "MOVE" : "COPY");
            if (uids.isEmpty()) {
                s.ok(tag, null, name + " completed (nothing to do)");
                return;
            }
            if (s.services().quotas() != null) {
                long bytes = 0;
                for (int m : msns) {
                    bytes += f.size(m);
                }
                if (!move && s.services().quotas().wouldExceed(s.address(), bytes)) {
                    throw new ImapNo("OVERQUOTA", "The mailbox is full");
                }
            }
            Map<Long, Long> done = move ? s.services().mailboxes().writer().move(s.address(), f.name, uids, to)
                    : s.services().mailboxes().writer().copy(s.address(), f.name, uids, to);
            List<Long> sources = new ArrayList<>();
            List<Long> targets = new ArrayList<>();
            for (long u : uids) {
                Long t = done.get(u);
                if (t != null) {
                    sources.add(u);
                    targets.add(t);
                }
            }
            String copyUid = sources.isEmpty() ? null : "COPYUID " + target.uidValidity() + " "
                    + SequenceSet.join(sources) + " " + SequenceSet.join(targets);
            if (move) {
                if (copyUid != null) {
                    s.untagged("OK [" + copyUid + "] Moved");
                }
                s.expunged(f.expunged(sources), sources);
                s.ok(tag, null, name + " completed");
            } else {
                s.ok(tag, copyUid, name + " completed");
            }
        }
    }

    /** EXPUNGE (§6.4.3), UID EXPUNGE (RFC 4315 §2.1), and CLOSE (§6.4.1), which expunges without telling. */
    static final class Expunge implements ImapCommand {
        enum Mode { EXPUNGE, UID_EXPUNGE, CLOSE }

        private final Mode mode;

        Expunge(Mode mode) {
            this.mode = mode;
        }

        @Override
        public Set<ImapSession.State> states() {
            return SessionCommands.SELECTED;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
            SequenceSet set = null;
            if (mode == Mode.UID_EXPUNGE) {
                args.sp();
                set = SequenceSet.parse(args.atom(":,*"));
            }
            args.end();
            SelectedFolder f = s.selected();
            if (mode == Mode.CLOSE) {
                if (!f.readOnly) {
                    List<Long> deleted = deleted(f, null);
                    if (!deleted.isEmpty()) {
                        s.services().mailboxes().writer().expunge(s.address(), f.name, deleted);
                    }
                }
                s.select(null);
                s.tagged(tag, "OK", null, "CLOSE completed");
                return;
            }
            requireWritable(f);
            s.updatesForced();
            List<Long> deleted = deleted(f, set);
            List<Long> removed = deleted.isEmpty() ? List.of()
                    : s.services().mailboxes().writer().expunge(s.address(), f.name, deleted);
            s.expunged(f.expunged(removed), removed);
            s.ok(tag, null, (mode == Mode.UID_EXPUNGE ? "UID EXPUNGE" : "EXPUNGE") + " completed");
        }

        private static List<Long> deleted(SelectedFolder f, SequenceSet set) {
            List<Long> uids = new ArrayList<>();
            for (int m = 1; m <= f.count(); m++) {
                if (f.flags(m).has(Flags.DELETED) && (set == null || set.contains(f.uid(m), f.largestUid()))) {
                    uids.add(f.uid(m));
                }
            }
            return uids;
        }
    }

    /** UNSELECT (RFC 3691): leaves the folder without expunging. */
    static final class Unselect implements ImapCommand {
        @Override
        public Set<ImapSession.State> states() {
            return SessionCommands.SELECTED;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException {
            args.end();
            s.select(null);
            s.tagged(tag, "OK", null, "UNSELECT completed");
        }
    }
}
