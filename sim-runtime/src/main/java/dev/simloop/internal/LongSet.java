package dev.simloop.internal;

/**
 * A set of {@code long}s that does not box: open addressing with linear probing. An exploration
 * adds one digest per schedule, so a {@code HashSet<Long>} would allocate a {@code Long} and a
 * node for each.
 */
public final class LongSet {
    private long[] slots = new long[64];
    /** Whether 0, which marks an empty slot, is in the set. */
    private boolean hasZero;
    private int size;

    /** An empty set. */
    public LongSet() {
    }

    /** @param v the value to add (no effect when present) */
    public void add(long v) {
        if (v == 0) {
            if (!hasZero) {
                hasZero = true;
                size++;
            }
            return;
        }
        if (insert(slots, v)) {
            size++;
            if (size * 2 > slots.length) {
                grow();
            }
        }
    }

    /** @return how many distinct values were added */
    public int size() {
        return size;
    }

    /** @param action called with each value in the set, in no particular order */
    public void forEach(java.util.function.LongConsumer action) {
        if (hasZero) {
            action.accept(0);
        }
        for (long s : slots) {
            if (s != 0) {
                action.accept(s);
            }
        }
    }

    /** @return whether {@code v} was absent from {@code table} (and is now in it) */
    private static boolean insert(long[] table, long v) {
        int mask = table.length - 1;
        for (int i = mix(v) & mask;; i = (i + 1) & mask) {
            long s = table[i];
            if (s == v) {
                return false;
            }
            if (s == 0) {
                table[i] = v;
                return true;
            }
        }
    }

    private void grow() {
        long[] bigger = new long[slots.length * 2];
        for (long s : slots) {
            if (s != 0) {
                insert(bigger, s);
            }
        }
        slots = bigger;
    }

    private static int mix(long v) {
        long h = v * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
