package dev.simloop.demo;

import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo the README runs: a lost-update race between two deposits, hunted across seeds, then
 * replayed exactly from the one line the failing run printed.
 */
public final class LostUpdateDemo {
    /** One account, updated by two deposits that each read, wait, then write. */
    static final class Account {
        private int balance;
        final List<String> log = new ArrayList<>();

        void deposit(String who, int amount) {
            // Network latency before the request arrives: different in every run, fixed by the seed.
            Loop.sleep(Duration.ofMillis(Loop.random().nextInt(10)));
            int read = balance;
            note(who + " reads balance " + read);
            // Writing the audit log is a blocking call: another task may run in between.
            Loop.sleep(Duration.ofMillis(2));
            balance = read + amount;
            note(who + " writes balance " + balance);
        }

        private void note(String what) {
            log.add(String.format("  %6s  %s", Duration.ofNanos(Loop.nanoTime()).toMillis() + "ms", what));
        }
    }

    /** The program under test: two concurrent deposits must add up. */
    static int twoDeposits(List<String> logOut) {
        Account account = new Account();
        TaskGroup.with(tg -> {
            tg.spawn("alice", () -> account.deposit("alice", 100));
            tg.spawn("bob", () -> account.deposit("bob", 50));
            return null;
        });
        logOut.addAll(account.log);
        if (account.balance != 150) {
            throw new AssertionError("lost update: balance is " + account.balance + ", expected 150");
        }
        return account.balance;
    }

    public static void main(String[] args) {
        System.out.println("simloop demo: two deposits race on one account balance.");
        System.out.println("Hunting for a seed whose interleaving loses an update...");
        long wallStart = System.nanoTime();
        SimResult<Integer> failing = null;
        List<String> log = new ArrayList<>();
        for (long seed = 0; seed < 10_000 && failing == null; seed++) {
            log.clear();
            SimResult<Integer> r = Simulation.run(seed, () -> twoDeposits(log));
            if (r.failed()) {
                failing = r;
            }
        }
        if (failing == null) {
            System.out.println("no failing seed found in 10,000 runs");
            System.exit(1);
        }
        System.out.printf("found after %.0f ms of wall time:%n", (System.nanoTime() - wallStart) / 1e6);
        System.out.println("  failing seed: " + failing.seed());
        System.out.println("  failure:      " + failing.failure());
        System.out.println("  virtual time: " + failing.virtualTime().toMillis() + " ms, steps: " + failing.steps());
        System.out.println("  replay line:  " + failing.replayLine());
        System.out.println();
        System.out.println("Replaying exactly that line...");
        List<String> replayLog = new ArrayList<>();
        String line = failing.replayLine();
        SimResult<Integer> replay = Simulation.builder().replay(line).trace(true).run(() -> twoDeposits(replayLog));
        System.out.println("  failure:      " + replay.failure());
        System.out.println("  virtual time: " + replay.virtualTime().toMillis() + " ms, steps: " + replay.steps());
        boolean same = replay.failed()
                && replay.failure().getMessage().equals(failing.failure().getMessage())
                && replay.traceDigest().equals(failing.traceDigest());
        System.out.println("  same failure and trace digest (" + replay.traceDigest() + "): " + same);
        System.out.println();
        System.out.println("What happened, in virtual time:");
        replayLog.forEach(System.out::println);
        System.out.println();
        System.out.println("The replay's trace, one column per task:");
        System.out.println(replay.traceTable(40).orElseThrow());
        if (!same) {
            System.exit(1);
        }
    }

    private LostUpdateDemo() {
    }
}
