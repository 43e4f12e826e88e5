package dev.simloop.apicheck;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePathScanner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Which API types lack a Javadoc comment. The javadoc run of the build has doclint's
 * {@code missing} group off (it would also demand a main description and {@code @param} and
 * {@code @return} on every member), so this check keeps the one rule of that group that the
 * project holds to: every public or protected type of an exported package has a doc comment.
 */
public final class DocComments {
    private DocComments() {
    }

    /**
     * @param api the module's API (its types are checked)
     * @param sourceRoot the module's main sources, e.g. {@code src/main/java}
     * @return the binary names of the API types whose declaration has no doc comment, sorted
     */
    public static List<String> undocumentedTypes(ApiSnapshot api, Path sourceRoot) {
        Set<String> documented = documentedTypes(api, sourceRoot);
        return api.types().stream().map(Class::getName).filter(n -> !documented.contains(n)).sorted().toList();
    }

    /** The binary names of the types declared in the API packages' sources that have a doc comment. */
    private static Set<String> documentedTypes(ApiSnapshot api, Path sourceRoot) {
        List<Path> files = new ArrayList<>();
        api.descriptor().exports().forEach(e -> {
            try (Stream<Path> s = Files.list(sourceRoot.resolve(e.source().replace('.', '/')))) {
                s.filter(f -> f.getFileName().toString().endsWith(".java")).forEach(files::add);
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        });
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Set<String> out = new HashSet<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            JavacTask task = (JavacTask) javac.getTask(null, fm, null, List.of("-proc:none"), null,
                    fm.getJavaFileObjectsFromPaths(files));
            DocTrees trees = DocTrees.instance(task);
            for (CompilationUnitTree unit : task.parse()) {
                String pkg = unit.getPackageName() == null ? "" : unit.getPackageName() + ".";
                new TreePathScanner<Void, Void>() {
                    private final Deque<String> enclosing = new ArrayDeque<>();

                    @Override
                    public Void visitClass(ClassTree c, Void unused) {
                        String simple = c.getSimpleName().toString();
                        if (simple.isEmpty()) {
                            return null; // an anonymous class: not API, and nothing in it is
                        }
                        String name = enclosing.isEmpty() ? pkg + simple : enclosing.peek() + "$" + simple;
                        if (trees.getDocCommentTree(getCurrentPath()) != null) {
                            out.add(name);
                        }
                        enclosing.push(name);
                        try {
                            return super.visitClass(c, unused);
                        } finally {
                            enclosing.pop();
                        }
                    }
                }.scan(unit, null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
