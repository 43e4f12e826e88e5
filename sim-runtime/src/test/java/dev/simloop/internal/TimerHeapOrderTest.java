package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The timer heap: firing order (deadline, deadlines before wake-ups, arming order), removal, ties. */
class TimerHeapOrderTest {

    private static final class Probe extends Timer {
        final String name;

        Probe(String name, int kind) {
            super(kind);
            this.name = name;
        }

        @Override
        void fire(Scheduler loop) {
        }

        @Override
        String describe() {
            return name;
        }
    }

    private static List<String> drain(TimerHeap h) {
        List<String> out = new ArrayList<>();
        while (!h.isEmpty()) {
            out.add(((Probe) h.poll()).name);
        }
        return out;
    }

    @Test
    void earlierDeadlinesFirstThenDeadlinesBeforeWakeUpsThenArmingOrder() {
        TimerHeap h = new TimerHeap();
        h.arm(new Probe("wake@5 first", Timer.KIND_WAKEUP), 5);
        h.arm(new Probe("deadline@5", Timer.KIND_DEADLINE), 5);
        h.arm(new Probe("wake@5 second", Timer.KIND_WAKEUP), 5);
        h.arm(new Probe("wake@1", Timer.KIND_WAKEUP), 1);
        assertThat(drain(h)).containsExactly("wake@1", "deadline@5", "wake@5 first", "wake@5 second");
    }

    @Test
    void removingFromTheMiddleKeepsTheOrderOfTheRest() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int round = 0; round < 200; round++) {
            TimerHeap h = new TimerHeap();
            List<Probe> all = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                Probe p = new Probe("t" + i, Timer.KIND_WAKEUP);
                h.arm(p, rng.nextInt(10));
                all.add(p);
            }
            List<Probe> kept = new ArrayList<>(all);
            for (int i = 0; i < 15; i++) {
                Probe gone = kept.remove(rng.nextInt(kept.size()));
                h.remove(gone);
                assertThat(gone.isArmed()).isFalse();
            }
            kept.sort((a, b) -> a.deadline != b.deadline ? Long.compare(a.deadline, b.deadline) : Long.compare(a.seq, b.seq));
            List<String> expected = kept.stream().map(p -> p.name).toList();
            assertThat(h.size()).isEqualTo(kept.size());
            assertThat(drain(h)).as("round %d", round).isEqualTo(expected);
        }
    }

    @Test
    void reArmingMovesATimerAndRemovingTwiceIsHarmless() {
        TimerHeap h = new TimerHeap();
        Probe a = new Probe("a", Timer.KIND_WAKEUP);
        Probe b = new Probe("b", Timer.KIND_WAKEUP);
        h.arm(a, 1);
        h.arm(b, 2);
        h.arm(a, 3);
        assertThat(h.size()).isEqualTo(2);
        h.remove(b);
        h.remove(b);
        assertThat(drain(h)).containsExactly("a");
    }

    @Test
    void collectDueFindsExactlyTheDueTimersInFiringOrderAndLeavesThemArmed() {
        TimerHeap h = new TimerHeap();
        for (int i = 0; i < 20; i++) {
            h.arm(new Probe("late" + i, Timer.KIND_WAKEUP), 10 + i);
        }
        h.arm(new Probe("w2", Timer.KIND_WAKEUP), 2);
        h.arm(new Probe("d2", Timer.KIND_DEADLINE), 2);
        h.arm(new Probe("w1", Timer.KIND_WAKEUP), 1);
        Timer[] due = h.collectDue(2, new Timer[1]);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < h.dueCount; i++) {
            names.add(((Probe) due[i]).name);
            assertThat(due[i].isArmed()).isTrue();
        }
        assertThat(names).containsExactly("w1", "d2", "w2");
        assertThat(h.size()).isEqualTo(23);
        assertThat(h.secondIsDue(2)).isTrue();
        assertThat(h.secondIsDue(0)).isFalse();
    }
}
