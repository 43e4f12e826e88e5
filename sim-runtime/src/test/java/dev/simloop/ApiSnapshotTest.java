package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.apicheck.ApiSnapshot;
import dev.simloop.apicheck.DocComments;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The published API of dev.simloop.runtime (module descriptor, and every public or protected type
 * and member of dev.simloop and dev.simloop.sync) is the checked-in snapshot; a change to it is a
 * reviewed change of that file (the failure says how to rewrite it).
 */
class ApiSnapshotTest {
    private static final ApiSnapshot API = ApiSnapshot.of(Simulation.class);

    @Test
    void theApiIsTheCheckedInSnapshot() {
        API.check(Path.of("src/test/resources/api/dev.simloop.runtime.txt"), "sim-runtime");
    }

    @Test
    void everyApiTypeHasADocComment() {
        assertThat(DocComments.undocumentedTypes(API, Path.of("src/main/java"))).isEmpty();
    }
}
