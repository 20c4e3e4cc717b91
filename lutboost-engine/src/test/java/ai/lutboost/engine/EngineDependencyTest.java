package ai.lutboost.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine imports only the JDK: every class its compiled classes name, in their constant
 * pools, is in {@code java/} or in the engine itself, except that {@link VectorLutKernel} and
 * {@link VectorRuns} name {@code jdk.incubator.vector}'s types; and no other class names them, so
 * that without that module the engine never loads them.
 */
class EngineDependencyTest {

    private static final Pattern CLASS_NAME = Pattern.compile("L([A-Za-z_$][\\w$]*(?:/[\\w$]+)+);");

    /** The class names a class file refers to: its Class entries and the types in its descriptors. */
    static List<String> referencedClasses(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        in.readInt();
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> classIndexes = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> classIndexes.add(in.readUnsignedShort());
                case 8, 16, 19, 20 -> in.readUnsignedShort();
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                case 5, 6 -> {
                    in.readLong();
                    i++;
                }
                default -> throw new IOException("unknown constant-pool tag " + tag);
            }
        }
        List<String> names = new ArrayList<>();
        for (int index : classIndexes) {
            String name = utf8[index];
            names.add(name.startsWith("[") ? name.replaceAll("^\\[+L?|;$", "") : name);
        }
        for (String s : utf8) {
            if (s != null) {
                Matcher m = CLASS_NAME.matcher(s);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    @Test
    void engineClassesReferOnlyToTheJdkAndThemselves() throws IOException, URISyntaxException {
        Path classes = Path.of(FixedPoint.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("ai/lutboost/engine");
        TreeSet<String> offending = new TreeSet<>();
        int files = 0;
        try (Stream<Path> s = Files.list(classes)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".class")).toList()) {
                files++;
                String file = p.getFileName().toString();
                boolean vectorKernel = file.startsWith("VectorLutKernel") || file.startsWith("VectorRuns");
                for (String name : referencedClasses(Files.readAllBytes(p))) {
                    boolean primitiveArray = name.length() == 1;
                    boolean allowed = name.startsWith("java/") || name.startsWith("ai/lutboost/engine/")
                            || vectorKernel && name.startsWith("jdk/incubator/vector/");
                    boolean namesVectorKernel = !vectorKernel && (name.startsWith("ai/lutboost/engine/VectorLutKernel")
                            || name.startsWith("ai/lutboost/engine/VectorRuns"));
                    if (!primitiveArray && (!allowed || namesVectorKernel)) {
                        offending.add(p.getFileName() + " -> " + name);
                    }
                }
            }
        }
        assertTrue(files >= 2, "engine classes found in " + classes);
        assertEquals(new TreeSet<String>(), offending, "the engine must import java.* only, and only VectorLutKernel and VectorRuns the Vector API");
    }

    @Test
    void theScanSeesAReferenceOutsideTheJdk() throws IOException, URISyntaxException {
        Path self = Path.of(EngineDependencyTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = referencedClasses(Files.readAllBytes(self.resolve("ai/lutboost/engine/EngineDependencyTest.class")));
        assertTrue(names.stream().anyMatch(n -> n.startsWith("org/junit/")), "the scan must find JUnit in this test");
    }
}
