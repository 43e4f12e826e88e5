package dev.simloop.junit;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Fresh test state for one schedule: new instances of the test class and its enclosing classes
 * (outermost first), and their {@code @BeforeEach} and {@code @AfterEach} methods.
 *
 * <p>Why a class of its own: looking up the lifecycle methods and constructors is reflection over
 * the class hierarchy, which costs far more than a schedule of a small test. It is done once per
 * test invocation, here, and each schedule only calls what was found. Methods and constructors that
 * take no parameters JUnit would resolve are called directly; the others go through JUnit's
 * {@link ExtensionContext#getExecutableInvoker()}, which resolves them (a {@code TestInfo}, a
 * parameter resolver's value) as JUnit would.
 */
final class FreshInstances {
    private final ExtensionContext context;
    /**
     * The classes of the chain, found at the first {@link #create()}; null before. Volatile, and
     * written after {@link #perClass}: the workers of a parallel exploration read both at every
     * schedule without a lock (a lock they all took at every schedule made them wait for each other).
     */
    private volatile List<Level> levels;
    /** A {@code PER_CLASS} test's own instances, which it keeps; null for a {@code PER_METHOD} test. Published by {@link #levels}. */
    private List<Object> perClass;
    /**
     * The timeouts of the lifecycle methods that have one ({@link LifecycleTimeouts}), which JUnit
     * enforces on the first schedule only. Published by {@link #levels}.
     */
    private java.util.Map<Method, LifecycleTimeouts.Limit> timeouts = java.util.Map.of();

    /**
     * One class of the chain: how to make it, its lifecycle methods, and the fields JUnit's
     * extensions set on JUnit's own instance of it ({@code jupiter}), which each fresh instance gets.
     * A {@code PER_CLASS} enclosing class has no {@code constructor}: every schedule gets {@code jupiter}.
     */
    private record Level(Constructor<?> constructor, boolean inner, boolean direct, List<Method> beforeEach,
            List<Method> afterEach, List<Field> injected, Object jupiter) {
    }

    /**
     * @return the classes of {@code context}'s chain (the test class and its enclosing classes) that
     *     JUnit runs {@code PER_CLASS}: it keeps their one instance, and so must every schedule
     */
    static java.util.Set<Class<?>> perClassClasses(ExtensionContext context) {
        java.util.Set<Class<?>> kept = new java.util.HashSet<>();
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            ExtensionContext level = c.get();
            if (level.getTestClass().isPresent()
                    && level.getTestInstanceLifecycle().orElse(null) == TestInstance.Lifecycle.PER_CLASS) {
                kept.add(level.getTestClass().get());
            }
        }
        return kept;
    }

    /**
     * Fails, with the line to add, when a fresh instance could not get the fields JUnit's extensions
     * set ({@code @TempDir}, {@code @Parameter}): their package is not open to this module. For a
     * test of several schedules, before its first: else its later schedules would run without them.
     */
    void checkSettable() {
        if (context.getTestInstanceLifecycle().orElse(null) != TestInstance.Lifecycle.PER_CLASS) {
            notSettable(context.getRequiredTestInstances().getAllInstances());
        }
    }

    /**
     * The fields of JUnit's own instances (outermost first) that held a value before the first
     * schedule ran and that {@link #create()} does not copy: what a fresh instance must set up by
     * itself. Null unless {@link #noteSetFields()} was called. Written on the test thread before any
     * schedule runs, so the workers, started after, see it.
     */
    private List<List<Field>> setOnJUnits;
    /**
     * Those of {@link #setOnJUnits} that the first fresh instance set up left null, named for a
     * report ({@link #lacking()}); null until a fresh instance was set up.
     */
    private volatile List<String> lacking;

    /** Looks nothing up yet: a test whose schedules all run on JUnit's own instance never needs to. */
    FreshInstances(ExtensionContext context) {
        this.context = context;
    }

    /** @return the context of the test whose instances these are */
    ExtensionContext context() {
        return context;
    }

    /** Finds the constructors and lifecycle methods, once (the first caller; the others wait for it). */
    private synchronized void findOnce() {
        if (levels != null) {
            return;
        }
        List<Object> existing = context.getRequiredTestInstances().getAllInstances();
        java.util.Set<Class<?>> keptClasses = perClassClasses(context);
        boolean keep = context.getTestInstanceLifecycle().orElse(TestInstance.Lifecycle.PER_METHOD)
                == TestInstance.Lifecycle.PER_CLASS;
        List<Level> found = new ArrayList<>(existing.size());
        List<Object> made = new ArrayList<>(existing.size());
        boolean outer = false;
        for (Object old : existing) {
            Class<?> c = old.getClass();
            if (!keep && keptClasses.contains(c)) {
                // a PER_CLASS enclosing class of a @Nested test: JUnit gives every inner instance its one
                // instance (set up by its non-static @BeforeAll), so every schedule gets it too
                found.add(new Level(null, false, false,
                        AnnotationSupport.findAnnotatedMethods(c, BeforeEach.class, HierarchyTraversalMode.TOP_DOWN),
                        AnnotationSupport.findAnnotatedMethods(c, AfterEach.class, HierarchyTraversalMode.BOTTOM_UP),
                        List.of(), old));
                outer = true;
                continue;
            }
            made.add(old);
            Constructor<?> k = keep ? null : soleConstructor(c);
            Optional<String> factory = keep ? Optional.empty() : factory(c);
            if (factory.isPresent()) {
                // its constructor may resolve, but an instance made with it would lack what the factory
                // does (its arguments, fields it sets): each schedule after the first would test another object
                throw new IllegalStateException("@SimulatedLoop needs a fresh instance of " + c.getName() + " for each"
                        + " schedule after the first, and makes it with the class's constructor; but JUnit's own"
                        + " instance, which the first schedule ran on, was made by " + factory.get() + " which JUnit"
                        + " alone calls, so the later ones would not be made as it was. Keep that one instance for every"
                        + " schedule with @TestInstance(Lifecycle.PER_CLASS) (reset its state in @BeforeEach), or run"
                        + " one schedule.");
            }
            boolean inner = c.isMemberClass() && !Modifier.isStatic(c.getModifiers()) && outer;
            boolean direct = k != null && k.getParameterCount() == (inner ? 1 : 0) && k.trySetAccessible();
            found.add(new Level(k, inner, direct,
                    AnnotationSupport.findAnnotatedMethods(c, BeforeEach.class, HierarchyTraversalMode.TOP_DOWN),
                    AnnotationSupport.findAnnotatedMethods(c, AfterEach.class, HierarchyTraversalMode.BOTTOM_UP),
                    keep ? List.of() : injectedFields(c), old));
            outer = true;
        }
        if (!keep) {
            notSettable(made);
        }
        java.util.Map<Method, LifecycleTimeouts.Limit> limits = new java.util.HashMap<>();
        for (Level level : found) {
            for (List<Method> methods : List.of(level.beforeEach(), level.afterEach())) {
                for (Method m : methods) {
                    LifecycleTimeouts.Limit limit = LifecycleTimeouts.of(m, context::getConfigurationParameter);
                    if (limit != null) {
                        limits.put(m, limit);
                    }
                }
            }
        }
        timeouts = limits;
        perClass = keep ? existing : null;
        levels = found;
    }

    /**
     * Notes which fields of JUnit's own instances hold a value now, before the first schedule runs
     * (their constructors, {@code @BeforeEach} methods and other extensions' callbacks have run):
     * {@link #checkSet} then finds those a fresh instance lacks. For a test of several schedules; a
     * {@code PER_CLASS} test's schedules share its instances, so it notes nothing.
     */
    void noteSetFields() {
        if (context.getTestInstanceLifecycle().orElse(null) == TestInstance.Lifecycle.PER_CLASS) {
            return;
        }
        List<List<Field>> set = new ArrayList<>();
        for (Object junits : context.getRequiredTestInstances().getAllInstances()) {
            set.add(setFields(junits));
        }
        setOnJUnits = set;
    }

    /**
     * @return the instance fields of {@code instance} that hold a value, but not those that hold a
     *     primitive (never null), are final (its constructor sets them), or carry a JUnit annotation
     *     ({@link #create()} copies or makes them)
     */
    private static List<Field> setFields(Object instance) {
        List<Field> out = new ArrayList<>();
        for (Class<?> k = instance.getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                int mods = f.getModifiers();
                if (!Modifier.isStatic(mods) && !Modifier.isFinal(mods) && !f.getType().isPrimitive()
                        && !f.isSynthetic() && !byJUnit(f) && valueOf(f, instance) != null) {
                    out.add(f);
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * The first fresh instances set up ({@code chain}, from {@link #create()}, after their
     * {@code @BeforeEach} methods): notes which of the fields {@link #noteSetFields()} found set on
     * JUnit's instances they left null. Once per test: every fresh instance is made the same way.
     */
    void checkSet(List<Object> chain) {
        List<List<Field>> set = setOnJUnits;
        if (set == null || lacking != null) {
            return;
        }
        List<String> found = new ArrayList<>();
        for (int depth = 0; depth < set.size(); depth++) {
            for (Field f : set.get(depth)) {
                if (valueOf(f, chain.get(depth)) == null) {
                    found.add(describe(f));
                }
            }
        }
        lacking = List.copyOf(found);
    }

    /**
     * @return the fields, named with their annotations (e.g. {@code 'storage' (@Mock)}), that are set
     *     on JUnit's own instance but null on a fresh one after its set-up: set by another extension's
     *     callback, which JUnit runs for its own instance only; empty when there are none or no fresh
     *     instance was set up
     */
    List<String> lacking() {
        List<String> found = lacking;
        return found == null ? List.of() : found;
    }

    /** @return {@code f} as a report names it: {@code 'storage' (@Mock)}, its annotations by simple name */
    private static String describe(Field f) {
        java.util.StringJoiner annotations = new java.util.StringJoiner(" ", " (", ")").setEmptyValue("");
        for (java.lang.annotation.Annotation a : f.getAnnotations()) {
            annotations.add("@" + a.annotationType().getSimpleName());
        }
        return "'" + f.getName() + "'" + annotations;
    }

    /**
     * @return the value of {@code f} on {@code instance}: read directly when this module may open it,
     *     else through JUnit's support API, which reads as JUnit's module (a test module opens its
     *     packages to that one at least)
     */
    private static Object valueOf(Field f, Object instance) {
        if (f.trySetAccessible()) {
            try {
                return f.get(instance);
            } catch (IllegalAccessException e) {
                return null; // made accessible just now: not thrown
            }
        }
        return ReflectionSupport.tryToReadFieldValue(f, instance).toOptional().orElse(null);
    }

    /** @return new instances of the test class and its enclosing classes, outermost first (a PER_CLASS test's own) */
    List<Object> create() {
        List<Level> chain = levels();
        if (perClass != null) {
            return perClass;
        }
        List<Object> fresh = new ArrayList<>(chain.size());
        Object outer = null;
        try {
            for (Level level : chain) {
                if (level.constructor() == null) {
                    fresh.add(level.jupiter()); // a PER_CLASS enclosing class's own, which it keeps
                    outer = level.jupiter();
                    continue;
                }
                Object instance = level.inner() ? construct(level, outer) : construct(level);
                fresh.add(instance); // before its fields: a directory made for it is deleted if the next level fails
                for (Field f : level.injected()) {
                    if (isTempDir(f)) {
                        set(f, instance, newTempDir(f, instance));
                    } else {
                        copy(f, level.jupiter(), instance);
                    }
                }
                outer = instance;
            }
        } catch (RuntimeException | Error e) {
            discard(fresh, false);
            throw e;
        }
        return fresh;
    }

    /**
     * The temporary directories made for {@code @TempDir} fields of fresh instances, by instance:
     * each schedule gets empty ones of its own, as each JUnit test does, so that no schedule sees the
     * files of another and a schedule's replay starts as the schedule did. Removed by {@link #discard}.
     */
    private final java.util.Map<Object, List<java.nio.file.Path>> tempDirs = java.util.Collections.synchronizedMap(
            new java.util.IdentityHashMap<>());

    private static boolean isTempDir(Field f) {
        return f.isAnnotationPresent(org.junit.jupiter.api.io.TempDir.class)
                && (f.getType() == java.nio.file.Path.class || f.getType() == java.io.File.class);
    }

    private Object newTempDir(Field f, Object instance) {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("junit-simloop-");
            tempDirs.computeIfAbsent(instance, k -> new ArrayList<>()).add(dir);
            cleanupModes.put(dir, f.getAnnotation(org.junit.jupiter.api.io.TempDir.class).cleanup());
            return f.getType() == java.io.File.class ? dir.toFile() : dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("@SimulatedLoop could not make a temporary directory for the"
                    + " @TempDir field " + f + " of a fresh instance: " + e.getMessage(), e);
        }
    }

    /**
     * The schedule on {@code chain} (from {@link #create()}) has ended: deletes the temporary
     * directories made for it, as their {@code @TempDir}'s {@code cleanup} says (kept with
     * {@code NEVER}, and with {@code ON_SUCCESS} when the schedule failed).
     */
    void discard(List<Object> chain, boolean passed) {
        for (Object instance : chain) {
            List<java.nio.file.Path> dirs = tempDirs.remove(instance);
            if (dirs != null) {
                for (java.nio.file.Path dir : dirs) {
                    org.junit.jupiter.api.io.CleanupMode mode = cleanupModes.getOrDefault(dir,
                            org.junit.jupiter.api.io.CleanupMode.DEFAULT);
                    cleanupModes.remove(dir);
                    if (mode != org.junit.jupiter.api.io.CleanupMode.NEVER
                            && (mode != org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS || passed)) {
                        deleteTree(dir);
                    }
                }
            }
        }
    }

    /** The {@code cleanup} of the {@code @TempDir} each directory was made for. */
    private final java.util.Map<java.nio.file.Path, org.junit.jupiter.api.io.CleanupMode> cleanupModes =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static void deleteTree(java.nio.file.Path dir) {
        try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // best effort, as a temporary directory: what is left is in the system's temporary folder
        }
    }

    private static void set(Field f, Object to, Object value) {
        try {
            f.set(to, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("@SimulatedLoop could not set the field " + f + " of a fresh instance of"
                    + " the test class: " + e.getMessage(), e);
        }
    }

    /**
     * Throws, naming the fields and the {@code opens} line to add, when fields that JUnit's extensions
     * set on its own instances cannot be set on a fresh one: this module may not open them (a test
     * module that opens its package to {@code org.junit.platform.commons} only). JUnit's support API
     * reads fields through JUnit's module but sets none, so there is no other route; skipping them
     * would run the later schedules with {@code @TempDir} and {@code @Parameter} fields null or 0.
     */
    private static void notSettable(List<Object> instances) {
        List<String> fields = new ArrayList<>();
        java.util.Set<String> opens = new java.util.LinkedHashSet<>();
        java.util.Set<String> flags = new java.util.LinkedHashSet<>();
        Module self = FreshInstances.class.getModule();
        String target = self.isNamed() ? self.getName() : "ALL-UNNAMED";
        for (Object instance : instances) {
            for (Class<?> k = instance.getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (isInjected(f) && !f.trySetAccessible()) {
                        fields.add(k.getName() + "." + describe(f));
                        Module m = k.getModule();
                        String pkg = k.getPackageName();
                        opens.add(self.isNamed() ? "opens " + pkg + " to org.junit.platform.commons, " + self.getName()
                                + ";" : "opens " + pkg + ";");
                        flags.add("--add-opens " + (m.isNamed() ? m.getName() : "ALL-UNNAMED") + "/" + pkg + "="
                                + target);
                    }
                }
            }
        }
        if (!fields.isEmpty()) {
            Module m = instances.getLast().getClass().getModule();
            throw new IllegalStateException("@SimulatedLoop gives each schedule after the first a fresh instance of"
                    + " the test class, with the fields JUnit set on its own: " + String.join(", ", fields)
                    + ". It cannot set " + (fields.size() == 1 ? "that field" : "those fields") + ": module "
                    + (m.isNamed() ? m.getName() : "unnamed") + " does not open " + (opens.size() == 1 ? "its package"
                            : "their packages") + " to " + (self.isNamed() ? "module " + self.getName()
                                    : "the class path") + ". Add to its module-info.java: " + String.join(" ", opens)
                    + " (or the JVM flag " + String.join(" ", flags) + "; docs/setup.md, \"Modular test projects\")");
        }
    }

    /** @return whether a fresh instance gets {@code f}'s value from JUnit's instance, or a directory of its own */
    private static boolean isInjected(Field f) {
        return !Modifier.isStatic(f.getModifiers()) && !Modifier.isFinal(f.getModifiers()) && byJUnit(f)
                && autoClose(f) == null;
    }

    /** JUnit's {@code @AutoClose}, by name: it is missing before JUnit 5.11. */
    private static final String AUTO_CLOSE = "org.junit.jupiter.api.AutoClose";

    /**
     * @return the name of the method that closes the value of {@code f} when {@code f} is an instance
     *     field with {@code @AutoClose} ({@code "close"} unless it names another), else null. A fresh
     *     instance keeps the value its initializer gave such a field, which is its own resource, and
     *     {@link #autoClose(List)} closes it after the schedule, as JUnit closes its own instance's after the test.
     */
    private static String autoClose(Field f) {
        if (Modifier.isStatic(f.getModifiers())) {
            return null; // JUnit closes it after the class's tests, once
        }
        for (java.lang.annotation.Annotation a : f.getAnnotations()) {
            if (a.annotationType().getName().equals(AUTO_CLOSE)) {
                try {
                    return (String) a.annotationType().getMethod("value").invoke(a);
                } catch (ReflectiveOperationException e) {
                    return "close"; // the annotation's default
                }
            }
        }
        return null;
    }

    /**
     * Closes the {@code @AutoClose} fields of the fresh instances of {@code chain} (from {@link #create()}), innermost
     * instance first, as JUnit closes those of its own instances after a test; not those of a {@code PER_CLASS}
     * instance, which every schedule shares and JUnit closes.
     *
     * @throws Throwable what the first close threw, with what later ones threw as suppressed
     */
    void autoClose(List<Object> chain) throws Throwable {
        List<Level> chainLevels = levels();
        if (perClass != null) {
            return;
        }
        Throwable failure = null;
        for (int depth = chain.size() - 1; depth >= 0; depth--) {
            if (chainLevels.get(depth).constructor() == null) {
                continue; // a PER_CLASS enclosing class's own instance
            }
            Object instance = chain.get(depth);
            for (Class<?> k = instance.getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    String method = autoClose(f);
                    Object value = method == null ? null : valueOf(f, instance);
                    if (value != null) {
                        try {
                            ReflectionSupport.invokeMethod(ReflectionSupport.findMethod(value.getClass(), method)
                                    .orElseThrow(() -> new IllegalStateException("@AutoClose field " + f + " of a fresh"
                                            + " instance holds a " + value.getClass().getName() + ", which has no method "
                                            + method + "()")), value);
                        } catch (Throwable t) {
                            if (failure == null) {
                                failure = t;
                            } else {
                                failure.addSuppressed(t);
                            }
                        }
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * @return the instance fields of {@code c} and its superclasses that carry a JUnit annotation
     *     ({@code @TempDir}, a {@code @ParameterizedClass}'s {@code @Parameter}, ...): what JUnit's
     *     extensions set on the instance JUnit made, which a fresh instance would lack. A fresh
     *     instance gets a {@code @TempDir} of its own, and the others' values copied.
     */
    private static List<Field> injectedFields(Class<?> c) {
        List<Field> out = new ArrayList<>();
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (isInjected(f) && f.trySetAccessible()) { // the others fail the test: notSettable
                    out.add(f);
                }
            }
        }
        return List.copyOf(out);
    }

    private static boolean byJUnit(Field f) {
        for (java.lang.annotation.Annotation a : f.getAnnotations()) {
            if (a.annotationType().getName().startsWith("org.junit.")) {
                return true;
            }
        }
        return false;
    }

    private static void copy(Field f, Object from, Object to) {
        try {
            f.set(to, f.get(from));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("@SimulatedLoop could not copy the field " + f + " that JUnit set to a fresh"
                    + " instance of the test class: " + e.getMessage(), e);
        }
    }

    private Object construct(Level level, Object... args) {
        if (!level.direct()) {
            try {
                return args.length == 0 ? context.getExecutableInvoker().invoke(level.constructor())
                        : context.getExecutableInvoker().invoke(level.constructor(), args[0]);
            } catch (org.junit.jupiter.api.extension.ParameterResolutionException e) {
                // JUnit's own instance had them: another extension made it (a TestInstanceFactory)
                Class<?> c = level.constructor().getDeclaringClass();
                throw new IllegalStateException("@SimulatedLoop needs a fresh instance of " + c.getName() + " for each"
                        + " schedule after the first, and makes it with the class's constructor, its parameters resolved"
                        + " by JUnit; JUnit could not resolve them (" + e.getMessage() + "), so JUnit's own instance,"
                        + " which the first schedule ran on, was made otherwise" + madeBy(c) + ". Keep that one"
                        + " instance for every schedule with @TestInstance(Lifecycle.PER_CLASS) (reset its state in"
                        + " @BeforeEach), register a ParameterResolver for those parameters, or run one schedule.", e);
            }
        }
        try {
            return level.constructor().newInstance(args);
        } catch (InvocationTargetException e) {
            throw sneaky(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw sneaky(e);
        }
    }

    /** Runs the {@code @BeforeEach} methods of the instance at {@code depth} (0 = outermost), superclass first. */
    void beforeEach(int depth, Object instance) {
        for (Method m : levels().get(depth).beforeEach()) {
            invoke(m, instance);
        }
    }

    /** @return the {@code @AfterEach} methods of the instance at {@code depth}, subclass first */
    List<Method> afterEach(int depth) {
        return levels().get(depth).afterEach();
    }

    /** @return whether any level of the test's instances has an {@code @AfterEach} method */
    boolean hasAfterEach() {
        for (Level level : levels()) {
            if (!level.afterEach().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** @return the levels, found now if no {@link #create()} found them before */
    private List<Level> levels() {
        List<Level> found = levels;
        if (found == null) {
            findOnce();
            found = levels;
        }
        return found;
    }

    /**
     * Calls a lifecycle method on {@code instance}, within its timeout when it has one (JUnit
     * enforces it on the first schedule, whose lifecycle methods it calls itself); its exception is
     * thrown unchanged.
     */
    void invoke(Method m, Object instance) {
        levels(); // publishes the timeouts
        LifecycleTimeouts.Limit limit = timeouts.get(m);
        if (limit == null) {
            call(m, instance);
            return;
        }
        try {
            LifecycleTimeouts.run(m, limit, () -> call(m, instance));
        } catch (Throwable t) {
            throw sneaky(t);
        }
    }

    private void call(Method m, Object instance) {
        if (m.getParameterCount() == 0) {
            ReflectionSupport.invokeMethod(m, instance);
        } else {
            context.getExecutableInvoker().invoke(m, instance);
        }
    }

    private static Constructor<?> soleConstructor(Class<?> c) {
        Constructor<?>[] ks = c.getDeclaredConstructors();
        if (ks.length != 1) {
            throw new IllegalStateException("@SimulatedLoop needs a fresh instance of " + c.getName() + " for each"
                    + " schedule after the first, and makes it with the class's constructor, as JUnit does; but the"
                    + " class declares " + ks.length + " constructors, so JUnit's own instance was made otherwise"
                    + madeBy(c) + ". Keep that one instance for every schedule with"
                    + " @TestInstance(Lifecycle.PER_CLASS) (reset its state in @BeforeEach), or run one schedule.");
        }
        return ks[0];
    }

    /**
     * @return {@code " (by the TestInstanceFactory Factory, which @ExtendWith registers and which JUnit alone
     *     calls)"} when the {@code @ExtendWith} of {@code c} or of a class enclosing it names a
     *     {@code TestInstanceFactory}, else {@code " (by a TestInstanceFactory, say, which JUnit alone calls)"}
     */
    private static String madeBy(Class<?> c) {
        return " (by " + factory(c).orElse("a TestInstanceFactory, say,") + " which JUnit alone calls)";
    }

    /**
     * @return the {@code TestInstanceFactory} that makes JUnit's instances of {@code c}, as messages
     *     name it ({@code "the TestInstanceFactory Factory, which @ExtendWith registers and"}), when
     *     the {@code @ExtendWith} or a static {@code @RegisterExtension} field of {@code c} or of a
     *     class enclosing it registers one; else empty (one JUnit detects automatically is not seen)
     */
    private static Optional<String> factory(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            for (org.junit.jupiter.api.extension.ExtendWith e : AnnotationSupport.findRepeatableAnnotations(k,
                    org.junit.jupiter.api.extension.ExtendWith.class)) {
                for (Class<?> x : e.value()) {
                    if (org.junit.jupiter.api.extension.TestInstanceFactory.class.isAssignableFrom(x)) {
                        return Optional.of("the TestInstanceFactory " + x.getSimpleName() + ", which @ExtendWith"
                                + " registers and");
                    }
                }
            }
            for (Field f : AnnotationSupport.findAnnotatedFields(k, org.junit.jupiter.api.extension.RegisterExtension.class,
                    x -> Modifier.isStatic(x.getModifiers()))) {
                Object value = valueOf(f, null);
                if (org.junit.jupiter.api.extension.TestInstanceFactory.class.isAssignableFrom(f.getType())
                        || value instanceof org.junit.jupiter.api.extension.TestInstanceFactory) {
                    return Optional.of("the TestInstanceFactory in the field " + f.getName() + ", which"
                            + " @RegisterExtension registers and");
                }
            }
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked") // rethrows t unchanged: the cast to T is erased, so it never fails
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
