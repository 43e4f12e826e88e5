package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint reuses the last walk up its task's scopes while nothing it read has changed (no
 * cancel, deadline or shield change in the loop, no deadline on the way come): each change below
 * must still be seen at the very next checkpoint of a task whose walk was kept, many scopes deep.
 * Each run first cancels an unrelated scope, so that checkpoints walk at all.
 */
class KeptScopeWalkTest {
    private static final int DEPTH = 50;

    /** Opens {@code depth} scopes, then runs {@code innermost} in the innermost one. */
    private static void nested(int depth, ThrowingRunnable innermost) throws Exception {
        if (depth == 0) {
            innermost.run();
            return;
        }
        CancelScope.run(cs -> {
            nested(depth - 1, innermost);
            return null;
        });
    }

    private static void stirTheLoop() {
        CancelScope.run(cs -> {
            cs.cancel();
            return null;
        });
    }

    private static long millis() {
        return Duration.ofNanos(Loop.nanoTime()).toMillis();
    }

    @Test
    void aCancelFromAnotherTaskIsSeenAtTheNextCheckpoint() {
        List<String> log = Simulation.run(5, () -> {
            List<String> l = new ArrayList<>();
            Event deep = new Event();
            CancelScope[] outerOfDeep = new CancelScope[1];
            stirTheLoop();
            TaskGroup.with(tg -> {
                tg.spawn("deep", () -> {
                    CancelScope.run(outer -> {
                        outerOfDeep[0] = outer;
                        nested(DEPTH, () -> {
                            deep.set();
                            try {
                                while (true) {
                                    // a kept walk, from the second on; the cancel comes while it yields
                                    Loop.checkpoint();
                                    if (outer.cancelCalled()) {
                                        l.add("not raised at the checkpoint it came in");
                                        Loop.checkpoint();
                                        l.add("not reached");
                                    }
                                }
                            } catch (Cancelled c) {
                                l.add("raised at the checkpoint it came in");
                                throw c;
                            }
                        });
                        return null;
                    });
                    l.add("outer caught its cancel");
                });
                tg.spawn("changer", () -> {
                    deep.await();
                    for (int i = 0; i < 20; i++) {
                        Loop.checkpoint(); // the deep task checkpoints meanwhile, its walk kept
                    }
                    outerOfDeep[0].cancel();
                });
                return null;
            });
            return l;
        }).value();
        assertThat(log).containsExactly("raised at the checkpoint it came in", "outer caught its cancel");
    }

    @Test
    void aDeadlineOnTheWayIsSeenWhenItComes() {
        List<String> log = Simulation.run(5, () -> {
            List<String> l = new ArrayList<>();
            stirTheLoop();
            TaskGroup.with(tg -> {
                tg.spawn("deep", () -> {
                    Optional<Object> v = CancelScope.moveOnAfter(Duration.ofMillis(30), () -> {
                        nested(DEPTH, () -> {
                            for (;;) {
                                Loop.sleep(Duration.ofMillis(1)); // a wait: the clock moves, the walk is kept between
                            }
                        });
                        return "unreachable";
                    });
                    l.add("moved on at " + millis() + " ms, value " + v);
                });
                return null;
            });
            return l;
        }).value();
        assertThat(log).containsExactly("moved on at 30 ms, value Optional.empty");
    }

    @Test
    void liftingAShieldExposesTheDeepTaskToACancelOutsideIt() {
        List<String> log = Simulation.run(5, () -> {
            List<String> l = new ArrayList<>();
            Event deep = new Event();
            stirTheLoop();
            CancelScope.run(outside -> {
                TaskGroup.with(tg -> {
                    tg.spawn("deep", () -> {
                        CancelScope.run(shield -> {
                            shield.setShielded(true);
                            try {
                                nested(DEPTH, () -> {
                                    deep.set();
                                    while (!outside.cancelCalled()) {
                                        Loop.checkpoint();
                                    }
                                    for (int i = 0; i < 5; i++) {
                                        Loop.checkpoint(); // shielded: the outside cancel is not seen
                                    }
                                    l.add("shield lifted after 5 checkpoints");
                                    shield.setShielded(false); // the next checkpoint sees the outside cancel
                                    Loop.checkpoint();
                                    l.add("not reached");
                                });
                            } catch (Cancelled c) {
                                l.add("deep cancelled");
                                throw c;
                            }
                            return null;
                        });
                    });
                    tg.spawn("canceller", () -> {
                        deep.await();
                        outside.cancel();
                        l.add("cancelled outside");
                    });
                    return null;
                });
                return null;
            });
            return l;
        }).value();
        assertThat(log).containsExactly("cancelled outside", "shield lifted after 5 checkpoints", "deep cancelled");
    }
}
