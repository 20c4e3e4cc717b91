package ai.lutboost.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a project that depends on {@code lutboost-core} gets on its class path: no test framework
 * and no plotting library. Reads the core's runtime dependency tree, which its build writes with
 * {@code maven-dependency-plugin:tree}, and leaves out optional dependencies and everything below
 * them, as Maven does for a depending project.
 */
class LibraryDependenciesTest {

    private static final Path TREE = Path.of("..", "lutboost-core", "target", "runtime-dependencies.txt");

    @Test
    void aProjectDependingOnTheCoreGetsNoJUnitXChartOrPdfbox() throws Exception {
        assertTrue(Files.isRegularFile(TREE), TREE + " is written by the core's build (mvn verify from the top)");
        List<String> inherited = new ArrayList<>();
        List<String> optional = new ArrayList<>();
        int skipBelow = Integer.MAX_VALUE;
        for (String line : Files.readAllLines(TREE)) {
            int depth = 0;
            while (depth < line.length() && !Character.isLetterOrDigit(line.charAt(depth))) {
                depth++;
            }
            if (depth > skipBelow) {
                continue;
            }
            skipBelow = Integer.MAX_VALUE;
            if (line.endsWith("(optional)")) {
                optional.add(line.substring(depth));
                skipBelow = depth;
            } else {
                inherited.add(line.substring(depth));
            }
        }
        assertTrue(inherited.stream().anyMatch(d -> d.startsWith("ai.djl:api:")), "the tree was read: " + inherited);
        assertTrue(optional.stream().anyMatch(d -> d.startsWith("org.knowm.xchart:xchart:")), optional.toString());
        for (String d : inherited) {
            assertTrue(!d.matches("(?i).*(junit|xchart|pdfbox).*"), d + " reaches every project that uses the core");
        }
    }
}
