package dev.simloop.internal;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.util.Properties;

/**
 * Tells, without starting the JDK's logging, when the lifecycle logger ({@link TaskLog}) certainly
 * says no to DEBUG. Asking {@code System.getLogger(..).isLoggable(DEBUG)} in a JVM whose logging
 * nobody has used yet starts {@code java.util.logging}, which took 25–35 ms here: the largest
 * single piece of a fresh JVM's first simulation (issue 15). The JDK answers the same question for
 * its own loggers the same way: while {@code java.util.logging} is the backend with no custom
 * configuration and has not been started, its {@code BootstrapLogger} logs at INFO without starting
 * it. The answer here is "certainly off" only when all of these hold, and otherwise the logger is
 * asked as before:
 *
 * <ul>
 *   <li>{@code java.util.logging}'s {@code LogManager} has not been initialized (once it has, asking
 *       costs nothing, and a program that set levels by code has initialized it);</li>
 *   <li>no {@code System.LoggerFinder} of the user's is installed (a {@code META-INF/services} entry
 *       on the class path, in a jar its jars' manifests add, or a module of the boot layer that
 *       {@code provides} one), and the system class loader is the JDK's own;</li>
 *   <li>the {@code java.logging} module is there (without it the JDK's simple console logger answers,
 *       at no cost), and neither {@code java.util.logging.config.file} nor {@code .config.class} is set;</li>
 *   <li>the JDK's default configuration ({@code conf/logging.properties} in {@code java.home}) names
 *       no configuration class and sets none of the levels {@code dev.simloop.tasks} inherits from
 *       ({@code dev.simloop.tasks}, {@code dev.simloop}, {@code dev}, the root) to FINE (DEBUG) or
 *       finer.</li>
 * </ul>
 *
 * The module, the finders and the default configuration do not change while a JVM runs, so they are
 * read once. The two properties, and whether {@code LogManager} has started, are read at each
 * question (a program may set or start them between two runs); once it has started, the logger is
 * always asked.
 */
final class LoggingAtDefaults {
    /** {@code System.LoggerFinder}'s binary name, as service files and module descriptors name it. */
    private static final String FINDER = "java.lang.System$LoggerFinder";
    /** The names whose {@code .level} decides the level of {@value TaskLog#NAME}, nearest first. */
    private static final String[] LEVEL_KEYS = {TaskLog.NAME + ".level", "dev.simloop.level", "dev.level", ".level"};
    /** {@code java.util.logging.Level.FINE}'s value, to which DEBUG maps. */
    private static final int FINE = 500;

    /** Whether the configuration parts hold (read once; false when anything could not be read). */
    private static final boolean CONFIGURED_AT_DEFAULTS = configuredAtDefaults();
    /** Set once {@code LogManager} has been seen initialized: from then on the logger is asked. */
    private static volatile boolean logManagerStarted;

    private LoggingAtDefaults() {
    }

    /** @return true only when the lifecycle logger certainly does not take DEBUG (see the class comment) */
    static boolean debugCertainlyOff() {
        if (!CONFIGURED_AT_DEFAULTS || logManagerStarted) {
            return false;
        }
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return false; // set after the first look: the configuration it names decides
        }
        if (UninitializedClasses.logManagerInitialized()) {
            logManagerStarted = true;
            return false;
        }
        return true;
    }

    private static boolean configuredAtDefaults() {
        try {
            return UninitializedClasses.AVAILABLE
                    && ModuleLayer.boot().findModule("java.logging").isPresent()
                    && !userLoggerFinder()
                    && !defaultConfigurationMayEnableDebug();
        } catch (IOException | RuntimeException e) {
            return false; // could not tell: ask the logger, as always
        }
    }

    /**
     * Looks where the JDK's {@code ServiceLoader} would find a {@code System.LoggerFinder} for the
     * system class loader: the modules of the boot layer, and the class path (with the jars its jars'
     * manifests add). Not through {@code ClassLoader.getResources}, which would search the JDK's own
     * image as well (about 12 ms to open it in a fresh JVM); the JDK's modules declare their
     * services in their descriptors, which the first loop reads.
     *
     * @return whether one may be installed (true also when the class path is not the JDK's own loader's)
     */
    private static boolean userLoggerFinder() throws IOException {
        for (Module m : ModuleLayer.boot().modules()) {
            for (ModuleDescriptor.Provides p : m.getDescriptor().provides()) {
                if (p.service().equals(FINDER)) {
                    return true;
                }
            }
        }
        if (!ClassLoader.getSystemClassLoader().getClass().getName().startsWith("jdk.internal.loader.")) {
            return true; // -Djava.system.class.loader: a loader of the user's, which may find anything
        }
        String path = System.getProperty("java.class.path", "");
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && mayProvideFinder(new File(entry), 0)) {
                return true;
            }
        }
        return false;
    }

    /** Service file that names {@code System.LoggerFinder} providers. */
    private static final String SERVICE_FILE = "META-INF/services/" + FINDER;

    /** @return whether the class-path entry {@code f} (at manifest depth {@code depth}) may hold a finder's service file */
    private static boolean mayProvideFinder(File f, int depth) throws IOException {
        if (f.isDirectory()) {
            return new File(f, SERVICE_FILE).exists();
        }
        if (!f.isFile()) {
            return false; // the class loader skips it too
        }
        if (depth > 4) {
            return true; // manifests that chain this deep: do not follow, ask the logger
        }
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(f)) {
            if (jar.getEntry(SERVICE_FILE) != null) {
                return true;
            }
            java.util.jar.Manifest mf = jar.getManifest();
            String more = mf == null ? null : mf.getMainAttributes().getValue(java.util.jar.Attributes.Name.CLASS_PATH);
            if (more != null) {
                for (String url : more.strip().split("\\s+")) {
                    if (url.isEmpty()) {
                        continue;
                    }
                    File next = manifestEntry(f, url);
                    if (next == null || mayProvideFinder(next, depth + 1)) {
                        return true; // null: cannot tell where it points, so ask the logger
                    }
                }
            }
        }
        return false;
    }

    /** @return the file a jar's manifest {@code Class-Path} entry (a relative or {@code file:} URL) names, or null */
    private static File manifestEntry(File jar, String url) {
        try {
            return new File(jar.getAbsoluteFile().getParentFile().toURI().resolve(url));
        } catch (RuntimeException e) {
            return null; // not a file URL, or not one we can read
        }
    }

    private static boolean defaultConfigurationMayEnableDebug() throws IOException {
        File file = new File(System.getProperty("java.home"), "conf" + File.separator + "logging.properties");
        if (!file.isFile()) {
            return false; // no configuration: java.util.logging's root level is INFO
        }
        Properties p = new Properties();
        try (InputStream in = new FileInputStream(file)) {
            p.load(in);
        }
        if (p.getProperty("config") != null) {
            return true; // a configuration class runs when logging starts, and may set any level
        }
        for (String key : LEVEL_KEYS) {
            String level = p.getProperty(key);
            if (level != null) {
                return finerThanInfo(level.strip());
            }
        }
        return false;
    }

    /** @return whether a {@code java.util.logging} level name or number lets FINE through (unknown names: yes) */
    static boolean finerThanInfo(String level) {
        return switch (level) {
            case "OFF", "SEVERE", "WARNING", "INFO", "CONFIG" -> false;
            case "FINE", "FINER", "FINEST", "ALL" -> true;
            default -> {
                try {
                    yield Integer.parseInt(level) <= FINE;
                } catch (NumberFormatException e) {
                    yield true; // a name we do not know: let the logger decide
                }
            }
        };
    }
}
