package ai.lutboost.export;

import ai.lutboost.layer.Metric;
import ai.lutboost.quant.AddOp;
import ai.lutboost.quant.ConvGeometry;
import ai.lutboost.quant.DenseLayerOp;
import ai.lutboost.quant.FixedPointFormat;
import ai.lutboost.quant.GlobalAvgPoolOp;
import ai.lutboost.quant.IntegerModel;
import ai.lutboost.quant.IntegerOp;
import ai.lutboost.quant.IntegerTensor;
import ai.lutboost.quant.LutLayerOp;
import ai.lutboost.quant.MaxPoolOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Small integer models with random parameters that use every op kind, for testing the bundle
 * format and comparing the simulation with the engine without training anything. Random shifts
 * and widths reach saturation, negative shifts and padding that trained models rarely reach.
 */
public final class SyntheticBundles {

    private SyntheticBundles() {}

    /**
     * A model: input [2, 6, 6] → dense conv 3x3 (relu) and LUT conv 3x3 from the input → residual add
     * (relu) → max pool 2x2 → global average pool (into a finer format) → LUT linear (D=4, v=3, zero-padded) → dense
     * linear logits.
     */
    public static IntegerModel model(long seed, Metric metric) {
        Random r = new Random(seed);
        List<IntegerTensor> t = new ArrayList<>();
        t.add(new IntegerTensor("input", new int[] {2, 6, 6}, new FixedPointFormat(8, 4, true)));
        t.add(new IntegerTensor("conv", new int[] {4, 6, 6}, new FixedPointFormat(8, 4, true)));
        t.add(new IntegerTensor("lutconv", new int[] {4, 6, 6}, new FixedPointFormat(8, 2, true)));
        t.add(new IntegerTensor("add", new int[] {4, 6, 6}, new FixedPointFormat(8, 3, true)));
        t.add(new IntegerTensor("pool", new int[] {4, 3, 3}, new FixedPointFormat(8, 3, true)));
        t.add(new IntegerTensor("gap", new int[] {4}, new FixedPointFormat(8, 4, true)));
        t.add(new IntegerTensor("lutfc", new int[] {5}, new FixedPointFormat(8, 2, true)));
        t.add(new IntegerTensor("logits", new int[] {3}, new FixedPointFormat(16, 6, true)));
        ConvGeometry g = new ConvGeometry(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1});
        List<IntegerOp> ops = new ArrayList<>();
        ops.add(new DenseLayerOp("conv", "input", "conv", g, 18, 4, 8, ints(r, 4 * 18, 8), ints(r, 4, 12),
                shifts(r, 4), true));
        int[] lutBias = ints(r, 4, 10);
        ops.add(new LutLayerOp("lutconv", "input", "lutconv", g, 18, 5, 4, 4, 4, metric, 6, ints(r, 5 * 4 * 4, 8),
                ints(r, 5 * 4 * 4, 6), lutBias, shifts(r, 4), false));
        ops.add(new AddOp("add", "conv", "lutconv", "add", 2, 1, true));
        ops.add(new MaxPoolOp("pool", "add", "pool", new int[] {2, 2}, new int[] {2, 2}));
        int[] rec = GlobalAvgPoolOp.reciprocal(9);
        // A bit finer than its input, as a calibrated mean can be: the shift aligns them.
        ops.add(new GlobalAvgPoolOp("gap", "pool", "gap", rec[0], rec[1] - 1));
        // Pooled features are non-negative, so these centroids are too, or one would win every time.
        int[] fcCentroids = ints(r, 2 * 8 * 3, 7);
        for (int i = 0; i < fcCentroids.length; i++) {
            fcCentroids[i] = (fcCentroids[i] + 64) / 3;
        }
        ops.add(new LutLayerOp("lutfc", "gap", "lutfc", null, 4, 2, 8, 3, 5, metric, 8, fcCentroids,
                ints(r, 2 * 8 * 5, 8), ints(r, 5, 5), new int[] {0, 1, 2, -1, 3}, false));
        ops.add(new DenseLayerOp("fc", "lutfc", "logits", null, 5, 3, 8, ints(r, 15, 8), ints(r, 3, 6),
                shifts(r, 3), false));
        IntegerModel.Provenance p = new IntegerModel.Provenance("synthetic", "name: synthetic\n", "0".repeat(64),
                seed, "fashion-mnist", new float[] {0.5f, 0.5f}, new float[] {0.25f, 0.25f}, List.of("a", "b", "c"));
        return new IntegerModel(t, ops, "input", "logits", p);
    }

    /**
     * Two LUT convs of uneven geometry, the second reading the first's output (no ReLU between, so
     * that its inputs take both signs): kernel 3 x 2, stride
     * (2, 1), padding (1, 0), dilation (2, 1) on a {@code [3, 9, 8]} input, then kernel 2 x 3,
     * stride 2, padding 1, dilation (1, 2). The first has 5 codebooks of 16 centroids over 18 inputs
     * (2 padded), the second 6 of 8; a dense layer takes its output {@code [5, 3, 3]} to three logits.
     *
     * @param seed the random seed
     * @param metric the distance of both layers
     * @return the model
     */
    public static IntegerModel convModel(long seed, Metric metric) {
        Random r = new Random(seed);
        List<IntegerTensor> t = new ArrayList<>();
        t.add(new IntegerTensor("input", new int[] {3, 9, 8}, new FixedPointFormat(8, 4, true)));
        t.add(new IntegerTensor("conv1", new int[] {6, 4, 7}, new FixedPointFormat(8, 3, true)));
        t.add(new IntegerTensor("conv2", new int[] {5, 3, 3}, new FixedPointFormat(8, 2, true)));
        t.add(new IntegerTensor("logits", new int[] {3}, new FixedPointFormat(16, 6, true)));
        ConvGeometry first = new ConvGeometry(new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0}, new int[] {2, 1});
        ConvGeometry second = new ConvGeometry(new int[] {2, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 2});
        List<IntegerOp> ops = new ArrayList<>();
        ops.add(new LutLayerOp("conv1", "input", "conv1", first, 18, 5, 16, 4, 6, metric, 8, ints(r, 5 * 16 * 4, 8),
                ints(r, 5 * 16 * 6, 8), ints(r, 6, 10), shifts(r, 6), false));
        ops.add(new LutLayerOp("conv2", "conv1", "conv2", second, 36, 6, 8, 6, 5, metric, 8, ints(r, 6 * 8 * 6, 8),
                ints(r, 6 * 8 * 5, 8), ints(r, 5, 10), shifts(r, 5), false));
        ops.add(new DenseLayerOp("fc", "conv2", "logits", null, 45, 3, 8, ints(r, 3 * 45, 8), ints(r, 3, 6),
                shifts(r, 3), false));
        IntegerModel.Provenance p = new IntegerModel.Provenance("synthetic", "name: synthetic\n", "0".repeat(64),
                seed, "fashion-mnist", new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f},
                List.of("a", "b", "c"));
        return new IntegerModel(t, ops, "input", "logits", p);
    }

    /**
     * Random inputs in the input's 8-bit range: each sample has its own level per half, so that
     * pooled features differ between samples, and many elements sit at the limits.
     */
    public static int[][] inputs(long seed, int samples, int size) {
        Random r = new Random(seed);
        int[][] x = new int[samples][size];
        for (int[] row : x) {
            int low = r.nextInt(200) - 100;
            int high = r.nextInt(200) - 100;
            for (int i = 0; i < size; i++) {
                int kind = r.nextInt(8);
                int level = i < size / 2 ? low : high;
                row[i] = kind == 0 ? -128 : kind == 1 ? 127 : Math.max(-128, Math.min(127, level + r.nextInt(81) - 40));
            }
        }
        return x;
    }

    /** Golden vectors of the given inputs with placeholder logits (the tests that need true ones compute them). */
    public static GoldenVectors golden(int[][] inputs, long[][] logits) {
        return new GoldenVectors(inputs, logits, new int[inputs.length]);
    }

    private static int[] ints(Random r, int n, int bits) {
        int[] out = new int[n];
        int span = 1 << bits;
        for (int i = 0; i < n; i++) {
            out[i] = r.nextInt(span) - span / 2;
        }
        return out;
    }

    private static int[] shifts(Random r, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextInt(8) + (i == 0 ? -2 : 2);
        }
        return out;
    }
}
