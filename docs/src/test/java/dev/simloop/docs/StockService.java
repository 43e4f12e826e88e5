package dev.simloop.docs;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.ReentrantLock;

// snippet:stock-service
/** Reserves stock for orders. Written for a thread pool; nothing in it knows simloop. */
public class StockService {
    private final ExecutorService executor;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Integer> stock = new HashMap<>();

    public StockService(ExecutorService executor, Map<String, Integer> initial) {
        this.executor = executor;
        this.stock.putAll(initial);
    }

    /** Reserves one item: completes with true if there was one left. */
    public CompletableFuture<Boolean> reserve(String item) {
        return CompletableFuture.supplyAsync(() -> available(item), executor)
                .thenApplyAsync(left -> left > 0 && take(item), executor);
    }

    private int available(String item) {
        lock.lock();
        try {
            return stock.getOrDefault(item, 0);
        } finally {
            lock.unlock();
        }
    }

    private boolean take(String item) {
        lock.lock();
        try {
            stock.merge(item, -1, Integer::sum);
            return true;
        } finally {
            lock.unlock();
        }
    }

    public int left(String item) {
        lock.lock();
        try {
            return stock.getOrDefault(item, 0);
        } finally {
            lock.unlock();
        }
    }
}
// end-snippet
