package org.jnetvm.core.region;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jnetvm.core.flow.FlowArea;
import org.jnetvm.core.flow.FlowTable;
import org.jnetvm.core.msg.MessageArea;
import org.jnetvm.core.msg.Messages;
import org.junit.jupiter.api.Test;

/**
 * Dependencies between the region and the areas owned above it run one way: the flow director
 * and the message inboxes know the region, the region knows neither. Checked on the compiled
 * classes (a class file names every class it uses in its constant pool as {@code a/b/C}), so a
 * fully qualified name in code counts as much as an import.
 */
class RegionDependencyTest {
    private static final List<String> ABOVE_THE_REGION = List.of("org/jnetvm/core/flow/", "org/jnetvm/core/msg/");

    @Test
    void theRegionPackageUsesNoClassOfTheFlowOrMessagePackages() throws Exception {
        List<Path> classes = classFilesBeside(Region.class);
        assertThat(classes).as("region class files").hasSizeGreaterThanOrEqualTo(8);
        List<String> offending = new ArrayList<>();
        for (Path file : classes) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String pkg : ABOVE_THE_REGION) {
                if (text.contains(pkg)) {
                    offending.add(file.getFileName() + " uses " + pkg.replace('/', '.'));
                }
            }
        }
        assertThat(offending).as("region classes that depend on a part above the region").isEmpty();
    }

    @Test
    void theAreasAboveTheRegionDependOnItAndAreFoundThroughTheirFormats() throws Exception {
        // The scan above would pass vacuously if it could not see references at all: the other
        // direction must show up in the same kind of scan.
        for (Class<?> view : List.of(FlowTable.class, Messages.class)) {
            String text = new String(Files.readAllBytes(classFile(view)), StandardCharsets.ISO_8859_1);
            assertThat(text).as(view.getSimpleName() + ".class").contains("org/jnetvm/core/region/Region");
        }
        assertThat(RegionLayout.formats().get(AreaKind.FLOWS)).isInstanceOf(FlowArea.class);
        assertThat(RegionLayout.formats().get(AreaKind.MESSAGES)).isInstanceOf(MessageArea.class);
    }

    private static Path classFile(Class<?> type) throws URISyntaxException {
        return Path.of(type.getResource(type.getSimpleName() + ".class").toURI());
    }

    private static List<Path> classFilesBeside(Class<?> type) throws URISyntaxException, IOException {
        try (Stream<Path> files = Files.list(classFile(type).getParent())) {
            return files.filter(p -> p.toString().endsWith(".class")).toList();
        }
    }
}
