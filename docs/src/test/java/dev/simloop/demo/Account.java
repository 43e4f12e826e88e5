package dev.simloop.demo;

import dev.simloop.Loop;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The demo's program: one account, updated by two deposits that each read, wait, then write. */
public final class Account {
    private int balance;
    private final List<String> log = new ArrayList<>();

    /** One deposit: a read, a blocking call (another task may run meanwhile), a write. */
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
        log.add(String.format(java.util.Locale.ROOT, "  %6s  %s", Duration.ofNanos(Loop.nanoTime()).toMillis() + "ms", what));
    }

    /** @return what happened, one line per read or write, with its virtual time */
    List<String> log() {
        return log;
    }

    /**
     * The program under test: two concurrent deposits must add up.
     *
     * @param logOut receives the account's log, also when the check fails
     * @return the final balance
     * @throws AssertionError when an update was lost
     */
    public static int twoDeposits(List<String> logOut) {
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
}
