package dev.simloop.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.apicheck.ApiSnapshot;
import dev.simloop.apicheck.DocComments;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The published API of dev.simloop.junit (module descriptor, and every public or protected type
 * and member of dev.simloop.junit) is the checked-in snapshot; a change to it is a reviewed change
 * of that file (the failure says how to rewrite it).
 */
class ApiSnapshotTest {
    private static final ApiSnapshot API = ApiSnapshot.of(SimulatedLoop.class);

    @Test
    void theApiIsTheCheckedInSnapshot() {
        API.check(Path.of("src/test/resources/api/dev.simloop.junit.txt"), "junit-extension");
    }

    @Test
    void everyApiTypeHasADocComment() {
        assertThat(DocComments.undocumentedTypes(API, Path.of("src/main/java"))).isEmpty();
    }

    @Test
    void theModuleExportsOnlyItsPackageAndOpensItOnlyToJUnit() {
        ModuleDescriptor d = API.descriptor();
        assertThat(d.name()).isEqualTo("dev.simloop.junit");
        assertThat(d.exports()).singleElement().hasToString("dev.simloop.junit");
        assertThat(d.opens()).singleElement().hasToString("dev.simloop.junit to [org.junit.platform.commons]");
        assertThat(d.requires().stream().filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
                .map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("dev.simloop.runtime", "org.junit.jupiter.api");
    }
}
