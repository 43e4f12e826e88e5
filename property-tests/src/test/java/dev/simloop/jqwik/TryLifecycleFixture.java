package dev.simloop.jqwik;

import dev.simloop.Loop;
import dev.simloop.Schedule;
import dev.simloop.TaskGroup;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Expected to fail; run only through EngineTestKit by {@link ReplaysRunInFreshTriesTest}. Two
 * properties whose state is the try's: reset in {@code @BeforeTry}, closed in {@code @AfterTry}.
 */
class TryLifecycleFixture {
    /** A balance that two deposits of 25 update by read, checkpoint, write: a lost update. */
    static final class Account {
        int balance = 100;
        boolean closed;

        int read() {
            if (closed) {
                throw new IllegalStateException("account closed");
            }
            return balance;
        }
    }

    Account account;

    @BeforeTry
    void open() {
        account = new Account();
    }

    @AfterTry
    void close() {
        account.closed = true;
    }

    /** The program of both properties: {@code acc}'s balance after two racing deposits, checked. */
    static int deposits(Account acc) {
        TaskGroup.with(g -> {
            for (int t = 0; t < 2; t++) {
                int delay = t;
                g.spawn(() -> {
                    for (int i = 0; i < 3 * delay; i++) {
                        Loop.checkpoint();
                    }
                    int read = acc.read();
                    Loop.checkpoint();
                    acc.balance = read + 25;
                    return null;
                });
            }
            return null;
        });
        if (acc.balance != 150) {
            throw new AssertionError("balance expected 150 but was " + acc.balance);
        }
        return acc.balance;
    }

    static final java.util.concurrent.atomic.AtomicInteger BODIES = new java.util.concurrent.atomic.AtomicInteger();
    static final java.util.concurrent.atomic.AtomicInteger PROGRAMS = new java.util.concurrent.atomic.AtomicInteger();

    @Property(seed = "42", tries = 1000, afterFailure = AfterFailureMode.RANDOM_SEED)
    void stateResetBeforeEachTry(@ForAll Schedule schedule) {
        BODIES.incrementAndGet();
        Account acc = account;
        Simulations.check(schedule, () -> {
            PROGRAMS.incrementAndGet();
            return deposits(acc);
        });
    }

    static final java.util.concurrent.atomic.AtomicInteger FIRST_BODY_ONLY = new java.util.concurrent.atomic.AtomicInteger();

    /** Checks in its first body only (a later body returns at once): a rerun of its try never reaches the check. */
    @Property(seed = "1", tries = 1, shrinking = ShrinkingMode.OFF)
    void checksInItsFirstBodyOnly(@ForAll Schedule schedule) {
        if (FIRST_BODY_ONLY.incrementAndGet() > 1) {
            return;
        }
        Simulations.check(schedule, () -> {
            throw new AssertionError("first body only");
        });
    }
}
