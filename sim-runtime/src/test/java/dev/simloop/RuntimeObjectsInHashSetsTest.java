package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.Channel;
import dev.simloop.sync.Condition;
import dev.simloop.sync.Event;
import dev.simloop.sync.Lock;
import dev.simloop.sync.PriorityLock;
import dev.simloop.sync.RLock;
import dev.simloop.sync.Semaphore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A program that keeps the runtime's objects (events, locks, channels, groups, scopes) in a
 * {@code HashSet}, or as {@code HashMap} keys, and acts on them in its order runs the same way in
 * every run of a seed and in every JVM: an object first hashed by a task of a simulation hashes by
 * its place among the run's objects in the order they were first hashed. Before, they kept their
 * identity hashes, which differ from run to run, so the two runs of one seed below woke their
 * waiters in different orders and {@code checkDeterminism} failed the run. As with tasks
 * ({@link TasksInHashSetsTest}), equality stays identity.
 */
class RuntimeObjectsInHashSetsTest {
    /**
     * One waiter per event, the events kept in a HashSet and set in its order (also a program of
     * {@link DigestsMain}'s battery, run in child JVMs with other identity hashes).
     *
     * @return the order the waiters woke in
     */
    static List<Integer> setInHashSetOrder(int count) {
        List<Integer> woke = new ArrayList<>();
        TaskGroup.with(g -> {
            Set<Event> events = new HashSet<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                Event e = new Event("e" + n);
                events.add(e);
                g.spawn(() -> {
                    e.await();
                    woke.add(n);
                });
            }
            Loop.checkpoint();
            for (Event e : events) {
                e.set();
            }
            return null;
        });
        return woke;
    }

    @Test
    void aHashSetOfEventsIteratesInTheOrderTheyWereFirstHashed() {
        SimResult<List<Integer>> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> setInHashSetOrder(12));
        assertThat(r.value()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    }

    @Test
    void everySeedRunsTheSameWayTwice() {
        for (long seed = 0; seed < 10; seed++) {
            SimResult<List<Integer>> r = Simulation.builder().seed(seed).strategy(Strategy.random())
                    .checkDeterminism(true).run(() -> setInHashSetOrder(12));
            assertThat(r.failed()).as("seed %d: %s", seed, r.failure()).isFalse();
            assertThat(r.value()).as("seed %d", seed).hasSize(12);
        }
    }

    /** Every kind a program may keep in a set: its hash codes, in the order first asked. */
    private static List<Integer> hashesOfEveryKind() {
        List<Object> objects = new ArrayList<>();
        objects.add(new Event());
        objects.add(new Lock());
        objects.add(new RLock());
        objects.add(new PriorityLock());
        objects.add(new Semaphore(2));
        objects.add(new Condition());
        objects.add(new Channel<String>(1));
        objects.add(Shared.of(0));
        objects.add(Generator.<Integer>of(out -> out.yield(1)));
        CancelScope.run(scope -> objects.add(scope));
        TaskGroup.with(g -> objects.add(g));
        List<Integer> hashes = new ArrayList<>();
        for (Object o : objects) {
            hashes.add(o.hashCode());
        }
        for (int i = 0; i < objects.size(); i++) {
            assertThat(objects.get(i).hashCode()).as("%s asked again", objects.get(i)).isEqualTo(hashes.get(i));
        }
        return hashes;
    }

    @Test
    void everyKindHashesByItsPlaceInTheRunAndKeepsItsHash() {
        List<Integer> first = Simulation.run(3, RuntimeObjectsInHashSetsTest::hashesOfEveryKind).value();
        List<Integer> second = Simulation.run(3, RuntimeObjectsInHashSetsTest::hashesOfEveryKind).value();
        assertThat(first).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void aMapKeyedByLocksIteratesTheSameWayInEveryRun() {
        ThrowingSupplier<List<String>> program = () -> {
            Map<Lock, String> byLock = new HashMap<>();
            for (int i = 0; i < 20; i++) {
                byLock.put(new Lock("l" + i), "l" + i);
            }
            return new ArrayList<>(byLock.values());
        };
        List<String> first = Simulation.run(1, program).value();
        assertThat(Simulation.run(2, program).value()).isEqualTo(first);
        assertThat(first).startsWith("l0", "l1", "l2").hasSize(20);
    }

    @Test
    void outsideASimulationAnObjectTakesItsIdentityHashAndKeepsItInARun() throws Exception {
        Event outside = new Event();
        int identity = System.identityHashCode(outside);
        assertThat(outside.hashCode()).isEqualTo(identity);
        assertThat(Simulation.run(1, outside::hashCode).value()).isEqualTo(identity);

        Lock real = Loop.run(() -> {
            Lock l = new Lock();
            assertThat(l.hashCode()).isEqualTo(System.identityHashCode(l));
            return l;
        });
        assertThat(real.hashCode()).isEqualTo(System.identityHashCode(real));
    }

    @Test
    void equalityStaysIdentity() {
        Simulation.run(1, () -> {
            Event a = new Event();
            Event b = new Event();
            assertThat(a).isEqualTo(a).isNotEqualTo(b);
            assertThat(a.hashCode()).isNotEqualTo(b.hashCode());
            return null;
        }).value();
    }
}
