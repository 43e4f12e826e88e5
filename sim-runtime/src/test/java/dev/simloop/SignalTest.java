package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 2, section 2: SIGINT (and SIGTERM) cancels the root group in real mode, so shielded clean-up still runs. */
class SignalTest {

    /**
     * {@code sun.misc.Signal.raise(new Signal(name))}. Named by reflection because javac reports any
     * mention of {@code sun.misc} as internal proprietary API, a warning that -Werror turns into an
     * error and that no lint category turns off.
     */
    private static void raise(String name) throws ReflectiveOperationException {
        Class<?> signal = Class.forName("sun.misc.Signal");
        signal.getMethod("raise", signal).invoke(null, signal.getConstructor(String.class).newInstance(name));
    }

    /**
     * Whether the JVM delivers {@code name} to a handler at all: not when the process was started
     * with it ignored (a background job of a non-interactive shell ignores SIGINT), where the JVM
     * accepts a handler and never calls it, and simloop leaves the signal ignored. Probes with a
     * handler that does nothing and puts the previous one back.
     */
    private static boolean deliverable(String name) throws ReflectiveOperationException {
        Class<?> signal = Class.forName("sun.misc.Signal");
        Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
        Method handle = signal.getMethod("handle", signal, handlerType);
        Object sig = signal.getConstructor(String.class).newInstance(name);
        Object probe = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType},
                (proxy, method, args) -> method.getName().equals("toString") ? "probe" : null);
        Object previous = handle.invoke(null, sig, probe);
        handle.invoke(null, sig, previous);
        return previous != handlerType.getField("SIG_IGN").get(null);
    }

    /**
     * Installs a handler of the test's own for {@code name} (as an application may have one), which
     * counts the signals it gets; it is what simloop gives the signal back to once its loops have
     * ended, where the JVM's own handler would end this test JVM.
     *
     * @return the handler it replaced, to put back
     */
    private static Object countInstead(String name, AtomicInteger count) throws ReflectiveOperationException {
        Class<?> signal = Class.forName("sun.misc.Signal");
        Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
        Object counting = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType},
                (proxy, method, args) -> {
                    if (method.getName().equals("handle")) {
                        count.incrementAndGet();
                    }
                    return method.getName().equals("toString") ? "counting" : null;
                });
        return signal.getMethod("handle", signal, handlerType).invoke(null,
                signal.getConstructor(String.class).newInstance(name), counting);
    }

    private static void putBack(String name, Object handler) throws ReflectiveOperationException {
        Class<?> signal = Class.forName("sun.misc.Signal");
        Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
        signal.getMethod("handle", signal, handlerType).invoke(null, signal.getConstructor(String.class).newInstance(name),
                handler);
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void sigintCancelsTheRootGroupAndShieldedCleanupStillRuns(String signal) throws Exception {
        assumeTrue(deliverable(signal), () -> "SIG" + signal + " is ignored by this process (started as a background "
                + "job?), so the JVM cannot deliver it and simloop leaves it ignored");
        AtomicInteger givenBack = new AtomicInteger();
        Object original = countInstead(signal, givenBack);
        try {
            runAndSignal(signal);
            // the loop has ended: the signal is raised again for the application's own handler, which
            // simloop had replaced (the JVM's own SIGINT handler is not given it: SignalEscalationTest)
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (givenBack.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(50); // and only once
            assertThat(givenBack.get()).as("SIG%s given back to the application's handler", signal).isEqualTo(1);
        } finally {
            putBack(signal, original);
        }
    }

    private static void runAndSignal(String signal) {
        List<String> log = Modes.log();
        long t0 = System.nanoTime();
        Object v = Loop.run(() -> TaskGroup.with(tg -> {
            tg.spawn("server", () -> {
                try {
                    Loop.sleep(Duration.ofHours(1));
                } catch (Cancelled c) {
                    log.add("server cancelled: " + c.reason());
                    CancelScope.shielded(() -> {
                        Loop.sleep(Duration.ofMillis(20)); // blocking clean-up still works
                        log.add("server cleaned up");
                        return null;
                    });
                    throw c;
                }
            });
            Loop.sleep(Duration.ofMillis(30));
            try {
                // raise the signal from a platform thread, as the OS would deliver it; the JDK handles
                // it on yet another thread, so the cancel may reach main while it still waits for
                // toThread (which a cancel abandons) or only once it sleeps
                Loop.toThread(() -> {
                    raise(signal);
                    return null;
                });
                Loop.sleep(Duration.ofHours(1));
            } catch (Cancelled c) {
                log.add("main cancelled: " + c.reason() + " / " + c.getMessage());
                throw c;
            }
            return "unreachable";
        }));
        assertThat(v).isNull(); // the cancelled root group ends normally
        assertThat(log).hasSize(3).contains("server cancelled: SIGNAL", "server cleaned up");
        assertThat(log.indexOf("server cancelled: SIGNAL")).isLessThan(log.indexOf("server cleaned up"));
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("main cancelled: SIGNAL")
                .contains("termination signal"));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    }
}
