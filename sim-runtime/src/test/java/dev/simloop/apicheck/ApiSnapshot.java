package dev.simloop.apicheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of one of simloop's published modules, as text lines in a stable order: the module's
 * descriptor (what it requires, exports, opens and provides), then every public or protected type
 * of its exported packages with every public or protected constructor, method and field, each on
 * one line (modifiers, generic signature, runtime-visible annotations such as {@code @Deprecated},
 * constant values, annotation defaults). Public members that a public type inherits from a
 * non-public class of the module (the locks' {@code isLocked()}) are listed under that type.
 *
 * <p>{@link #check} compares the lines with a checked-in file and fails with the added and removed
 * lines; with {@code -D}{@value #UPDATE_PROPERTY}{@code =true} it rewrites the file instead.
 */
public final class ApiSnapshot {
    /** The system property that makes {@link #check} rewrite the checked-in file. */
    public static final String UPDATE_PROPERTY = "simloop.updateApiSnapshot";

    private final ModuleDescriptor descriptor;
    private final Path classes;
    private final List<Class<?>> types;

    private ApiSnapshot(Path classes) {
        this.classes = classes;
        // found rather than read from module-info.class alone, so that packages() lists them all
        this.descriptor = ModuleFinder.of(classes).findAll().stream().findFirst().orElseThrow(
                () -> new IllegalStateException("no module-info.class in " + classes)).descriptor();
        this.types = loadApiTypes();
    }

    /**
     * @param anyClass a class of the module (its class-path location is the module's compiled classes)
     * @return the API of the module {@code anyClass} belongs to
     */
    public static ApiSnapshot of(Class<?> anyClass) {
        return new ApiSnapshot(classesDir(anyClass));
    }

    /**
     * @param anyClass a class compiled into a module's output directory
     * @return that directory (target/classes), where module-info.class is
     */
    public static Path classesDir(Class<?> anyClass) {
        try {
            return Path.of(anyClass.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the module's descriptor, from its compiled module-info.class and the packages beside it */
    public ModuleDescriptor descriptor() {
        return descriptor;
    }

    /** @return the public and protected types of the exported packages, nested ones included */
    public List<Class<?>> types() {
        return types;
    }

    /**
     * @return the API as lines: the module's (sorted), then each type's (by name), its own line
     *     first and its members' after it, sorted
     */
    public List<String> lines() {
        List<String> out = new ArrayList<>(moduleLines());
        List<Class<?>> byName = new ArrayList<>(types);
        byName.sort(java.util.Comparator.comparing(Class::getName));
        for (Class<?> t : byName) {
            out.add(t.getName() + " : " + annotations(t) + typeLine(t));
            Set<String> members = new TreeSet<>();
            for (Member m : members(t)) {
                members.add(t.getName() + " : " + annotations((AnnotatedElement) m) + memberLine(m));
            }
            out.addAll(members);
        }
        return List.copyOf(out);
    }

    private Set<String> moduleLines() {
        Set<String> out = new TreeSet<>();
        ModuleDescriptor d = descriptor;
        out.add("module " + d.name() + (d.isOpen() ? " (open)" : ""));
        d.requires().forEach(r -> out.add("module " + d.name() + " requires " + names(r.modifiers()) + r.name()));
        d.exports().forEach(e -> out.add("module " + d.name() + " exports " + e.source()
                + (e.isQualified() ? " to " + String.join(", ", new TreeSet<>(e.targets())) : "")));
        d.opens().forEach(o -> out.add("module " + d.name() + " opens " + o.source()
                + (o.isQualified() ? " to " + String.join(", ", new TreeSet<>(o.targets())) : "")));
        d.provides().forEach(p -> out.add("module " + d.name() + " provides " + p.service() + " with "
                + String.join(", ", p.providers())));
        d.uses().forEach(u -> out.add("module " + d.name() + " uses " + u));
        return out;
    }

    /**
     * Compares {@link #lines()} with {@code snapshotFile} (relative to the module directory, where
     * the tests run), or rewrites the file when {@value #UPDATE_PROPERTY} is true.
     *
     * @param snapshotFile e.g. {@code src/test/resources/api/dev.simloop.runtime.txt}
     * @param moduleDir the module's directory in the build, e.g. {@code sim-runtime}, for the message
     * @throws AssertionError when they differ, listing the added and removed lines and how to update
     */
    public void check(Path snapshotFile, String moduleDir) {
        List<String> now = lines();
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            write(snapshotFile, now);
            System.out.println("API snapshot written: " + snapshotFile.toAbsolutePath() + " (" + now.size()
                    + " lines); review it with git diff and commit it");
            return;
        }
        List<String> before;
        try {
            before = Files.exists(snapshotFile) ? Files.readAllLines(snapshotFile, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> old = new LinkedHashSet<>(before);
        Set<String> current = new LinkedHashSet<>(now);
        List<String> added = now.stream().filter(l -> !old.contains(l)).toList();
        List<String> removed = before.stream().filter(l -> !current.contains(l)).toList();
        if (added.isEmpty() && removed.isEmpty()) {
            return;
        }
        StringBuilder msg = new StringBuilder("The public API of module " + descriptor.name()
                + " differs from the checked-in snapshot " + moduleDir + "/" + snapshotFile + ".\n");
        if (!removed.isEmpty()) {
            msg.append("\nRemoved or changed (in the file, not in the code):\n");
            removed.forEach(l -> msg.append("  - ").append(l).append('\n'));
        }
        if (!added.isEmpty()) {
            msg.append("\nAdded or changed (in the code, not in the file):\n");
            added.forEach(l -> msg.append("  + ").append(l).append('\n'));
        }
        msg.append("\nIf the change is intended, rewrite the file and commit it with the change:\n")
                .append("  mvn -B verify -D").append(UPDATE_PROPERTY).append("=true\n")
                .append("(or only this module's snapshot: mvn -B -pl ").append(moduleDir)
                .append(" -am verify -Dtest=ApiSnapshotTest -Dsurefire.failIfNoSpecifiedTests=false -D")
                .append(UPDATE_PROPERTY).append("=true)\n")
                .append("then review it with: git diff ").append(moduleDir).append("/").append(snapshotFile)
                .append("\nA removed or changed line breaks users of the published API: keep a deprecated form "
                        + "for a release where you can.");
        throw new AssertionError(msg.toString());
    }

    private static void write(Path file, List<String> lines) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Class<?>> loadApiTypes() {
        Set<String> exported = descriptor.exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        List<Class<?>> out = new ArrayList<>();
        ClassLoader loader = ApiSnapshot.class.getClassLoader();
        for (String pkg : new TreeSet<>(exported)) {
            Path dir = classes.resolve(pkg.replace('.', '/'));
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(f -> f.getFileName().toString().endsWith(".class")).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (Path f : files) {
                String simple = f.getFileName().toString().replaceFirst("\\.class$", "");
                if (simple.equals("package-info")) {
                    continue;
                }
                Class<?> c;
                try {
                    c = Class.forName(pkg + "." + simple, false, loader);
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
                if (isApi(c)) {
                    out.add(c);
                }
            }
        }
        return List.copyOf(out);
    }

    /** Public or protected, and so is every enclosing type; no anonymous, local or synthetic class. */
    private static boolean isApi(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (k.isAnonymousClass() || k.isLocalClass() || k.isSynthetic() || !visible(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private boolean isApiType(Class<?> c) {
        return types.contains(c);
    }

    /**
     * The members of {@code t} that are API: its own public and protected ones, and those it
     * inherits from superclasses and interfaces of the module that are not API types themselves.
     */
    private List<Member> members(Class<?> t) {
        List<Member> out = new ArrayList<>();
        for (Constructor<?> k : t.getDeclaredConstructors()) {
            if (visible(k.getModifiers()) && !k.isSynthetic()) {
                out.add(k);
            }
        }
        Set<String> seen = new HashSet<>();
        for (Class<?> c : hierarchy(t)) {
            if (c != t && (isApiType(c) || !descriptor.packages().contains(c.getPackageName()))) {
                continue; // listed under its own name, or another module's API
            }
            for (Method m : c.getDeclaredMethods()) {
                if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()
                        && seen.add(m.getName() + Arrays.toString(m.getParameterTypes()))) {
                    out.add(m);
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (visible(f.getModifiers()) && !f.isSynthetic() && seen.add(f.getName())) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    /** {@code t}, then its superclasses and all its interfaces, nearest first. */
    private static List<Class<?>> hierarchy(Class<?> t) {
        Set<Class<?>> out = new LinkedHashSet<>();
        List<Class<?>> queue = new ArrayList<>(List.of(t));
        while (!queue.isEmpty()) {
            Class<?> c = queue.removeFirst();
            if (out.add(c)) {
                if (c.getSuperclass() != null) {
                    queue.add(c.getSuperclass());
                }
                queue.addAll(List.of(c.getInterfaces()));
            }
        }
        return List.copyOf(out);
    }

    private static String typeLine(Class<?> t) {
        StringBuilder sb = new StringBuilder(t.toGenericString());
        if (t.isSealed()) {
            sb.append(" permits ").append(Arrays.stream(t.getPermittedSubclasses()).map(Class::getName).sorted()
                    .collect(Collectors.joining(", ")));
        }
        Type sup = t.getGenericSuperclass();
        if (sup != null && sup != Object.class && !t.isEnum() && !t.isRecord()) {
            sb.append(" extends ").append(sup.getTypeName());
        }
        Type[] ifaces = t.getGenericInterfaces();
        if (ifaces.length > 0 && !t.isAnnotation()) {
            sb.append(t.isInterface() ? " extends " : " implements ").append(Arrays.stream(ifaces)
                    .map(Type::getTypeName).collect(Collectors.joining(", ")));
        }
        return sb.toString();
    }

    private static String memberLine(Member m) {
        if (m instanceof Field f) {
            String s = "field " + f.toGenericString();
            int mod = f.getModifiers();
            if (Modifier.isStatic(mod) && Modifier.isFinal(mod)
                    && (f.getType().isPrimitive() || f.getType() == String.class)) {
                try {
                    Object v = f.get(null);
                    s += " = " + (v instanceof String str ? '"' + str + '"' : v);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
            return s;
        }
        Executable e = (Executable) m;
        String s = (e instanceof Constructor ? "constructor " : "method ") + e.toGenericString();
        if (e instanceof Method method && method.getDefaultValue() != null) {
            s += " default " + value(method.getDefaultValue());
        }
        return s;
    }

    private static String value(Object v) {
        if (v instanceof Object[] a) {
            return Arrays.stream(a).map(ApiSnapshot::value).collect(Collectors.joining(", ", "{", "}"));
        }
        if (v.getClass().isArray()) {
            return Arrays.deepToString(new Object[] {v});
        }
        if (v instanceof Class<?> c) {
            return c.getName() + ".class";
        }
        if (v instanceof String s) {
            return '"' + s + '"';
        }
        return String.valueOf(v);
    }

    private static String annotations(AnnotatedElement e) {
        StringBuilder sb = new StringBuilder();
        for (Annotation a : e.getDeclaredAnnotations()) {
            sb.append(a).append(' ');
        }
        return sb.toString();
    }

    private static String names(Set<? extends Enum<?>> modifiers) {
        return modifiers.stream().map(m -> m.name().toLowerCase(java.util.Locale.ROOT) + " ").sorted()
                .collect(Collectors.joining());
    }
}
