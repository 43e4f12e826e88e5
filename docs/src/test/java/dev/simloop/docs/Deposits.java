package dev.simloop.docs;

import dev.simloop.Loop;
import dev.simloop.TaskGroup;

/**
 * The racy program of docs/property-testing.md's walk-through: two deposits that each read the
 * balance, reach a checkpoint, then write it. The second arrives one checkpoint later, so in FIFO
 * order the first has written before the second reads, and only a preemption loses an update.
 */
// snippet:deposits
public final class Deposits {
    private Deposits() {}

    /** @return the balance after deposits of 100 and 50 into an empty account */
    public static int twoDeposits() {
        int[] balance = {0};
        TaskGroup.with(tg -> {
            tg.spawn(() -> deposit(balance, 100, 0));
            tg.spawn(() -> deposit(balance, 50, 1));
            return null;
        });
        return balance[0];
    }

    private static void deposit(int[] balance, int amount, int hops) {
        for (int i = 0; i < hops; i++) {
            Loop.checkpoint();              // on its way: others run first
        }
        int read = balance[0];
        Loop.checkpoint();                  // another task may run between the read and the write
        balance[0] = read + amount;
    }
}
// end-snippet
