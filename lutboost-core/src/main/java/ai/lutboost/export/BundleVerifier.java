package ai.lutboost.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.lutboost.datasets.DatasetDescriptor;
import ai.lutboost.datasets.ImageClassificationDataset;
import ai.lutboost.datasets.LabeledImages;
import ai.lutboost.engine.BundleFormatException;
import ai.lutboost.engine.LutModel;
import ai.lutboost.quant.IntegerModel;
import ai.lutboost.quant.IntegerSimulation;
import ai.lutboost.training.ShutdownGate;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Runs the training-side integer simulation and the Java engine on the same samples and compares
 * every logit. Each side quantizes the float input itself, and each reads the bundle with its own
 * parser. On the first disagreement it reruns that sample on both sides and names the first
 * tensor, and the index in it, where they part.
 */
public final class BundleVerifier {

    /** Samples per simulation or float-model pass. */
    private static final int BATCH = 100;

    private BundleVerifier() {}

    /**
     * The outcome.
     *
     * @param samples samples compared
     * @param identical samples whose logits agree exactly
     * @param firstMismatch where the first disagreeing sample first departs, or null
     * @param engineCorrect samples the engine classifies correctly
     * @param goldenIdentical golden samples whose engine logits equal the bundle's golden logits
     * @param goldenSamples golden samples in the bundle
     * @param engineClasses the engine's class for each compared sample
     */
    public record Result(int samples, int identical, String firstMismatch, int engineCorrect, int goldenIdentical,
            int goldenSamples, int[] engineClasses) {

        /**
         * Returns the engine's accuracy.
         *
         * @return correct over samples
         */
        public double engineAccuracy() {
            return samples == 0 ? Double.NaN : (double) engineCorrect / samples;
        }
    }

    /**
     * Verifies a bundle.
     *
     * @param engine the bundle, loaded (and so checked) by the engine
     * @param bundle the bundle's path, read again by the simulation's own reader
     * @param dataset the dataset, for normalization
     * @param images the samples (normally the test split)
     * @param limit at most this many samples
     * @param threads engine threads
     * @param manager where the simulation's tensors live
     * @param progress called with the samples done, or null
     * @return the outcome
     * @throws BundleFormatException if the simulation's reader finds the bundle invalid
     */
    public static Result verify(
            LutModel engine, Path bundle, DatasetDescriptor dataset, LabeledImages images, int limit,
            int threads, NDManager manager, IntConsumer progress) throws BundleFormatException {
        TableBundleReader.Bundle read = TableBundleReader.read(bundle);
        IntegerModel model = read.model();
        int[][] goldenIn = engine.goldenInputs();
        int[][] goldenOut = engine.goldenLogits();
        int goldenIdentical = 0;
        int[][] goldenEngine = engine.predict(goldenIn, threads);
        for (int s = 0; s < goldenIn.length; s++) {
            goldenIdentical += Arrays.equals(goldenEngine[s], goldenOut[s]) ? 1 : 0;
        }
        int total = Math.min(limit, images.count());
        int identical = 0;
        int correct = 0;
        int[] classes = new int[total];
        String first = null;
        try (NDManager scope = manager.newSubManager();
                IntegerSimulation sim = new IntegerSimulation(model, scope);
                ShutdownGate.Region region = ShutdownGate.enter("verify")) {
            for (int start = 0; start < total; start += BATCH) {
                int end = Math.min(total, start + BATCH);
                long[] simLogits;
                try (NDManager b = scope.newSubManager()) {
                    simLogits = sim.logits(BundleExporter.images(b, dataset, images, start, end));
                }
                int[][] inputs = new int[end - start][];
                for (int i = start; i < end; i++) {
                    inputs[i - start] = engine.quantize(ImageClassificationDataset.normalized(images, dataset, i));
                }
                int[][] out = engine.predict(inputs, threads);
                int width = out[0].length;
                for (int i = 0; i < out.length; i++) {
                    boolean same = true;
                    for (int c = 0; c < width; c++) {
                        same &= simLogits[i * width + c] == out[i][c];
                    }
                    if (same) {
                        identical++;
                    } else if (first == null) {
                        first = locate(sim, engine, model, dataset, images, start + i, scope);
                    }
                    classes[start + i] = LutModel.argmax(out[i]);
                    correct += classes[start + i] == images.labels()[start + i] ? 1 : 0;
                }
                if (progress != null) {
                    progress.accept(end);
                }
                region.safePoint("sample", end, total);
            }
        }
        return new Result(total, identical, first, correct, goldenIdentical, goldenIn.length, classes);
    }

    /**
     * The float model's classes for the first {@code count} images, to set beside the engine's:
     * the datapath rounds activations, and a hard centroid assignment can turn that rounding into
     * another table row and, now and then, another class.
     *
     * @param frozen the frozen float model
     * @param dataset the dataset, for its normalization
     * @param images the images
     * @param count how many
     * @param manager where temporaries live
     * @return the class of each image
     */
    public static int[] floatClasses(Block frozen, DatasetDescriptor dataset, LabeledImages images, int count,
            NDManager manager) {
        int[] classes = new int[count];
        try (NDManager scope = manager.newSubManager();
                ShutdownGate.Region region = ShutdownGate.enter("the float model's classes")) {
            ParameterStore ps = new ParameterStore(scope, false);
            for (int start = 0; start < count; start += BATCH) {
                int end = Math.min(count, start + BATCH);
                try (NDManager b = scope.newSubManager()) {
                    NDArray x = BundleExporter.images(b, dataset, images, start, end);
                    long[] predicted = frozen.forward(ps, new NDList(x), false).head().argMax(1).toLongArray();
                    for (int i = start; i < end; i++) {
                        classes[i] = (int) predicted[i - start];
                    }
                }
                region.safePoint("sample", end, count);
            }
        }
        return classes;
    }

    private static String locate(IntegerSimulation sim, LutModel engine, IntegerModel model, DatasetDescriptor dataset,
            LabeledImages images, int sample, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = BundleExporter.images(scope, dataset, images, sample, sample + 1);
            Map<String, NDArray> simTensors = sim.run(sim.quantizeInput(x));
            Map<String, int[]> engineTensors = engine.trace(
                    engine.quantize(ImageClassificationDataset.normalized(images, dataset, sample)));
            for (Map.Entry<String, int[]> e : engineTensors.entrySet()) {
                double[] s = simTensors.get(e.getKey()).toDoubleArray();
                int[] g = e.getValue();
                for (int i = 0; i < g.length; i++) {
                    if (s[i] != g[i]) {
                        return "sample " + sample + ", tensor " + e.getKey() + " (written by "
                                + writer(model, e.getKey()) + "), index " + i + ": simulation " + (long) s[i]
                                + ", engine " + g[i];
                    }
                }
            }
            return "sample " + sample + ": logits differ but no tensor does (a bug in the comparison)";
        }
    }

    private static String writer(IntegerModel model, String tensor) {
        return model.ops().stream().filter(o -> o.output().equals(tensor)).map(o -> o.kind().manifestName() + " " + o.name())
                .findFirst().orElse("the input quantization");
    }
}
