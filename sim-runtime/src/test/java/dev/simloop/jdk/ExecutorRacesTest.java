package dev.simloop.jdk;

import static dev.simloop.jdk.RaceFinder.findsAndReplays;

import dev.simloop.Loop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Issue 14, item 3: executors, threads and futures that run as tasks, each with a race found and replayed. */
class ExecutorRacesTest {
    /** A bank account whose deposit reads and writes the balance in two steps. */
    static final class Account {
        int balance;

        void deposit(int amount) {
            int seen = balance;
            Thread.yield(); // other work between the read and the write: a task may run here
            balance = seen + amount;
        }
    }

    private static void check(Account a, int expected) {
        if (a.balance != expected) {
            throw new IllegalStateException("lost update: balance " + a.balance + ", expected " + expected);
        }
    }

    @Test
    void aThreadPerTaskExecutorOnLoopThreadFactory() {
        findsAndReplays(() -> {
            Account a = new Account();
            try (ExecutorService ex = Executors.newThreadPerTaskExecutor(Loop.threadFactory())) {
                Future<?> one = ex.submit(() -> a.deposit(10));
                Future<?> two = ex.submit(() -> a.deposit(20));
                one.get();
                two.get();
            }
            check(a, 30);
            return a.balance;
        }, IllegalStateException.class, "lost update: balance ");
    }

    @Test
    void completableFutureChainsOnLoopExecutor() {
        findsAndReplays(() -> {
            Account a = new Account();
            ExecutorService ex = Loop.executor();
            // read in one stage, write in the next: each async stage is a task of its own
            CompletableFuture<Void> one = CompletableFuture.supplyAsync(() -> a.balance, ex)
                    .thenApplyAsync(seen -> seen + 10, ex)
                    .thenAcceptAsync(v -> a.balance = v, ex);
            CompletableFuture<Integer> two = CompletableFuture.supplyAsync(() -> a.balance, ex)
                    .thenCombine(CompletableFuture.supplyAsync(() -> 20, ex), Integer::sum);
            CompletableFuture<Void> both = CompletableFuture.allOf(one, two.thenAcceptAsync(v -> a.balance = v, ex));
            both.join();
            two.get();
            check(a, 30);
            return a.balance;
        }, IllegalStateException.class, "lost update: balance ");
    }

    @Test
    void threadsFromLoopThreadFactory() {
        findsAndReplays(() -> {
            Account a = new Account();
            Thread one = Loop.threadFactory().newThread(() -> a.deposit(10));
            Thread two = Loop.threadFactory().newThread(() -> a.deposit(20));
            one.start();
            two.start();
            one.join();
            two.join();
            check(a, 30);
            return a.balance;
        }, IllegalStateException.class, "lost update: balance ");
    }

    @Test
    void threadBuilderFactoriesNameTasks() {
        findsAndReplays(() -> {
            Account a = new Account();
            // a factory of Loop.threadFactory() wrapped by a Thread.Builder-style namer: names are kept
            java.util.concurrent.ThreadFactory loopThreads = Loop.threadFactory();
            int[] n = {0};
            java.util.concurrent.ThreadFactory named = r -> {
                Thread t = loopThreads.newThread(r);
                t.setName("depositor-" + ++n[0]);
                return t;
            };
            Thread one = named.newThread(() -> a.deposit(10));
            Thread two = named.newThread(() -> {
                if (!Loop.currentTask().name().equals("depositor-2")) {
                    throw new AssertionError("the name was not kept: " + Loop.currentTask().name());
                }
                a.deposit(20);
            });
            one.start();
            two.start();
            one.join();
            two.join();
            check(a, 30);
            return a.balance;
        }, IllegalStateException.class, "lost update: balance ");
    }
}
