package dev.simloop.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * The simloop agent: with it, code running in a task of a simloop simulation reads the simulation's
 * virtual clock ({@code System.nanoTime()}, {@code System.currentTimeMillis()},
 * {@code Instant.now()}, {@code Clock.systemUTC()}) and waits on it ({@code Thread.sleep},
 * {@code LockSupport.parkNanos}, and the JDK's timed locks, conditions, latches, queues and
 * futures); everywhere else time stays real. Add it with
 * {@code -javaagent:path/to/simloop-agent.jar} (see docs/virtual-time.md).
 *
 * <p>At start-up it puts the bridge class (the one thing JDK code may call) on the boot class path,
 * lets {@code java.base} read it, rewrites the JDK classes that wait with a time-out, and from then
 * on rewrites every user class as it is loaded. The simloop runtime finds the bridge and connects
 * to it by itself; neither depends on the other.
 */
public final class SimloopAgent {
    private static final String BRIDGE_PACKAGE = "dev/simloop/agent/bridge/";
    private static final String BRIDGE_CLASS = "dev.simloop.agent.bridge.VirtualTimeBridge";
    /** The system property that, {@code true}, prints one line on standard error per rewritten class. */
    private static final String VERBOSE_PROPERTY = "simloop.agent.verbose";
    /** {@code -Dsimloop.agent.verbose=true}: one line on standard error per rewritten class. */
    private static final boolean VERBOSE = Boolean.getBoolean(VERBOSE_PROPERTY);

    /** The agent jar's module name, when it is (wrongly) resolved on the module path. */
    static final String MODULE_NAME = "dev.simloop.agent";

    private SimloopAgent() {
    }

    /**
     * The agent's entry point, run by the JVM before {@code main} ({@code -javaagent}).
     *
     * @param args the agent's options: there are none, so any given is an error
     * @param inst the JVM's instrumentation
     * @throws Exception when the agent cannot install itself, or was given options or a
     *     {@code -Dsimloop.agent.verbose} other than {@code true} or {@code false} (the JVM then does not start)
     */
    public static void premain(String args, Instrumentation inst) throws Exception {
        checkOptions(args, System.getProperty(VERBOSE_PROPERTY));
        if (!inst.isRetransformClassesSupported()) {
            throw new IllegalStateException("simloop-agent needs a JVM that can retransform classes");
        }
        if (ModuleLayer.boot().findModule(MODULE_NAME).isPresent()) {
            // the application's loader would then give rewritten code that module's copy of the bridge,
            // which the runtime never connects to (and which a named module of the user's cannot read)
            throw new IllegalStateException("simloop-agent's jar is also on the module path, resolved as module "
                    + MODULE_NAME + " (--add-modules " + MODULE_NAME + " or ALL-MODULE-PATH): code the agent"
                    + " rewrites would call that module's copy of its bridge, which the runtime does not see. Give"
                    + " the jar to -javaagent only and leave it off the module path (docs/virtual-time.md,"
                    + " \"Adding the agent\").");
        }
        Module bridge = installBridge(inst);
        inst.redefineModule(Object.class.getModule(), Set.of(bridge), Map.of(), Map.of(), Set.of(), Map.of());
        CallSiteRewriter.rewrite(SimloopAgent.class.getResourceAsStream("SimloopAgent.class").readAllBytes(),
                null); // loads the class-file API before any class is transformed by it
        loadJdkClasses(); // then each is rewritten once, by retransformation
        inst.addTransformer(new Transformer(inst, bridge), true);
        retransformJdkClasses(inst);
    }

    /**
     * Fails for options the agent would otherwise ignore unseen: {@code -javaagent:simloop-agent.jar=verbose}
     * reads nothing, and {@code -Dsimloop.agent.verbose=yes} would be read as false.
     *
     * @param args the text after the jar's {@code =}, or null
     * @param verbose the {@code simloop.agent.verbose} property, or null
     */
    static void checkOptions(String args, String verbose) {
        if (args != null && !args.isEmpty()) {
            throw new IllegalArgumentException("simloop-agent takes no options, but was given '" + args + "' (after"
                    + " the '=' of -javaagent:simloop-agent.jar=" + args + "): give the jar alone; -D" + VERBOSE_PROPERTY
                    + "=true prints a line per class it rewrites");
        }
        if (verbose != null && !verbose.equalsIgnoreCase("true") && !verbose.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("-D" + VERBOSE_PROPERTY + "=" + verbose + ": write true or false");
        }
    }

    /**
     * Puts the bridge's classes, and only those, on the boot class path: a small jar written next to
     * the JVM's temporary files (the agent's other classes stay with the loader that loaded this one).
     *
     * @return the bridge's module (the boot loader's unnamed module)
     */
    private static Module installBridge(Instrumentation inst) throws IOException, ClassNotFoundException {
        Path jar = Files.createTempFile("simloop-agent-bridge", ".jar");
        jar.toFile().deleteOnExit();
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            for (String entry : bridgeClassFiles()) {
                j.putNextEntry(new JarEntry(entry));
                try (InputStream in = SimloopAgent.class.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(j);
                }
                j.closeEntry();
            }
        }
        inst.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
        return Class.forName(BRIDGE_CLASS, true, null).getModule();
    }

    /** @return the class files of the bridge package in the agent's own jar (or class directory, in its tests) */
    static List<String> bridgeClassFiles() throws IOException {
        Path where;
        try {
            where = Path.of(SimloopAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the simloop agent's jar", e);
        }
        List<String> entries = new ArrayList<>();
        if (Files.isDirectory(where)) {
            try (var files = Files.list(where.resolve(BRIDGE_PACKAGE))) {
                files.forEach(f -> entries.add(BRIDGE_PACKAGE + f.getFileName()));
            }
        } else {
            try (JarFile self = new JarFile(where.toFile())) {
                self.stream().map(JarEntry::getName)
                        .filter(n -> n.startsWith(BRIDGE_PACKAGE) && n.endsWith(".class")
                                && n.indexOf('/', BRIDGE_PACKAGE.length()) < 0)
                        .forEach(entries::add);
            }
        }
        entries.sort(null);
        return entries;
    }

    private static void loadJdkClasses() {
        for (String name : CallSiteRewriter.JDK_CLASSES) {
            try {
                Class.forName(name.replace('/', '.'), false, null);
            } catch (ClassNotFoundException notInThisJdk) {
                // a later JDK may have dropped a class; the others are still rewritten
            }
        }
    }

    private static void retransformJdkClasses(Instrumentation inst) throws UnmodifiableClassException {
        List<Class<?>> targets = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (CallSiteRewriter.isRewrittenJdkClass(c.getName().replace('.', '/')) && inst.isModifiableClass(c)) {
                targets.add(c);
            }
        }
        inst.retransformClasses(targets.toArray(Class<?>[]::new));
    }

    /**
     * Rewrites user classes as they load, and the listed JDK classes when retransformed (or loaded
     * later). A class it cannot rewrite is left as it was, with one line on standard error.
     */
    private static final class Transformer implements ClassFileTransformer {
        private final Instrumentation inst;
        private final Module bridge;
        /** Guards against rewriting triggered by the rewriting itself (its resolver reads classes). */
        private final ThreadLocal<Boolean> busy = new ThreadLocal<>();

        Transformer(Instrumentation inst, Module bridge) {
            this.inst = inst;
            this.bridge = bridge;
        }

        @Override
        public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                ProtectionDomain domain, byte[] bytes) {
            boolean jdk = CallSiteRewriter.isRewrittenJdkClass(className) && loader == null;
            if ((!jdk && !CallSiteRewriter.isUserClass(className, loader)) || busy.get() != null) {
                return null;
            }
            busy.set(Boolean.TRUE);
            try {
                byte[] out = CallSiteRewriter.rewrite(bytes, loader);
                if (out != null && VERBOSE) {
                    System.err.println("simloop-agent: rewrote " + className.replace('/', '.'));
                }
                if (out != null && module.isNamed() && !module.canRead(bridge)) {
                    inst.redefineModule(module, Set.of(bridge), Map.of(), Map.of(), Set.of(), Map.of());
                }
                return out;
            } catch (RuntimeException | LinkageError e) {
                System.err.println("simloop-agent: left " + className.replace('/', '.')
                        + " as it was (its timed calls read real time): " + e);
                return null;
            } finally {
                busy.remove();
            }
        }
    }
}
