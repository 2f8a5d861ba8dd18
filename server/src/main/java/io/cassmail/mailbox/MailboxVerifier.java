package io.cassmail.mailbox;

import io.cassmail.store.BodyRef;
import io.cassmail.store.FolderBlock;
import io.cassmail.store.FolderEntry;
import io.cassmail.store.FolderRow;
import io.cassmail.store.FolderStore;
import io.cassmail.store.MessageStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks every invariant of one account's mailbox model ({@code cassmail-admin mailbox verify}): names unique
 * with their parents present, UIDs below {@code uid_next}, MODSEQs at most {@code highest_modseq}, counts and
 * block counts equal to what is listed, every entry's body reference and body present. On a healthy store it
 * reports nothing; it repairs nothing.
 */
public final class MailboxVerifier {
    private final FolderStore store;
    private final MessageStore messages;

    public MailboxVerifier(FolderStore store, MessageStore messages) {
        this.store = store;
        this.messages = messages;
    }

    /** What is wrong, one sentence each; empty when everything holds. */
    public List<String> verify(String address) {
        List<String> problems = new ArrayList<>();
        List<FolderRow> folders = store.folders(address);
        Set<String> names = new HashSet<>();
        boolean inbox = false;
        for (FolderRow f : folders) {
            if (!names.add(f.name())) {
                problems.add("two folders are named " + f.name());
            }
            inbox |= f.name().equals(FolderNames.INBOX);
        }
        if (!inbox) {
            problems.add("the account has no INBOX");
        }
        for (FolderRow f : folders) {
            int slash = f.name().lastIndexOf(FolderNames.DELIMITER);
            if (slash > 0 && !names.contains(f.name().substring(0, slash))) {
                problems.add(f.name() + ": its parent folder " + f.name().substring(0, slash) + " does not exist");
            }
            verifyFolder(address, f, problems);
        }
        return problems;
    }

    private void verifyFolder(String address, FolderRow f, List<String> problems) {
        String at = f.name() + " (" + f.id() + "): ";
        if (f.uidValidity() <= 0 || f.uidValidity() > 0xFFFF_FFFFL) {
            problems.add(at + "UIDVALIDITY " + f.uidValidity() + " is not a 32-bit non-zero number");
        }
        long messagesCount = 0;
        long unseen = 0;
        long bytes = 0;
        Map<Long, Integer> perBlock = new HashMap<>();
        for (FolderBlock b : store.blocks(f.id())) {
            int live = 0;
            long last = 0;
            for (FolderEntry e : store.block(f.id(), b.block())) {
                live++;
                if (e.uid() >= f.uidNext() || e.uid() < 1) {
                    problems.add(at + "UID " + e.uid() + " is not below UIDNEXT " + f.uidNext());
                }
                if (e.uid() <= last) {
                    problems.add(at + "UID " + e.uid() + " is out of order");
                }
                last = e.uid();
                if (e.modseq() > f.highestModseq() || e.modseq() < 1) {
                    problems.add(at + "UID " + e.uid() + " has MODSEQ " + e.modseq() + " above HIGHESTMODSEQ "
                            + f.highestModseq());
                }
                messagesCount++;
                unseen += (e.flags() & Flags.SEEN) == 0 ? 1 : 0;
                bytes += e.size();
                if (!store.refs(e.messageId()).contains(new BodyRef(e.messageId(), f.id(), e.uid(), address))) {
                    problems.add(at + "UID " + e.uid() + " has no body reference");
                }
                if (messages.find(e.messageId()).isEmpty()) {
                    problems.add(at + "UID " + e.uid() + " lists message " + e.messageId() + ", whose body is gone");
                }
            }
            perBlock.put(b.block(), live);
            if (live != b.live()) {
                problems.add(at + "block " + b.block() + " counts " + b.live() + " entries but lists " + live);
            }
        }
        if (messagesCount != f.messages() || unseen != f.unseen() || bytes != f.bytes()) {
            problems.add(at + "counts " + f.messages() + " messages, " + f.unseen() + " unseen, " + f.bytes()
                    + " bytes but lists " + messagesCount + ", " + unseen + ", " + bytes);
        }
        // entries outside the listed blocks would be invisible to every reader: look where the next UIDs would go
        long tail = FolderBlock.of(Math.max(1, f.uidNext() - 1));
        if (!perBlock.containsKey(tail) && !store.block(f.id(), tail).isEmpty()) {
            problems.add(at + "block " + tail + " lists entries but is not in the block index");
        }
    }
}
