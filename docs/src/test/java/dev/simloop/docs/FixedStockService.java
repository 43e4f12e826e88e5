package dev.simloop.docs;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.ReentrantLock;

/** {@link StockService} with its race fixed: the check and the update hold the lock together. */
public class FixedStockService {
    private final ExecutorService executor;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Integer> stock = new HashMap<>();

    public FixedStockService(ExecutorService executor, Map<String, Integer> initial) {
        this.executor = executor;
        this.stock.putAll(initial);
    }

    // snippet:stock-service-fix
    public CompletableFuture<Boolean> reserve(String item) {
        return CompletableFuture.supplyAsync(() -> takeIfAvailable(item), executor);
    }

    private boolean takeIfAvailable(String item) {
        lock.lock();
        try {                                   // the check and the update in one hold of the lock
            int left = stock.getOrDefault(item, 0);
            if (left == 0) {
                return false;
            }
            stock.put(item, left - 1);
            return true;
        } finally {
            lock.unlock();
        }
    }
    // end-snippet

    public int left(String item) {
        lock.lock();
        try {
            return stock.getOrDefault(item, 0);
        } finally {
            lock.unlock();
        }
    }
}
