package ai.lutboost.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.lutboost.engine.LutModel;
import ai.lutboost.export.GoldenVectors;
import ai.lutboost.export.TableBundleWriter;
import ai.lutboost.layer.Metric;
import ai.lutboost.quant.FixedPointFormat;
import ai.lutboost.quant.IntegerModel;
import ai.lutboost.quant.IntegerTensor;
import ai.lutboost.quant.LutLayerOp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The Java engine against DJL's float32 inference: one LUT layer against a {@code Linear} of the
 * same shape, and a whole bundle against its float baseline. Both sides run in one process, in
 * alternating turns so that other load on the machine slows them alike.
 */
public final class EngineBenchmark {

    /**
     * Layer calls per turn: tens of milliseconds of one side. PyTorch's worker threads keep
     * spinning for a while after each of its calls and take a core from the engine's second
     * thread; with turns of 10 calls the engine's two-thread medians varied 2-3x between runs.
     */
    private static final int LAYER_TURN = 100;

    private EngineBenchmark() {}

    /**
     * Milliseconds per batch, medians over rounds.
     *
     * @param engineMillis the engine
     * @param djlMillis DJL float32
     * @param rounds rounds measured
     */
    public record Timing(double engineMillis, double djlMillis, int rounds) {

        /**
         * Returns the engine's time over DJL's.
         *
         * @return below 1 when the engine is faster
         */
        public double ratio() {
            return engineMillis / djlMillis;
        }
    }

    /**
     * A LUT layer in the engine (random integer centroids and table, the layer alone in a bundle)
     * against DJL's {@code Linear} forward pass on the same shape.
     *
     * @param d input length
     * @param n outputs
     * @param v sub-vector length
     * @param k centroids per codebook
     * @param metric the LUT layer's distance
     * @param batch samples per batch
     * @param threads engine threads
     * @param rounds measured batches of each
     * @param manager where DJL's tensors live
     * @return the timing
     * @throws IOException if the temporary bundle cannot be written
     */
    public static Timing lutLayerVsLinear(int d, int n, int v, int k, Metric metric, int batch, int threads,
            int rounds, NDManager manager) throws IOException {
        Random r = new Random(1);
        int c = (d + v - 1) / v;
        FixedPointFormat act = new FixedPointFormat(8, 4, true);
        IntegerModel model = new IntegerModel(
                List.of(new IntegerTensor("input", new int[] {d}, act), new IntegerTensor("out", new int[] {n}, act)),
                List.of(new LutLayerOp("lut", "input", "out", null, d, c, k, v, n, metric, 8,
                        random(r, c * k * v), random(r, c * k * n), new int[n], filled(n, 4), true)),
                "input", "out",
                new IntegerModel.Provenance("bench", "", "0".repeat(64), 0, "none", new float[] {0}, new float[] {1},
                        labels(n)));
        Path dir = Files.createTempDirectory("lutboost-bench");
        Path file = dir.resolve("lut.lutb");
        LutModel engine;
        try {
            TableBundleWriter.write(model, new GoldenVectors(new int[0][], new long[0][], new int[0]), file);
            engine = LutModel.load(file);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
        int[][] inputs = new int[batch][];
        float[] floats = new float[batch * d];
        for (int i = 0; i < batch; i++) {
            inputs[i] = random(r, d);
            for (int j = 0; j < d; j++) {
                floats[i * d + j] = inputs[i][j] / 16f;
            }
        }
        Block linear = Linear.builder().setUnits(n).build();
        linear.initialize(manager, DataType.FLOAT32, new Shape(batch, d));
        NDArray x = manager.create(floats, new Shape(batch, d));
        ParameterStore ps = new ParameterStore(manager, false);
        return interleave(() -> engine.predict(inputs, threads), () -> {
            try (NDManager scope = manager.newSubManager()) {
                scope.tempAttachAll(x);
                linear.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
            }
        }, rounds, LAYER_TURN);
    }

    /**
     * A whole bundle in the engine against the float model it came from, on the same images in
     * batches of the same size.
     *
     * @param bundle the engine's model
     * @param inputs quantized inputs for the engine, one per image
     * @param dense the float baseline, initialized
     * @param images the same images, normalized, {@code [B, C, H, W]}
     * @param batch images per batch on both sides
     * @param threads engine threads
     * @param rounds passes over the images by each
     * @return milliseconds per pass
     */
    public static Timing modelThroughput(LutModel bundle, int[][] inputs, Block dense, NDArray images, int batch,
            int threads, int rounds) {
        ParameterStore ps = new ParameterStore(images.getManager(), false);
        long total = images.getShape().get(0);
        return interleave(() -> {
            for (int s = 0; s < inputs.length; s += batch) {
                bundle.predict(Arrays.copyOfRange(inputs, s, Math.min(inputs.length, s + batch)), threads);
            }
        }, () -> {
            for (long s = 0; s < total; s += batch) {
                try (NDManager scope = images.getManager().newSubManager()) {
                    NDArray x = images.get(s + ":" + Math.min(total, s + batch));
                    x.attach(scope);
                    dense.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
                }
            }
        }, rounds, 1);
    }

    /**
     * Times both sides in turns of {@code turn} calls each, every call timed: a turn keeps one
     * side's data in cache as a pipeline running one model does, while the turns keep load on the
     * machine from favouring either side.
     */
    private static Timing interleave(Runnable engine, Runnable djl, int rounds, int turn) {
        // Half as many calls again unmeasured: with a tenth, the engine's first turns still ran
        // before C2 had compiled its loops, and the one-thread layer read 0.29 against 0.20 ms.
        for (int i = 0; i < Math.max(3, rounds / 2); i++) {
            engine.run();
            djl.run();
        }
        long[] e = new long[rounds];
        long[] f = new long[rounds];
        for (int first = 0; first < rounds; first += turn) {
            int last = Math.min(rounds, first + turn);
            time(engine, e, first, last);
            time(djl, f, first, last);
        }
        Arrays.sort(e);
        Arrays.sort(f);
        return new Timing(e[rounds / 2] / 1e6, f[rounds / 2] / 1e6, rounds);
    }

    private static void time(Runnable run, long[] nanos, int from, int to) {
        for (int i = from; i < to; i++) {
            long t0 = System.nanoTime();
            run.run();
            nanos[i] = System.nanoTime() - t0;
        }
    }

    private static int[] random(Random r, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextInt(256) - 128;
        }
        return out;
    }

    private static int[] filled(int n, int value) {
        int[] out = new int[n];
        Arrays.fill(out, value);
        return out;
    }

    private static List<String> labels(int n) {
        return IntStream.range(0, n).mapToObj(Integer::toString).toList();
    }
}
