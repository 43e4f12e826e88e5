package dev.simloop.agent;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.lang.classfile.Opcode;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.constant.DynamicCallSiteDesc;
import java.lang.constant.MethodHandleDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.Map;
import java.util.Set;

/**
 * The rewriting itself, on the JDK's {@code java.lang.classfile} API: every call to a clock, a
 * sleep or a timed park becomes a call to the bridge with the same descriptor (all are
 * static), so the stack and the locals are untouched and only the call's target changes; a method
 * reference to one ({@code System::nanoTime}, a lambda factory's method handle) is sent to the
 * bridge the same way
 * ({@code TimeUnit.sleep} is reached through {@code TimeUnit}, which calls {@code Thread.sleep}). {@code CompletableFuture}'s
 * time-out arrangement gets a prologue that lets the bridge arrange it on the loop clock, and
 * {@code StructuredTaskScope}'s {@code ForkJoinPool.schedule} call for its time-out goes to the bridge.
 *
 * <p>Which classes are rewritten is {@link #isUserClass} (at load time) and {@link #JDK_CLASSES}
 * (retransformed at start-up); a class with none of the calls in its constant pool is left as it
 * is, byte for byte.
 */
final class CallSiteRewriter {
    static final ClassDesc BRIDGE = ClassDesc.of("dev.simloop.agent.bridge.VirtualTimeBridge");

    /**
     * The JDK classes whose timed waits loop on {@code System.nanoTime()} and park with a time-out
     * (or sleep) in the waiting thread itself, with their nested classes: retransformed at start-up.
     */
    static final Set<String> JDK_CLASSES = Set.of(
            "java/util/concurrent/locks/AbstractQueuedSynchronizer",
            "java/util/concurrent/locks/AbstractQueuedLongSynchronizer",
            "java/util/concurrent/locks/StampedLock",
            "java/util/concurrent/FutureTask",
            "java/util/concurrent/CompletableFuture",
            "java/util/concurrent/LinkedTransferQueue",
            "java/util/concurrent/SynchronousQueue",
            "java/util/concurrent/Exchanger",
            "java/util/concurrent/Phaser",
            "java/util/concurrent/CyclicBarrier",
            "java/util/concurrent/TimeUnit",
            "java/util/concurrent/ForkJoinTask",
            "java/util/concurrent/AbstractExecutorService",
            "java/util/concurrent/ThreadPerTaskExecutor",
            "java/util/concurrent/ScheduledThreadPoolExecutor", // its delays count System.nanoTime()
            "java/util/concurrent/StructuredTaskScopeImpl",
            "java/time/LocalDate",
            "java/time/LocalTime",
            "java/time/LocalDateTime",
            "java/time/ZonedDateTime",
            "java/time/OffsetDateTime",
            "java/time/OffsetTime",
            "java/time/Year",
            "java/time/YearMonth",
            "java/time/MonthDay",
            "java/time/chrono/Chronology", // dateNow() and dateNow(zone), default methods
            "java/time/chrono/IsoChronology",
            "java/time/chrono/JapaneseChronology",
            "java/time/chrono/HijrahChronology",
            "java/time/chrono/MinguoChronology",
            "java/time/chrono/ThaiBuddhistChronology",
            "java/time/chrono/JapaneseDate",
            "java/time/chrono/HijrahDate",
            "java/time/chrono/MinguoDate",
            "java/time/chrono/ThaiBuddhistDate",
            "java/time/Clock", // tickMillis(zone) and the other tick clocks wrap system(zone), called in Clock
            "java/util/Date",
            "java/util/Calendar",
            "java/util/GregorianCalendar",
            "sun/util/locale/provider/CalendarProviderImpl"); // Calendar.getInstance() builds one at currentTimeMillis()

    /** A rewritten call: the bridge method it goes to instead. */
    record Redirect(String name, MethodTypeDesc type) {
    }

    private record Call(String owner, String name, String descriptor) {
    }

    private static final ClassDesc DURATION = ClassDesc.of("java.time.Duration");
    private static final ClassDesc INSTANT = ClassDesc.of("java.time.Instant");
    private static final ClassDesc CLOCK = ClassDesc.of("java.time.Clock");
    private static final ClassDesc RUNNABLE = ClassDesc.of("java.lang.Runnable");
    private static final ClassDesc J = ConstantDescs.CD_long;
    private static final ClassDesc V = ConstantDescs.CD_void;
    private static final ClassDesc OBJECT = ConstantDescs.CD_Object;

    private static final Map<Call, Redirect> CALLS = Map.ofEntries(
            call("java/lang/System", "nanoTime", "nanoTime", MethodTypeDesc.of(J)),
            call("java/lang/System", "currentTimeMillis", "currentTimeMillis", MethodTypeDesc.of(J)),
            call("java/time/Instant", "now", "instantNow", MethodTypeDesc.of(INSTANT)),
            call("java/time/Clock", "systemUTC", "systemUTC", MethodTypeDesc.of(CLOCK)),
            call("java/time/InstantSource", "system", "instantSourceSystem",
                    MethodTypeDesc.of(ClassDesc.of("java.time.InstantSource"))),
            call("java/time/Clock", "systemDefaultZone", "systemDefaultZone", MethodTypeDesc.of(CLOCK)),
            call("java/time/Clock", "system", "system", MethodTypeDesc.of(CLOCK, ClassDesc.of("java.time.ZoneId"))),
            call("java/lang/Thread", "sleep", "sleep", MethodTypeDesc.of(V, J)),
            call("java/lang/Thread", "sleep", "sleep", MethodTypeDesc.of(V, J, ConstantDescs.CD_int)),
            call("java/lang/Thread", "sleep", "sleep", MethodTypeDesc.of(V, DURATION)),
            call("java/util/concurrent/locks/LockSupport", "parkNanos", "parkNanos", MethodTypeDesc.of(V, J)),
            call("java/util/concurrent/locks/LockSupport", "parkNanos", "parkNanos", MethodTypeDesc.of(V, OBJECT, J)),
            call("java/util/concurrent/locks/LockSupport", "parkUntil", "parkUntil", MethodTypeDesc.of(V, J)),
            call("java/util/concurrent/locks/LockSupport", "parkUntil", "parkUntil", MethodTypeDesc.of(V, OBJECT, J)));

    /** The owners of {@link #CALLS}, for the quick look at a constant pool. */
    private static final Set<String> OWNERS = Set.of("java/lang/System", "java/time/Instant", "java/time/Clock",
            "java/time/InstantSource", "java/lang/Thread", "java/util/concurrent/locks/LockSupport");

    /**
     * {@code LinkedTransferQueue}'s waits (and {@code SynchronousQueue}'s, which are its) spin with
     * {@code Thread.onSpinWait()} through the last microsecond of a time-out, re-reading the clock:
     * the loop clock, which stands still while a task runs. In that class only, the call goes to the
     * bridge, which lets the loop clock move.
     */
    private static final String SPIN_OWNER = "java/util/concurrent/LinkedTransferQueue";
    private static final Call ON_SPIN_WAIT = new Call("java/lang/Thread", "onSpinWait", "()V");
    private static final Redirect SPIN_ON_THE_LOOP_CLOCK = new Redirect("onSpinWait", MethodTypeDesc.of(V));

    private static final String TIMEOUT_OWNER = "java/util/concurrent/CompletableFuture";
    private static final String TIMEOUT_METHOD = "arrangeTimeout";

    /**
     * {@code StructuredTaskScope} (JDK 25) arms its time-out with
     * {@code ForkJoinPool.commonPool().schedule(..)}: in that class only, the call goes to the
     * bridge, which arms it on the loop clock in a simulated task.
     */
    private static final String SCOPE_OWNER = "java/util/concurrent/StructuredTaskScopeImpl";
    private static final ClassDesc POOL = ClassDesc.of("java.util.concurrent.ForkJoinPool");
    private static final ClassDesc TIME_UNIT = ClassDesc.of("java.util.concurrent.TimeUnit");
    private static final MethodTypeDesc POOL_SCHEDULE_TYPE = MethodTypeDesc.of(
            ClassDesc.of("java.util.concurrent.ScheduledFuture"), RUNNABLE, J, TIME_UNIT);
    private static final Call POOL_SCHEDULE = new Call("java/util/concurrent/ForkJoinPool", "schedule",
            POOL_SCHEDULE_TYPE.descriptorString());
    private static final Redirect SCOPE_TIMEOUT = new Redirect("schedule",
            POOL_SCHEDULE_TYPE.insertParameterTypes(0, POOL));

    private static Map.Entry<Call, Redirect> call(String owner, String name, String bridgeName, MethodTypeDesc type) {
        return Map.entry(new Call(owner, name, type.descriptorString()), new Redirect(bridgeName, type));
    }

    private CallSiteRewriter() {
    }

    /**
     * Whether the agent rewrites a class loaded by {@code loader} at load time: everything that is
     * not the JDK (the boot and platform loaders' classes, and {@code java.}, {@code javax.},
     * {@code jdk.}, {@code sun.}, {@code com.sun.} packages wherever they come from) and not
     * simloop's own runtime, JUnit extension, jqwik support and agent ({@code dev.simloop},
     * {@code dev.simloop.sync}, {@code dev.simloop.internal}, {@code dev.simloop.junit},
     * {@code dev.simloop.jqwik}, {@code dev.simloop.agent} and below), which must keep reading
     * the real clock.
     *
     * @param internalName the class's name with slashes
     * @param loader its defining loader (null: the boot loader)
     */
    static boolean isUserClass(String internalName, ClassLoader loader) {
        if (internalName == null || loader == null || loader == ClassLoader.getPlatformClassLoader()) {
            return false;
        }
        for (String jdk : new String[] {"java/", "javax/", "jdk/", "sun/", "com/sun/"}) {
            if (internalName.startsWith(jdk)) {
                return false;
            }
        }
        return !isSimloopOwn(internalName);
    }

    private static boolean isSimloopOwn(String n) {
        if (!n.startsWith("dev/simloop/")) {
            return false;
        }
        String rest = n.substring("dev/simloop/".length());
        return rest.indexOf('/') < 0 // dev.simloop itself: the API
                || rest.startsWith("sync/") || rest.startsWith("internal/") || rest.startsWith("junit/")
                || rest.startsWith("jqwik/") || rest.startsWith("agent/");
    }

    /** @return whether {@code internalName} is one of {@link #JDK_CLASSES} or nested in one */
    static boolean isRewrittenJdkClass(String internalName) {
        if (internalName == null) {
            return false;
        }
        int dollar = internalName.indexOf('$');
        return JDK_CLASSES.contains(dollar < 0 ? internalName : internalName.substring(0, dollar));
    }

    /**
     * @param classBytes a class file
     * @param loader where to look up the classes its stack maps mention (null: the boot loader's)
     * @return the rewritten class file, or null when nothing in it is rewritten
     */
    static byte[] rewrite(byte[] classBytes, ClassLoader loader) {
        ClassModel model = ClassFile.of().parse(classBytes);
        boolean timeoutPrologue = model.thisClass().asInternalName().equals(TIMEOUT_OWNER);
        boolean scope = model.thisClass().asInternalName().equals(SCOPE_OWNER);
        boolean spins = isSpinOwner(model.thisClass().asInternalName());
        Map<Call, Redirect> inherited = inheritedCalls(model, loader);
        if (!mentionsACall(model) && !timeoutPrologue && !scope && inherited.isEmpty()) {
            return null;
        }
        ClassHierarchyResolver resolver = loader == null ? ClassHierarchyResolver.defaultResolver()
                : ClassHierarchyResolver.ofResourceParsing(loader).orElse(ClassHierarchyResolver.defaultResolver());
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(resolver.cached()));
        ClassTransform transform = (b, e) -> {
            if (e instanceof MethodModel m && timeoutPrologue && isArrangeTimeout(m)) {
                b.transformMethod(m, MethodTransform.transformingCode(
                        new TimeoutPrologue().andThen(CallSiteRewriter::redirect)));
            } else if (e instanceof MethodModel m && m.code().isPresent() && scope && SCOPE_SCHEDULE.in(m)) {
                b.transformMethod(m, MethodTransform.transformingCode(SCOPE_SCHEDULE::redirect));
            } else if (e instanceof MethodModel m && m.code().isPresent() && spins && (callsAny(m) || SPIN.in(m))) {
                b.transformMethod(m, MethodTransform.transformingCode(CallSiteRewriter::redirectSpin));
            } else if (e instanceof MethodModel m && m.code().isPresent() && inherited.isEmpty() && callsAny(m)) {
                b.transformMethod(m, MethodTransform.transformingCode(CallSiteRewriter::redirect));
            } else if (e instanceof MethodModel m && m.code().isPresent() && (callsAny(m) || callsAny(m, inherited))) {
                b.transformMethod(m, MethodTransform.transformingCode((cb, ce) -> {
                    Redirect r = ce instanceof InvokeInstruction i && i.opcode() == Opcode.INVOKESTATIC
                            ? inherited.get(callOf(i.method())) : null;
                    if (r == null) {
                        redirect(cb, ce);
                    } else {
                        cb.invokestatic(BRIDGE, r.name(), r.type());
                    }
                }));
            } else {
                b.with(e);
            }
        };
        return cf.transformClass(model, transform);
    }

    /**
     * The classes whose static methods in {@link #CALLS} a subclass inherits, and may be called
     * through: {@code Thread}'s sleeps, {@code Clock}'s {@code systemUTC()},
     * {@code systemDefaultZone()} and {@code system(zone)}.
     */
    private static final Set<String> INHERITED_FROM = Set.of("java/lang/Thread", "java/time/Clock");

    /**
     * The descriptors of the calls of {@link #CALLS} that {@link #INHERITED_FROM} lists the owner of, by
     * name: looked up for every method reference of every class the agent sees, so without building a key.
     */
    private static final Map<String, Set<String>> INHERITABLE = CALLS.keySet().stream()
            .filter(c -> INHERITED_FROM.contains(c.owner()))
            .collect(java.util.stream.Collectors.groupingBy(Call::name,
                    java.util.stream.Collectors.mapping(Call::descriptor, java.util.stream.Collectors.toUnmodifiableSet())));

    /** How many superclasses {@link #inheritedFrom} walks up at most before it gives up. */
    private static final int MAX_SUPERCLASSES = 64;

    /**
     * A call of an inherited static method names the class it was called through as its owner: an
     * unqualified {@code sleep(..)} in a subclass of {@code Thread}, or one in a subclass of that,
     * names that class ({@code invokestatic Poller.sleep}), and so does {@code Poller.sleep(..)}
     * anywhere; the same for {@code systemUTC()} and the other system clocks in a subclass of
     * {@code Clock}. {@link #CALLS} does not list such an owner: the owner's superclasses are read
     * (from {@code loader}'s class files) up to {@code Thread} or {@code Clock}, and the call is that
     * class's unless a class on the way declares a method of the same name and type itself.
     *
     * @param loader where to read the owners' class files (null: the boot loader's)
     * @return the calls in {@code model}'s constant pool that are calls of {@link #CALLS} through a
     *     subclass, with where they go; empty for a class that makes none
     */
    private static Map<Call, Redirect> inheritedCalls(ClassModel model, ClassLoader loader) {
        Map<Call, Redirect> out = new java.util.HashMap<>();
        for (PoolEntry e : model.constantPool()) { // only those it calls: a class that calls none stays as it is
            if (e instanceof MemberRefEntry ref && inheritable(ref) && !OWNERS.contains(ref.owner().asInternalName())) {
                Call call = callOf(ref);
                Redirect to = inheritedFrom(call, model, loader);
                if (to != null) {
                    out.put(call, to);
                }
            }
        }
        return out;
    }

    /** @return whether {@code ref} has the name and type of a call of {@link #CALLS} that a subclass inherits */
    private static boolean inheritable(MemberRefEntry ref) {
        Set<String> descriptors = INHERITABLE.get(ref.name().stringValue());
        return descriptors != null && descriptors.contains(ref.type().stringValue());
    }

    /**
     * @return where {@code call}, made through a subclass, goes: null when its owner is no subclass of
     *     {@link #INHERITED_FROM}, a class on the way declares the method, or a class file on the way
     *     cannot be read (the call then stays as it is)
     */
    private static Redirect inheritedFrom(Call call, ClassModel self, ClassLoader loader) {
        String c = call.owner();
        try {
            for (int i = 0; i < MAX_SUPERCLASSES && !c.equals("java/lang/Object"); i++) {
                if (INHERITED_FROM.contains(c)) {
                    return CALLS.get(new Call(c, call.name(), call.descriptor()));
                }
                ClassModel m = c.equals(self.thisClass().asInternalName()) ? self : classModel(c, loader);
                if (m == null || m.superclass().isEmpty() || declares(m, call)) {
                    return null;
                }
                c = m.superclass().get().asInternalName();
            }
        } catch (IllegalArgumentException malformed) {
            // a class file that cannot be parsed: the call stays as it is
        }
        return null;
    }

    /** @return whether {@code m} declares a method of {@code call}'s name and type (it hides the inherited one) */
    private static boolean declares(ClassModel m, Call call) {
        return m.methods().stream().anyMatch(d -> d.methodName().equalsString(call.name())
                && d.methodType().equalsString(call.descriptor()));
    }

    /** @return the class file of {@code internalName} as {@code loader} finds it, or null */
    private static ClassModel classModel(String internalName, ClassLoader loader) {
        String resource = internalName + ".class";
        try (java.io.InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                : loader.getResourceAsStream(resource)) {
            return in == null ? null : ClassFile.of().parse(in.readAllBytes());
        } catch (java.io.IOException unreadable) {
            return null;
        }
    }

    private static Call callOf(MemberRefEntry ref) {
        return new Call(ref.owner().asInternalName(), ref.name().stringValue(), ref.type().stringValue());
    }

    private static boolean callsAny(MethodModel m, Map<Call, Redirect> calls) {
        return m.code().get().elementStream().anyMatch(e -> e instanceof InvokeInstruction i
                && i.opcode() == Opcode.INVOKESTATIC && calls.containsKey(callOf(i.method())));
    }

    /** Looks only at the constant pool: is any rewritten call there at all? */
    static boolean mentionsACall(ClassModel model) {
        for (PoolEntry e : model.constantPool()) {
            if (e instanceof MemberRefEntry ref && OWNERS.contains(ref.owner().asInternalName())
                    && redirectFor(ref) != null) {
                return true;
            }
        }
        return false;
    }

    private static boolean callsAny(MethodModel m) {
        return m.code().get().elementStream().anyMatch(e -> (e instanceof InvokeInstruction i && redirectFor(i) != null)
                || (e instanceof InvokeDynamicInstruction d && redirectedMethodReference(d) != null));
    }

    private static void redirect(CodeBuilder b, CodeElement e) {
        if (e instanceof InvokeDynamicInstruction d) {
            DynamicCallSiteDesc site = redirectedMethodReference(d);
            if (site != null) {
                b.invokedynamic(site);
                return;
            }
        }
        Redirect r = e instanceof InvokeInstruction i ? redirectFor(i) : null;
        if (r == null) {
            b.with(e);
        } else {
            b.invokestatic(BRIDGE, r.name(), r.type());
        }
    }

    private static final ClassDesc LAMBDA_METAFACTORY = ClassDesc.of("java.lang.invoke.LambdaMetafactory");

    /**
     * A method reference to a rewritten call ({@code LongSupplier clock = System::nanoTime},
     * {@code Thread::sleep}) is an {@code invokedynamic} of the lambda factory whose arguments hold a
     * handle to the method, not a call instruction: the handle goes to the bridge method instead,
     * which has the same type.
     *
     * @return the call site with its handle redirected, or null when it has none to redirect
     */
    static DynamicCallSiteDesc redirectedMethodReference(InvokeDynamicInstruction d) {
        DirectMethodHandleDesc bootstrap = d.bootstrapMethod();
        if (!bootstrap.owner().equals(LAMBDA_METAFACTORY)) {
            return null;
        }
        ConstantDesc[] args = d.bootstrapArgs().toArray(ConstantDesc[]::new);
        if (bootstrap.methodName().equals("altMetafactory") && args.length > 3 && args[3] instanceof Integer flags
                && (flags & java.lang.invoke.LambdaMetafactory.FLAG_SERIALIZABLE) != 0) {
            // a serializable one names its method in its serial form, which $deserializeLambda$ checks
            return null;
        }
        boolean redirected = false;
        for (int k = 0; k < args.length; k++) {
            if (args[k] instanceof DirectMethodHandleDesc h && (h.kind() == DirectMethodHandleDesc.Kind.STATIC
                    || h.kind() == DirectMethodHandleDesc.Kind.INTERFACE_STATIC)) {
                String owner = h.owner().descriptorString();
                Redirect r = CALLS.get(new Call(owner.substring(1, owner.length() - 1), h.methodName(),
                        h.lookupDescriptor()));
                if (r != null) {
                    args[k] = MethodHandleDesc.ofMethod(DirectMethodHandleDesc.Kind.STATIC, BRIDGE, r.name(), r.type());
                    redirected = true;
                }
            }
        }
        return redirected ? DynamicCallSiteDesc.of(bootstrap, d.name().stringValue(), d.typeSymbol(), args) : null;
    }

    /** @return whether {@code internalName} is {@link #SPIN_OWNER} or nested in it */
    private static boolean isSpinOwner(String internalName) {
        return internalName.equals(SPIN_OWNER) || internalName.startsWith(SPIN_OWNER + "$");
    }

    /**
     * A call rewritten in one JDK class only ({@link #SPIN_OWNER}'s {@code Thread.onSpinWait()},
     * {@link #SCOPE_OWNER}'s pool {@code schedule}): which instruction, and the bridge method it goes to.
     */
    private record OneClassCall(Opcode opcode, Call call, Redirect to) {
        boolean matches(InvokeInstruction i) {
            MemberRefEntry ref = i.method();
            return i.opcode() == opcode && call.equals(new Call(ref.owner().asInternalName(), ref.name().stringValue(),
                    ref.type().stringValue()));
        }

        /** @return whether {@code m} makes the call */
        boolean in(MethodModel m) {
            return m.code().get().elementStream().anyMatch(e -> e instanceof InvokeInstruction i && matches(i));
        }

        /** Sends this call, and the usual ones ({@link #redirect}), to the bridge. */
        void redirect(CodeBuilder b, CodeElement e) {
            if (e instanceof InvokeInstruction i && matches(i)) {
                b.invokestatic(BRIDGE, to.name(), to.type()); // a receiver becomes the first argument
            } else {
                CallSiteRewriter.redirect(b, e);
            }
        }
    }

    private static final OneClassCall SPIN = new OneClassCall(Opcode.INVOKESTATIC, ON_SPIN_WAIT, SPIN_ON_THE_LOOP_CLOCK);

    /**
     * {@code LinkedTransferQueue.DualNode.await}'s {@code SPIN_FOR_TIMEOUT_THRESHOLD} (a compile-time
     * constant, so a literal in its code): under it a timed wait spins instead of parking for what is
     * left of its time-out. In {@link #SPIN_OWNER} the literal becomes a call to the bridge, which
     * answers 0 in a simulated task, so that the wait parks for exactly what is left (one loop timer)
     * instead of spinning through it a virtual nanosecond at a time (a step each), and the literal
     * elsewhere.
     */
    private static final long SPIN_FOR_TIMEOUT_THRESHOLD = 1L << 10;

    /** {@link #SPIN}'s redirect, and {@link #SPIN_FOR_TIMEOUT_THRESHOLD}'s literal to the bridge. */
    private static void redirectSpin(CodeBuilder b, CodeElement e) {
        if (e instanceof ConstantInstruction c && c.opcode() == Opcode.LDC2_W
                && Long.valueOf(SPIN_FOR_TIMEOUT_THRESHOLD).equals(c.constantValue())) {
            b.invokestatic(BRIDGE, "spinForTimeoutThreshold", MethodTypeDesc.of(J));
        } else {
            SPIN.redirect(b, e);
        }
    }
    private static final OneClassCall SCOPE_SCHEDULE = new OneClassCall(Opcode.INVOKEVIRTUAL, POOL_SCHEDULE, SCOPE_TIMEOUT);

    /** @return where a call goes instead, or null when it is not rewritten */
    static Redirect redirectFor(InvokeInstruction i) {
        return i.opcode() == Opcode.INVOKESTATIC ? redirectFor(i.method()) : null;
    }

    private static Redirect redirectFor(MemberRefEntry ref) {
        return CALLS.get(new Call(ref.owner().asInternalName(), ref.name().stringValue(), ref.type().stringValue()));
    }

    private static boolean isArrangeTimeout(MethodModel m) {
        return m.methodName().equalsString(TIMEOUT_METHOD);
    }

    /**
     * {@code CompletableFuture.arrangeTimeout(long nanoDelay, Timeout onTimeout)} begins with
     * {@code if (VirtualTimeBridge.arrangeTimeout(this, nanoDelay, onTimeout)) return;}.
     */
    private static final class TimeoutPrologue implements CodeTransform {
        @Override
        public void atStart(CodeBuilder b) {
            Label jdkWay = b.newLabel();
            b.aload(0).lload(1).aload(3)
                    .invokestatic(BRIDGE, "arrangeTimeout", MethodTypeDesc.of(ConstantDescs.CD_boolean, OBJECT, J,
                            RUNNABLE))
                    .ifeq(jdkWay)
                    .return_()
                    .labelBinding(jdkWay);
        }

        @Override
        public void accept(CodeBuilder b, CodeElement e) {
            b.with(e);
        }
    }
}
