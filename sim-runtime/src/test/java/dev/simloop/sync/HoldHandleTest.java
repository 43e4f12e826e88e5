package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.internal.HeldResource;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a lock's {@code hold()} returns is a handle that can only release: not the lock's internal
 * state object, whose {@link HeldResource} methods (giveTo, takeBack) are public for the loop's sake.
 */
class HoldHandleTest {

    @Test
    void eachLockReturnsItsOwnHandleThatIsNoHeldResourceAndTheSameEveryTime() {
        List<String> seen = Sims.fifo(() -> {
            Lock lock = new Lock("a");
            RLock rlock = new RLock("b");
            PriorityLock plock = new PriorityLock("c");
            Held first = lock.hold();
            String whileHeld = first.toString();
            first.close();
            Held second = lock.hold();
            second.close();
            Held r = rlock.hold();
            Held r2 = rlock.hold();
            r2.close();
            r.close();
            Held p = plock.hold();
            p.close();
            Held p2 = plock.hold();
            p2.close();
            for (Held h : List.of(first, r, p)) {
                assertThat(h).isNotInstanceOf(HeldResource.class);
            }
            assertThat(second).isSameAs(first);
            assertThat(r2).isSameAs(r);
            assertThat(p2).isSameAs(p);
            assertThat(List.of(first, r, p)).doesNotHaveDuplicates();
            assertThat(lock.isLocked() || rlock.isLocked() || plock.isLocked()).isFalse();
            return List.of(whileHeld, lock.toString());
        });
        assertThat(seen.get(0)).startsWith("Lock 'a' held by task ");
        assertThat(seen.get(1)).isEqualTo("Lock 'a' (free)");
    }
}
