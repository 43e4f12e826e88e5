package dev.simloop.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.invoke.MethodHandles;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Which call sites the agent rewrites, and which classes, without running the agent. */
class CallSiteRewriterTest {
    private static final String BRIDGE = "dev/simloop/agent/bridge/VirtualTimeBridge";

    /** Every call the agent rewrites, and some it must leave alone. */
    static final class Sample {
        static long clocks() {
            return System.nanoTime() + System.currentTimeMillis() + Instant.now().getNano()
                    + Clock.systemUTC().millis() + Clock.systemDefaultZone().millis() + Clock.system(ZoneOffset.UTC).millis();
        }

        static void sleeps() throws InterruptedException {
            Thread.sleep(1);
            Thread.sleep(1, 1);
            Thread.sleep(Duration.ZERO);
            TimeUnit.NANOSECONDS.sleep(1); // left: TimeUnit itself is rewritten
        }

        static void parks() {
            LockSupport.parkNanos(1);
            LockSupport.parkNanos(Sample.class, 1);
            LockSupport.parkUntil(0);
            LockSupport.parkUntil(Sample.class, 0);
            LockSupport.unpark(Thread.currentThread()); // left: not a wait
        }

        static long untouched() {
            return Instant.ofEpochSecond(5).getEpochSecond() + Clock.fixed(Instant.EPOCH, ZoneOffset.UTC).millis()
                    + System.identityHashCode(Sample.class);
        }
    }

    /** Nothing here is rewritten. */
    static final class Plain {
        static long value() {
            return Instant.EPOCH.getEpochSecond();
        }
    }

    @Test
    void clockSleepAndParkCallsGoToTheBridgeWithTheirOwnDescriptors() throws IOException {
        ClassModel out = ClassFile.of().parse(CallSiteRewriter.rewrite(bytes(Sample.class), Sample.class.getClassLoader()));
        Map<String, List<String>> calls = calls(out);
        String millis = "java/time/Clock.millis()J";
        assertThat(calls.get("clocks")).containsExactly(BRIDGE + ".nanoTime()J", BRIDGE + ".currentTimeMillis()J",
                BRIDGE + ".instantNow()Ljava/time/Instant;", "java/time/Instant.getNano()I",
                BRIDGE + ".systemUTC()Ljava/time/Clock;", millis, BRIDGE + ".systemDefaultZone()Ljava/time/Clock;",
                millis, BRIDGE + ".system(Ljava/time/ZoneId;)Ljava/time/Clock;", millis);
        assertThat(calls.get("sleeps")).containsExactly(BRIDGE + ".sleep(J)V", BRIDGE + ".sleep(JI)V",
                BRIDGE + ".sleep(Ljava/time/Duration;)V", "java/util/concurrent/TimeUnit.sleep(J)V");
        assertThat(calls.get("parks")).containsExactly(BRIDGE + ".parkNanos(J)V",
                BRIDGE + ".parkNanos(Ljava/lang/Object;J)V", BRIDGE + ".parkUntil(J)V",
                BRIDGE + ".parkUntil(Ljava/lang/Object;J)V", "java/lang/Thread.currentThread()Ljava/lang/Thread;",
                "java/util/concurrent/locks/LockSupport.unpark(Ljava/lang/Thread;)V");
        assertThat(calls.get("untouched")).containsExactly("java/time/Instant.ofEpochSecond(J)Ljava/time/Instant;",
                "java/time/Instant.getEpochSecond()J",
                "java/time/Clock.fixed(Ljava/time/Instant;Ljava/time/ZoneId;)Ljava/time/Clock;", millis,
                "java/lang/System.identityHashCode(Ljava/lang/Object;)I");
    }

    /** A clock two levels below {@code Clock}. */
    abstract static class BaseClock extends Clock {
    }

    abstract static class SubClock extends BaseClock {
        static Clock unqualified() {
            return systemUTC(); // invokestatic SubClock.systemUTC
        }
    }

    /** Calls the system clocks and a sleep through subclasses of Clock and Thread, and a sleep of its own. */
    static final class ThroughSubclasses {
        static Clock qualified() {
            return SubClock.system(ZoneOffset.UTC); // invokestatic SubClock.system
        }

        static void ownSleep() {
            OwnSleep.sleep(1L); // OwnSleep declares it: left
        }
    }

    static class OwnSleep extends Thread {
        public static void sleep(long millis) {
        }
    }

    @Test
    void callsThroughASubclassOfASubclassGoToTheBridgeUnlessAClassOnTheWayDeclaresItsOwn() throws IOException {
        ClassLoader loader = SubClock.class.getClassLoader();
        byte[] subClock = CallSiteRewriter.rewrite(bytes(SubClock.class), loader);
        byte[] caller = CallSiteRewriter.rewrite(bytes(ThroughSubclasses.class), loader);
        assertThat(subClock).as("SubClock rewritten").isNotNull();
        assertThat(caller).as("ThroughSubclasses rewritten").isNotNull();
        assertThat(calls(ClassFile.of().parse(subClock)).get("unqualified"))
                .containsExactly(BRIDGE + ".systemUTC()Ljava/time/Clock;");
        Map<String, List<String>> calls = calls(ClassFile.of().parse(caller));
        assertThat(calls.get("qualified")).containsExactly(BRIDGE + ".system(Ljava/time/ZoneId;)Ljava/time/Clock;");
        assertThat(calls.get("ownSleep")).containsExactly(OwnSleep.class.getName().replace('.', '/') + ".sleep(J)V");
    }

    @Test
    void aRewrittenClassLoadsVerifiesAndOutsideASimulationKeepsRealTime() throws Exception {
        byte[] rewritten = CallSiteRewriter.rewrite(bytes(Sample.class), Sample.class.getClassLoader());
        // a hidden twin of Sample, verified like any class; no runtime is connected: real time
        Class<?> twin = MethodHandles.privateLookupIn(Sample.class, MethodHandles.lookup())
                .defineHiddenClass(rewritten, true).lookupClass();
        long before = System.currentTimeMillis();
        long sum = (long) twin.getDeclaredMethod("clocks").invoke(null);
        assertThat(sum).isGreaterThan(before * 3); // three real millisecond clocks among the sum
        twin.getDeclaredMethod("parks").invoke(null);
        twin.getDeclaredMethod("sleeps").invoke(null);
    }

    @Test
    void aClassWithoutSuchCallsIsLeftByteForByte() throws IOException {
        assertThat(CallSiteRewriter.rewrite(bytes(Plain.class), Plain.class.getClassLoader())).isNull();
    }

    @Test
    void theJdkSynchronizersParkAndReadTheClockThroughTheBridge() throws IOException {
        for (String jdk : List.of("java/util/concurrent/locks/AbstractQueuedSynchronizer",
                "java/util/concurrent/locks/AbstractQueuedSynchronizer$ConditionObject",
                "java/util/concurrent/FutureTask", "java/util/concurrent/CompletableFuture$Signaller",
                "java/util/concurrent/LinkedTransferQueue$DualNode", "java/util/concurrent/TimeUnit")) {
            byte[] original = ClassLoader.getSystemResourceAsStream(jdk + ".class").readAllBytes();
            List<String> all = calls(ClassFile.of().parse(CallSiteRewriter.rewrite(original, null))).values()
                    .stream().flatMap(List::stream).toList();
            assertThat(all).as(jdk).anyMatch(c -> c.startsWith(BRIDGE + "."))
                    .noneMatch(c -> c.startsWith("java/lang/System.nanoTime") || c.startsWith("java/lang/Thread.sleep")
                            || c.startsWith("java/util/concurrent/locks/LockSupport.parkNanos")
                            || c.startsWith("java/util/concurrent/locks/LockSupport.parkUntil"));
        }
    }

    @Test
    void completableFuturesTimeOutArrangementAsksTheBridgeFirst() throws IOException {
        byte[] original = ClassLoader.getSystemResourceAsStream("java/util/concurrent/CompletableFuture.class")
                .readAllBytes();
        ClassModel out = ClassFile.of().parse(CallSiteRewriter.rewrite(original, null));
        assertThat(calls(out).get("arrangeTimeout").getFirst())
                .isEqualTo(BRIDGE + ".arrangeTimeout(Ljava/lang/Object;JLjava/lang/Runnable;)Z");
        assertThat(calls(out).get("timedGet")).contains(BRIDGE + ".nanoTime()J");
    }

    @Test
    void structuredTaskScopesTimeOutIsScheduledThroughTheBridgeAndNothingElseOnAPoolIs() throws IOException {
        byte[] original = ClassLoader.getSystemResourceAsStream("java/util/concurrent/StructuredTaskScopeImpl.class")
                .readAllBytes();
        ClassModel out = ClassFile.of().parse(CallSiteRewriter.rewrite(original, null));
        assertThat(calls(out).get("scheduleTimeout")).contains(BRIDGE + ".schedule(Ljava/util/concurrent/ForkJoinPool;"
                + "Ljava/lang/Runnable;JLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/ScheduledFuture;")
                .noneMatch(c -> c.startsWith("java/util/concurrent/ForkJoinPool.schedule"));
        assertThat(CallSiteRewriter.isRewrittenJdkClass("java/util/concurrent/StructuredTaskScopeImpl")).isTrue();
        assertThat(CallSiteRewriter.isRewrittenJdkClass("java/util/concurrent/ForkJoinPool")).isFalse();
    }

    @Test
    void userClassesAreEverythingButTheJdkAndSimloopItself() {
        ClassLoader app = ClassLoader.getSystemClassLoader();
        assertThat(CallSiteRewriter.isUserClass("com/example/Service", app)).isTrue();
        assertThat(CallSiteRewriter.isUserClass("dev/simloop/examples/Demo", app)).isTrue();
        assertThat(CallSiteRewriter.isUserClass("dev/simloop/vt/SleepTest", app)).isTrue();
        assertThat(CallSiteRewriter.isUserClass("org/junit/jupiter/api/Assertions", app)).isTrue();
        assertThat(CallSiteRewriter.isUserClass("com/example/Service", null)).isFalse();
        assertThat(CallSiteRewriter.isUserClass("com/example/Service", ClassLoader.getPlatformClassLoader())).isFalse();
        for (String own : List.of("dev/simloop/Loop", "dev/simloop/sync/Lock", "dev/simloop/internal/Scheduler",
                "dev/simloop/junit/SimulatedLoop", "dev/simloop/jqwik/Schedules", "dev/simloop/agent/SimloopAgent",
                "dev/simloop/agent/bridge/VirtualTimeBridge", "java/util/Foo", "javax/net/Foo", "jdk/internal/Foo",
                "sun/misc/Foo", "com/sun/net/Foo")) {
            assertThat(CallSiteRewriter.isUserClass(own, app)).as(own).isFalse();
        }
        assertThat(CallSiteRewriter.isRewrittenJdkClass("java/util/concurrent/locks/AbstractQueuedSynchronizer"))
                .isTrue();
        assertThat(CallSiteRewriter.isRewrittenJdkClass("java/util/concurrent/Phaser$QNode")).isTrue();
        assertThat(CallSiteRewriter.isRewrittenJdkClass("java/util/concurrent/ScheduledThreadPoolExecutor$DelayedWorkQueue"))
                .as("its delays count System.nanoTime()").isTrue();
        assertThat(CallSiteRewriter.isRewrittenJdkClass("java/util/concurrent/DelayQueue")).isFalse();
    }

    @Test
    void theBridgeJarHoldsTheBridgePackageOnly() throws IOException {
        assertThat(SimloopAgent.bridgeClassFiles()).containsExactly(
                "dev/simloop/agent/bridge/VirtualTimeBridge$Hooks.class",
                "dev/simloop/agent/bridge/VirtualTimeBridge$LoopScheduledAction.class",
                "dev/simloop/agent/bridge/VirtualTimeBridge$TaskAwareClock.class",
                "dev/simloop/agent/bridge/VirtualTimeBridge.class");
    }

    private static byte[] bytes(Class<?> c) throws IOException {
        String name = c.getName().substring(c.getPackageName().length() + 1) + ".class";
        try (InputStream in = c.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    /** @return per method, the methods it calls as owner.name+descriptor, in order */
    private static Map<String, List<String>> calls(ClassModel model) {
        Map<String, List<String>> calls = new LinkedHashMap<>();
        for (MethodModel m : model.methods()) {
            List<String> list = new ArrayList<>();
            m.code().ifPresent(code -> {
                for (CodeElement e : code) {
                    if (e instanceof InvokeInstruction i) {
                        list.add(i.owner().asInternalName() + "." + i.name().stringValue() + i.type().stringValue());
                    }
                }
            });
            calls.merge(m.methodName().stringValue(), list, (a, b) -> {
                a.addAll(b);
                return a;
            });
        }
        return calls;
    }
}
