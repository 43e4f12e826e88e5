package dev.simloop.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.BoundedSearch;
import dev.simloop.CancelScope;
import dev.simloop.Exploration;
import dev.simloop.FailureHandler;
import dev.simloop.PersistentTaskGroup;
import dev.simloop.ResourceGroup;
import dev.simloop.Supervisor;
import dev.simloop.TaskOptions;
import dev.simloop.Timer;
import dev.simloop.Workers;
import dev.simloop.Loop;
import dev.simloop.PriorityPolicy;
import dev.simloop.Schedule;
import dev.simloop.SimResult;
import dev.simloop.Shard;
import dev.simloop.Shrinking;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import dev.simloop.ThrowingFunction;
import dev.simloop.ThrowingRunnable;
import dev.simloop.ThrowingSupplier;
import dev.simloop.sync.Channel;
import dev.simloop.sync.Condition;
import dev.simloop.sync.Event;
import dev.simloop.sync.Lock;
import dev.simloop.sync.PriorityCondition;
import dev.simloop.sync.PriorityLock;
import dev.simloop.sync.RLock;
import dev.simloop.sync.Semaphore;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every public method and constructor of the runtime, called with null for one reference argument
 * at a time: it either rejects the null at once with a {@link NullPointerException} whose message
 * names the call and the argument ({@code "TaskGroup.spawn: fn"}), or the argument is one the
 * Javadoc documents as nullable, and the call works. New API is covered without editing this test.
 */
class NullArgumentsTest {
    /** Arguments documented as nullable, as "Owner.method(parameter types)#index". */
    private static final Set<String> NULLABLE = Set.of(
            "Loop.run(PriorityPolicy,ThrowingSupplier)#0",                // no priority policy
            "Simulation.Builder.priorityPolicy(PriorityPolicy)#0",        // no priority policy
            "Exploration.priorityPolicy(PriorityPolicy)#0",               // no priority policy
            "TaskGroup.spawn(String,ThrowingSupplier)#0",                 // task-N
            "TaskGroup.spawn(String,ThrowingRunnable)#0",                 // task-N
            "TaskGroup.start(String,Startable)#0",                        // task-N
            "Supervisor.spawn(String,ThrowingSupplier)#0",                // task-N
            "Supervisor.spawn(String,ThrowingRunnable)#0",                // task-N
            "PersistentTaskGroup.spawn(String,ThrowingSupplier)#0",       // task-N
            "PersistentTaskGroup.spawn(String,ThrowingRunnable)#0",       // task-N
            "TaskGroup.spawnEager(String,ThrowingSupplier)#0",            // task-N
            "TaskGroup.spawnEager(String,ThrowingRunnable)#0",            // task-N
            "Lock(String)#0", "RLock(String)#0", "PriorityLock(String)#0", // unnamed
            "Event(String)#0", "Semaphore(int,String)#1", "Channel(int,String)#1", "Condition(Lock,String)#1", // unnamed
            "PriorityCondition(PriorityLock,String)#1",                    // unnamed
            "SimResult.writeHtmlReport(Path,String,String)#2");          // no shrunk line

    private static final List<Class<?>> STATIC_API = List.of(Loop.class, CancelScope.class, Simulation.class,
            Strategy.class, Schedule.class, PriorityPolicy.class, TaskGroup.class, Exploration.class,
            BoundedSearch.class, Supervisor.class, PersistentTaskGroup.class, ResourceGroup.class, Workers.class,
            TaskOptions.class, Shard.class, Shrinking.class);
    private static final List<Class<?>> CONSTRUCTED = List.of(Lock.class, RLock.class, PriorityLock.class,
            Semaphore.class, Event.class, Channel.class, Condition.class, PriorityCondition.class);

    /** Where the sample paths are (the reports some calls write): JUnit deletes it, so no run leaves files in /tmp. */
    @TempDir
    static java.nio.file.Path dir;

    /** A failed run, made outside the probe's own simulation, for the calls that take one ({@link Shrinking}). */
    private static final SimResult<?> FAILED = Simulation.run(1, () -> {
        throw new AssertionError("sample");
    });

    @Test
    void everyPublicCallRejectsNullNamingTheCallAndArgumentOrDocumentsIt() {
        List<String> problems = new ArrayList<>();
        Set<String> acceptedNullable = new TreeSet<>();
        Set<String> probed = new TreeSet<>();
        SimResult<Integer> traced = Simulation.builder().trace(true).run(() -> 1);
        Simulation.builder().strategy(Strategy.fifo()).run(() -> TaskGroup.with(tg -> {
            for (Class<?> c : STATIC_API) {
                for (Method m : c.getMethods()) {
                    if (Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() == c && !m.getName().equals("run")) {
                        probe(null, m, c.getSimpleName() + "." + m.getName(), problems, acceptedNullable, probed);
                    }
                }
            }
            for (Method m : Simulation.Builder.class.getMethods()) {
                if (!m.getName().equals("run")) {
                    probe(Simulation.builder(), m, "Simulation.Builder." + m.getName(), problems, acceptedNullable, probed);
                }
            }
            for (Class<?> c : CONSTRUCTED) {
                for (Constructor<?> k : c.getConstructors()) {
                    probe(null, k, c.getSimpleName(), problems, acceptedNullable, probed);
                }
            }
            List<Object> instances = List.of(Exploration.of(() -> 1), BoundedSearch.upTo(1), tg, new Lock(), new RLock(), new PriorityLock(),
                    new Semaphore(1), new Event(), new Channel<>(1), new Condition(new Lock()),
                    new PriorityCondition(new PriorityLock()), tg.spawn(() -> 1), traced, TaskOptions.defaults(),
                    PersistentTaskGroup.open("probed"));
            for (Object o : instances) {
                Class<?> api = publicType(o.getClass());
                for (Method m : api.getMethods()) {
                    if (!Modifier.isStatic(m.getModifiers()) && isOurs(m.getDeclaringClass())) {
                        probe(o, m, api.getSimpleName() + "." + m.getName(), problems, acceptedNullable, probed);
                    }
                }
            }
            Supervisor.with(sup -> {
                for (Method m : Supervisor.class.getMethods()) {
                    if (!Modifier.isStatic(m.getModifiers()) && isOurs(m.getDeclaringClass())) {
                        probe(sup, m, "Supervisor." + m.getName(), problems, acceptedNullable, probed);
                    }
                }
                return null;
            });
            for (PersistentTaskGroup g : PersistentTaskGroup.all()) {
                g.shutdown();
            }
            return null;
        }));
        // the entry points that start a loop of their own, outside any loop
        for (Class<?> c : List.of(Loop.class, CancelScope.class, Simulation.class)) {
            for (Method m : c.getMethods()) {
                if (Modifier.isStatic(m.getModifiers()) && m.getName().equals("run")) {
                    probe(null, m, c.getSimpleName() + ".run", problems, acceptedNullable, probed);
                }
            }
        }
        for (Method m : Simulation.Builder.class.getMethods()) {
            if (m.getName().equals("run")) {
                probe(Simulation.builder(), m, "Simulation.Builder.run", problems, acceptedNullable, probed);
            }
        }
        assertThat(probed).as("the probe reaches every kind of entry point").contains("Loop.sleep(Duration)#0",
                "CancelScope.shielded(ThrowingSupplier)#0", "TaskGroup.spawn(ThrowingRunnable)#0",
                "Simulation.Builder.replay(String)#0", "Simulation.run(long,ThrowingSupplier)#1",
                "Exploration.of(ThrowingSupplier)#0", "Channel.send(Object)#0", "Condition(Lock)#0",
                "BoundedSearch.ran(SimResult)#0", "Shrinking.outcome(SimResult,Function,int,Duration)#0");
        assertThat(problems).isEmpty();
        assertThat(acceptedNullable).as("every documented nullable argument was probed and accepted")
                .containsExactlyInAnyOrderElementsOf(NULLABLE);
    }

    private static void probe(Object target, Executable e, String call, List<String> problems, Set<String> acceptedNullable,
            Set<String> probed) {
        Class<?>[] types = e.getParameterTypes();
        if (e.getName().equals("equals") && types.length == 1 && types[0] == Object.class) {
            return; // Object's contract: equals(null) is false, not an error
        }
        for (int i = 0; i < types.length; i++) {
            if (types[i].isPrimitive()) {
                continue;
            }
            Object[] args = new Object[types.length];
            for (int j = 0; j < types.length; j++) {
                args[j] = j == i ? null : sample(types[j]);
            }
            String key = call + signature(types) + "#" + i;
            probed.add(key);
            Throwable thrown = invoke(target, e, args);
            if (NULLABLE.contains(key)) {
                if (thrown == null) {
                    acceptedNullable.add(key);
                } else {
                    problems.add(key + " is documented as nullable but threw " + thrown);
                }
            } else if (!(thrown instanceof NullPointerException)
                    || thrown.getMessage() == null || !thrown.getMessage().matches(java.util.regex.Pattern.quote(call) + ": \\w+")) {
                problems.add(key + " with null: expected NullPointerException(\"" + call + ": <argument>\"), got "
                        + (thrown == null ? "no exception" : thrown));
            }
        }
    }

    private static Throwable invoke(Object target, Executable e, Object[] args) {
        try {
            if (e instanceof Method m) {
                m.invoke(target, args);
            } else {
                ((Constructor<?>) e).newInstance(args);
            }
            return null;
        } catch (InvocationTargetException ite) {
            return ite.getCause();
        } catch (ReflectiveOperationException roe) {
            throw new AssertionError(e + " could not be called", roe);
        }
    }

    private static boolean isOurs(Class<?> c) {
        return c.getPackageName().startsWith("dev.simloop");
    }

    /** The public type a user calls through: the class itself, or the API interface of an internal one. */
    private static Class<?> publicType(Class<?> c) {
        if (!c.getPackageName().endsWith(".internal") && Modifier.isPublic(c.getModifiers())) {
            return c;
        }
        for (Class<?> i : c.getInterfaces()) {
            if (isOurs(i) && !i.getPackageName().endsWith(".internal") && Modifier.isPublic(i.getModifiers())) {
                return i;
            }
        }
        throw new AssertionError(c + " has no public API type");
    }

    private static String signature(Class<?>[] types) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < types.length; i++) {
            b.append(i == 0 ? "" : ",").append(types[i].getSimpleName());
        }
        return b.append(')').toString();
    }

    /** A valid, harmless argument of type {@code c}. */
    private static Object sample(Class<?> c) {
        if (c == int.class) {
            return 1;
        } else if (c == long.class) {
            return 1L;
        } else if (c == boolean.class) {
            return false;
        } else if (c == Duration.class) {
            return Duration.ofMillis(1);
        } else if (c == String.class) {
            return "x";
        } else if (c == ThrowingSupplier.class) {
            return (ThrowingSupplier<Object>) () -> null;
        } else if (c == ThrowingRunnable.class) {
            return (ThrowingRunnable) () -> { };
        } else if (c == ThrowingFunction.class) {
            return (ThrowingFunction<Object, Object>) x -> null;
        } else if (c == TaskGroup.Startable.class) {
            return (TaskGroup.Startable<Object>) status -> status.started(null);
        } else if (c == Strategy.class) {
            return Strategy.fifo();
        } else if (c == Schedule.class) {
            return Schedule.fifo();
        } else if (c == PriorityPolicy.class) {
            return PriorityPolicy.standard();
        } else if (c == List.class) {
            return List.of(0);
        } else if (c == int[].class) {
            return new int[0];
        } else if (c == Lock.class) {
            return new Lock();
        } else if (c == PriorityLock.class) {
            return new PriorityLock();
        } else if (c == TaskOptions.class) {
            return TaskOptions.defaults();
        } else if (c == Timer.DelayPolicy.class) {
            return Timer.DelayPolicy.ACCUMULATE;
        } else if (c == FailureHandler.class) {
            return (FailureHandler) (task, failure) -> { };
        } else if (c == Workers.WorkerBody.class) {
            return (Workers.WorkerBody) index -> null;
        } else if (c == java.util.Map.class) {
            return java.util.Map.of();
        } else if (c == java.util.function.Function.class) {
            return (java.util.function.Function<Object, Object>) key -> null;
        } else if (c == Shard.class) {
            return Shard.of(1, 2);
        } else if (c == SimResult.class) {
            return FAILED;
        } else if (c == Throwable.class) {
            return new AssertionError("sample");
        } else if (c == Object.class) {
            return "value";
        } else if (c == java.nio.file.Path.class) {
            try {
                return java.nio.file.Files.createTempFile(dir, "null-arguments", ".html");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        throw new AssertionError("no sample argument of " + c + ": add one");
    }
}
