package dev.simloop.jqwik;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.apicheck.ApiSnapshot;
import dev.simloop.apicheck.DocComments;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import dev.simloop.jqwik.internal.ShrinkingKeepsTheFailure;
import dev.simloop.jqwik.internal.SimulatedLoopOnPropertyCheck;
import dev.simloop.jqwik.internal.TryReplays;
import net.jqwik.api.lifecycle.LifecycleHook;
import net.jqwik.api.providers.ArbitraryProvider;
import org.junit.jupiter.api.Test;

/**
 * The published API of dev.simloop.jqwik (module descriptor, and every public or protected type
 * and member of dev.simloop.jqwik) is the checked-in snapshot; a change to it is a reviewed change
 * of that file (the failure says how to rewrite it).
 */
class ApiSnapshotTest {
    private static final ApiSnapshot API = ApiSnapshot.of(Schedules.class);

    @Test
    void theApiIsTheCheckedInSnapshot() {
        API.check(Path.of("src/test/resources/api/dev.simloop.jqwik.txt"), "property-tests");
    }

    @Test
    void everyApiTypeHasADocComment() {
        assertThat(DocComments.undocumentedTypes(API, Path.of("src/main/java"))).isEmpty();
    }

    @Test
    void theModuleAndTheServicesFilesRegisterTheSameProviders() throws IOException {
        ModuleDescriptor d = API.descriptor();
        assertThat(d.name()).isEqualTo("dev.simloop.jqwik");
        assertThat(d.exports()).singleElement().hasToString("dev.simloop.jqwik");
        assertThat(d.opens()).isEmpty();
        // the module path reads `provides`, the class path META-INF/services: they must agree
        Map<String, List<String>> provided = d.provides().stream()
                .collect(Collectors.toMap(ModuleDescriptor.Provides::service, ModuleDescriptor.Provides::providers));
        assertThat(provided).containsOnlyKeys(ArbitraryProvider.class.getName(), LifecycleHook.class.getName());
        assertThat(provided.get(ArbitraryProvider.class.getName())).isEqualTo(servicesFile(ArbitraryProvider.class))
                .containsExactly(ScheduleArbitraryProvider.class.getName());
        assertThat(provided.get(LifecycleHook.class.getName())).isEqualTo(servicesFile(LifecycleHook.class))
                .containsExactly(SimulatedLoopOnPropertyCheck.class.getName(), TryReplays.class.getName(),
                        ShrinkingKeepsTheFailure.class.getName());
        assertThat(d.requires().stream().filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
                .map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("dev.simloop.runtime", "net.jqwik.api");
    }

    private static List<String> servicesFile(Class<?> service) throws IOException {
        return Files.readAllLines(Path.of("src/main/resources/META-INF/services/" + service.getName())).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }
}
