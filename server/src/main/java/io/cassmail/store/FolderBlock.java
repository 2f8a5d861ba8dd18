package io.cassmail.store;

/** One partition of a folder's entries (512 UIDs) and how many entries it still lists. */
public record FolderBlock(long block, int live) {
    /** UIDs per block: a read of one block meets at most {@code SIZE - 1} removed entries. */
    public static final int SIZE = 512;

    public static long of(long uid) {
        return uid / SIZE;
    }
}
