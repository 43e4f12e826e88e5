package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The timer heap on its own: firing order (deadline, deadlines before wake-ups, arming order), removal
 * from any position, re-arming, and the due-timer queries the loop uses for tied timers.
 */
class TimerHeapTest {
    /** A timer that only has a name. */
    private static final class T extends Timer {
        final String name;

        T(String name, int kind) {
            super(kind);
            this.name = name;
        }

        T(String name) {
            this(name, KIND_WAKEUP);
        }

        @Override
        void fire(Scheduler loop) {
            throw new AssertionError("not fired in these tests");
        }

        @Override
        String describe() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Polls every timer: their names in firing order. */
    private static List<String> drain(TimerHeap h) {
        List<String> out = new ArrayList<>();
        while (!h.isEmpty()) {
            Timer t = h.poll();
            assertThat(t.isArmed()).as("a polled timer is disarmed").isFalse();
            out.add(((T) t).name);
        }
        return out;
    }

    /** The heap property and the back-pointers, checked over the whole array. */
    private static void assertValid(TimerHeap h) {
        Timer[] a = h.snapshot();
        assertThat(a).hasSize(h.size());
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i].heapIndex).as("index of %s", a[i]).isEqualTo(i);
            if (i > 0) {
                Timer parent = a[(i - 1) / 4]; // four children per node
                assertThat(order(parent, a[i])).as("%s (at %d) is not before its child %s", parent, (i - 1) / 4, a[i])
                        .isNegative();
            }
        }
    }

    private static int order(Timer a, Timer b) {
        return Comparator.<Timer>comparingLong(t -> t.deadline).thenComparingInt(t -> t.kind)
                .thenComparingLong(t -> t.seq).compare(a, b);
    }

    @Test
    void anEmptyHeapHasNothingToPeekOrFire() {
        TimerHeap h = new TimerHeap();
        assertThat(h.isEmpty()).isTrue();
        assertThat(h.size()).isZero();
        assertThat(h.peek()).isNull();
        assertThat(h.secondIsDue(Long.MAX_VALUE)).isFalse();
        Timer[] due = h.collectDue(Long.MAX_VALUE, new Timer[1]);
        assertThat(h.dueCount).isZero();
        assertThat(due).hasSize(1);
    }

    @Test
    void timersFireByDeadlineThenDeadlinesBeforeWakeUpsThenArmingOrder() {
        TimerHeap h = new TimerHeap();
        h.arm(new T("wake@5 first"), 5);
        h.arm(new T("wake@3"), 3);
        h.arm(new T("wake@5 second"), 5);
        h.arm(new T("deadline@5", Timer.KIND_DEADLINE), 5);
        h.arm(new T("wake@1"), 1);
        h.arm(new T("wake@9"), 9);
        assertValid(h);
        assertThat(h.size()).isEqualTo(6);
        assertThat(((T) h.peek()).name).isEqualTo("wake@1");
        assertThat(drain(h)).containsExactly("wake@1", "wake@3", "deadline@5", "wake@5 first", "wake@5 second",
                "wake@9");
    }

    @Test
    void removingFromTheMiddleMovesTheLastTimerUpWhenItIsEarlierThanTheHolesParent() {
        // Armed in this order the array is [1, 10, 2, 3, 4, 11, 12, 13, 14, 5]: 5, the last, is a
        // child of 2. Removing 11 (a child of 10) puts 5 under 10, where it must sift up.
        TimerHeap h = new TimerHeap();
        T[] byDeadline = new T[15];
        for (int d : new int[] {1, 10, 2, 3, 4, 11, 12, 13, 14, 5}) {
            byDeadline[d] = new T("@" + d);
            h.arm(byDeadline[d], d);
        }
        assertValid(h);
        assertThat(byDeadline[11].heapIndex).isEqualTo(5);
        h.remove(byDeadline[11]);
        assertThat(byDeadline[11].isArmed()).isFalse();
        assertThat(byDeadline[5].heapIndex).as("5 moved above 10").isEqualTo(1);
        assertValid(h);
        // the earliest after removing 1 and 2 is 3, then 4: both found from the root
        h.remove(byDeadline[1]);
        h.remove(byDeadline[2]);
        assertValid(h);
        assertThat(drain(h)).containsExactly("@3", "@4", "@5", "@10", "@12", "@13", "@14");
    }

    @Test
    void removingFromTheMiddleMovesTheLastTimerDownWhenItIsLaterThanTheHolesChildren() {
        // [1, 2, 8, 9, 10, 3, 4, 5, 6, 11]: removing 2 puts 11 at index 1 above 3, 4, 5 and 6,
        // where it must sift down
        TimerHeap h = new TimerHeap();
        T[] byDeadline = new T[12];
        for (int d : new int[] {1, 2, 8, 9, 10, 3, 4, 5, 6, 11}) {
            byDeadline[d] = new T("@" + d);
            h.arm(byDeadline[d], d);
        }
        h.remove(byDeadline[2]);
        assertThat(byDeadline[3].heapIndex).as("3 moved up into the hole").isEqualTo(1);
        assertValid(h);
        assertThat(drain(h)).containsExactly("@1", "@3", "@4", "@5", "@6", "@8", "@9", "@10", "@11");
    }

    @Test
    void removingTheLastOrAnUnarmedTimerLeavesTheRestAlone() {
        TimerHeap h = new TimerHeap();
        T a = new T("a");
        T b = new T("b");
        T never = new T("never armed");
        h.arm(a, 1);
        h.arm(b, 2);
        h.remove(never);
        assertThat(h.size()).isEqualTo(2);
        h.remove(b); // the last slot
        assertThat(h.size()).isEqualTo(1);
        assertThat(b.isArmed()).isFalse();
        h.remove(b); // again: harmless
        assertThat(h.size()).isEqualTo(1);
        assertThat(h.peek()).isSameAs(a);
        assertThat(h.snapshot()).containsExactly(a);
    }

    @Test
    void reArmingMovesATimerAndCountsAsANewArming() {
        TimerHeap h = new TimerHeap();
        T a = new T("a");
        T b = new T("b");
        T c = new T("c");
        h.arm(a, 5);
        h.arm(b, 5);
        h.arm(c, 7);
        h.arm(a, 5); // same deadline, re-armed: now after b
        assertThat(h.size()).as("moved, not added twice").isEqualTo(3);
        assertValid(h);
        h.arm(c, 1); // earlier
        assertValid(h);
        assertThat(drain(h)).containsExactly("c", "b", "a");
    }

    @Test
    void growsPastItsInitialCapacityAndKeepsOrder() {
        TimerHeap h = new TimerHeap();
        List<T> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            T t = new T(String.format("%03d", (i * 37) % 100));
            all.add(t);
            h.arm(t, (i * 37) % 100);
        }
        assertThat(h.size()).isEqualTo(100);
        assertValid(h);
        List<String> sorted = all.stream().map(t -> t.name).sorted().toList();
        assertThat(drain(h)).isEqualTo(sorted);
    }

    @Test
    void randomArmsRemovesAndPollsAgreeWithASortedList() {
        for (long seed = 0; seed < 50; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            TimerHeap h = new TimerHeap();
            List<T> armed = new ArrayList<>();
            List<T> pool = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                pool.add(new T("t" + i, rnd.nextInt(2)));
            }
            for (int op = 0; op < 400; op++) {
                int what = rnd.nextInt(4);
                if (what <= 1) {
                    T t = pool.get(rnd.nextInt(pool.size()));
                    h.arm(t, rnd.nextInt(30));
                    if (!armed.contains(t)) {
                        armed.add(t);
                    }
                } else if (what == 2 && !armed.isEmpty()) {
                    T t = armed.remove(rnd.nextInt(armed.size()));
                    h.remove(t);
                    assertThat(t.isArmed()).isFalse();
                } else if (!armed.isEmpty()) {
                    T first = armed.stream().min(TimerHeapTest::order).orElseThrow();
                    assertThat(h.poll()).as("seed %d op %d", seed, op).isSameAs(first);
                    armed.remove(first);
                }
                assertThat(h.size()).isEqualTo(armed.size());
                assertValid(h);
            }
        }
    }

    @Test
    void secondIsDueLooksAtEveryChildOfTheRoot() {
        TimerHeap h = new TimerHeap();
        h.arm(new T("root"), 1);
        assertThat(h.secondIsDue(100)).as("only one timer").isFalse();
        h.arm(new T("left"), 5);
        assertThat(h.secondIsDue(4)).isFalse();
        assertThat(h.secondIsDue(5)).as("due exactly now").isTrue();
        h.arm(new T("right"), 3); // array [1, 5, 3]
        assertThat(h.snapshot()[2].deadline).isEqualTo(3);
        assertThat(h.secondIsDue(2)).isFalse();
        assertThat(h.secondIsDue(3)).as("the second child is due, the first is not").isTrue();
        h.arm(new T("third"), 7);
        h.arm(new T("fourth"), 2); // array [1, 5, 3, 7, 2]: the root's last child
        assertThat(h.snapshot()[4].deadline).isEqualTo(2);
        assertThat(h.secondIsDue(2)).as("the fourth child is due").isTrue();
        assertThat(h.secondIsDue(1)).isFalse();
    }

    @Test
    void collectDueFindsExactlyTheDueTimersInFiringOrderAndLeavesThemArmed() {
        TimerHeap h = new TimerHeap();
        T w1 = new T("wake@2 first");
        T late = new T("wake@9");
        T w2 = new T("wake@2 second");
        T d = new T("deadline@2", Timer.KIND_DEADLINE);
        T early = new T("wake@1");
        T other = new T("wake@3");
        for (T t : List.of(w1, late, w2, d, early, other)) {
            h.arm(t, Integer.parseInt(t.name.replaceAll("\\D+(\\d+).*", "$1")));
        }
        Timer[] out = h.collectDue(2, new Timer[1]); // grows from one slot
        assertThat(h.dueCount).isEqualTo(4);
        assertThat(out.length).isGreaterThanOrEqualTo(4);
        assertThat(java.util.Arrays.asList(out).subList(0, 4)).containsExactly(early, d, w1, w2);
        assertThat(h.size()).as("collecting leaves them armed").isEqualTo(6);
        assertThat(early.isArmed()).isTrue();
        assertThat(h.collectDue(0, out)).isSameAs(out);
        assertThat(h.dueCount).isZero();
        h.collectDue(9, out);
        assertThat(h.dueCount).isEqualTo(6);
    }

    @Test
    void watchingTheDueTimersNotesWhereTheDisarmedOnesStoodAndWhetherOneDueWasArmed() {
        TimerHeap h = new TimerHeap();
        T a = new T("a");
        T b = new T("b");
        T c = new T("c");
        T later = new T("later");
        h.arm(a, 10);
        h.arm(b, 10);
        h.arm(c, 5);
        h.arm(later, 99);
        Timer[] due = h.collectDue(10, TimerHeap.NONE);
        assertThat(h.dueCount).isEqualTo(3);
        assertThat(java.util.Arrays.copyOf(due, 3)).containsExactly(c, a, b);

        h.watchDue(10, due, 3);
        h.remove(later); // due later: not one of them
        h.remove(b); // at position 2
        h.remove(c); // at position 0
        h.remove(b); // not armed any more: nothing
        assertThat(h.endWatch()).as("nothing due was armed").isFalse();
        assertThat(h.removedDueCount()).isEqualTo(2);
        assertThat(h.removedDue(0)).isEqualTo(2);
        assertThat(h.removedDue(1)).isEqualTo(0);

        h.watchDue(10, due, 3);
        h.arm(later, 99); // due later: the due timers are the same
        assertThat(h.endWatch()).isFalse();
        h.watchDue(10, due, 3);
        h.arm(a, 10); // moved, still due now: a removal, and one due armed
        assertThat(h.removedDueCount()).isEqualTo(1);
        assertThat(h.endWatch()).as("one due at the instant was armed").isTrue();
        h.remove(a); // no longer watching: nothing noted
        assertThat(h.removedDueCount()).isEqualTo(1);
    }
}
