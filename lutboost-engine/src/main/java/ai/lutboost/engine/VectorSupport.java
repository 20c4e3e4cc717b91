package ai.lutboost.engine;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The door to the LUT loops written in the Java Vector API ({@code jdk.incubator.vector},
 * incubating in JDK 17). They run when the JVM resolved that module ({@code --add-modules
 * jdk.incubator.vector}) and {@code -Dlutboost.engine.vector=false} is not set; otherwise the
 * plain-Java loops run, with the same results.
 *
 * <p>{@link VectorLutKernel} and {@link VectorRuns} are the only classes that name the module's
 * types, and they are reached only through method handles looked up by name here, so without the
 * module the engine never loads them.
 */
final class VectorSupport {

    private static final String PROPERTY = "lutboost.engine.vector";
    private static final String KERNEL = "ai.lutboost.engine.VectorLutKernel";
    private static final String RUNS = "ai.lutboost.engine.VectorRuns";

    /** Whether LUT layers take the vector loops. */
    static final boolean ENABLED;
    private static final MethodHandle KERNEL_FACTORY;
    private static final MethodHandle TABLE_FACTORY;
    private static final MethodHandle CORRELATE;

    static {
        MethodHandle kernel = null;
        MethodHandle table = null;
        MethodHandle correlate = null;
        if (!"false".equals(System.getProperty(PROPERTY))
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                Class<?> c = Class.forName(KERNEL);
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                kernel = lookup.findConstructor(c, MethodType.methodType(void.class, LutLayer.class, int.class,
                        int.class));
                table = lookup.findStatic(c, "table", MethodType.methodType(int[].class, int[].class, int.class,
                        int.class, int.class));
                correlate = lookup.findStatic(Class.forName(RUNS), "correlate", MethodType.methodType(void.class,
                        int[].class, int[].class, int.class, int[].class, int[].class, int.class, int.class, int.class));
            } catch (ReflectiveOperationException | LinkageError e) {
                kernel = null;
                table = null;
                correlate = null;
            }
        }
        KERNEL_FACTORY = kernel;
        TABLE_FACTORY = table;
        CORRELATE = correlate;
        ENABLED = kernel != null;
    }

    private VectorSupport() {}

    /** What the LUT layers run on, for reports: {@code "vector"} or {@code "scalar"}. */
    static String loops() {
        return ENABLED ? "vector" : "scalar";
    }

    /** A layer's table laid out for the vector loops. */
    static int[] table(int[] table, int rows, int units, int bits) {
        try {
            return (int[]) TABLE_FACTORY.invokeExact(table, rows, units, bits);
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    /** A vector kernel for a layer whose keys fit an {@code int}, computing every token or one. */
    static LutLayer.BlockKernel lutKernel(LutLayer layer, int rows, int token) {
        try {
            return (LutLayer.BlockKernel) KERNEL_FACTORY.invoke(layer, rows, token);
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    /**
     * {@code acc[p] = bias + sum_d weights[first + d] * src[start + offsets[d] + p]} for
     * {@code p < length}: a conv channel's sums along runs of its input, in vectors when enabled.
     */
    static void correlate(int[] acc, int[] src, int start, int[] offsets, int[] weights, int first, int length,
            int bias) {
        if (CORRELATE == null) {
            java.util.Arrays.fill(acc, 0, length, bias);
            for (int d = 0; d < offsets.length; d++) {
                int w = weights[first + d];
                int from = start + offsets[d];
                for (int p = 0; p < length; p++) {
                    acc[p] += w * src[from + p];
                }
            }
            return;
        }
        try {
            CORRELATE.invokeExact(acc, src, start, offsets, weights, first, length, bias);
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    private static RuntimeException rethrown(Throwable e) {
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(e);
    }
}
