package ai.lutboost.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.lutboost.datasets.DatasetDescriptor;
import ai.lutboost.datasets.ImageClassificationDataset;
import ai.lutboost.datasets.LabeledImages;
import ai.lutboost.graph.FloatGraph;
import ai.lutboost.graph.LoweringException;
import ai.lutboost.quant.DatapathPlan;
import ai.lutboost.quant.IntegerModel;
import ai.lutboost.quant.IntegerModelBuilder;
import ai.lutboost.quant.IntegerSimulation;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.training.ShutdownGate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.IntConsumer;

/**
 * Exports a frozen model: builds the integer model from the freeze stage's datapath plan, computes
 * golden vectors with the integer simulation on the first test images, and writes the bundle. It
 * calibrates nothing: every format comes from the plan.
 */
public final class BundleExporter {

    /** Golden samples written when the caller does not say. */
    public static final int DEFAULT_GOLDEN = 256;

    /**
     * Images per forward pass: a residual CNN's first LUT convs build {@code [C, rows, K]}
     * tensors of about 30 MB per image, so 256 at once exhausted 24 GB.
     */
    private static final int BATCH = 32;

    private BundleExporter() {}

    /**
     * What an export wrote.
     *
     * @param bundle the bundle's path
     * @param model the integer model written
     * @param golden the golden vectors written
     */
    public record Result(Path bundle, IntegerModel model, GoldenVectors golden) {}

    /**
     * Exports a model.
     *
     * @param frozen the frozen model (after the freeze stage)
     * @param plan the freeze stage's datapath plan, or {@code null} if it made none
     * @param recipe the recipe it was trained from
     * @param dataset the dataset
     * @param test test images, the first {@code goldenSamples} of which become golden vectors
     * @param target a directory, or a file ending in {@code .lutb}
     * @param goldenSamples golden samples
     * @param manager where temporaries live
     * @param progress told how many golden samples are done after each batch, or null
     * @return what was written
     * @throws LoweringException if the model has no integer form, or no plan
     * @throws IOException if the bundle cannot be written
     */
    public static Result export(Block frozen, DatapathPlan plan, Recipe recipe, DatasetDescriptor dataset,
            LabeledImages test, Path target, int goldenSamples, NDManager manager, IntConsumer progress)
            throws LoweringException, IOException {
        int[] shape = {dataset.channels(), dataset.height(), dataset.width()};
        if (plan == null) {
            // Names the block the datapath lacks, when that is why the freeze stage made no plan.
            FloatGraph.trace(frozen, shape);
            throw new LoweringException("the model has no datapath plan: the freeze stage makes it; run it again"
                    + " (--from-stage freeze)");
        }
        IntegerModel.Provenance provenance = new IntegerModel.Provenance(recipe.name(), recipe.resolvedYaml(),
                recipe.sha256(), recipe.seed(), dataset.name(), dataset.mean(), dataset.std(), dataset.classNames());
        TableBundleWriter.checkTarget(target);
        IntegerModel model = IntegerModelBuilder.build(frozen, shape, plan, provenance);
        // A stop request waits for the next golden batch, or for the bundle's atomic move: libtorch
        // may not be called once the JVM unloads it, and a bundle is either written whole or not at all.
        try (ShutdownGate.Region region = ShutdownGate.enter("export")) {
            int samples = Math.min(goldenSamples, test.count());
            GoldenVectors golden = golden(model, dataset, test, samples, manager, done -> {
                if (progress != null) {
                    progress.accept(done);
                }
                region.safePoint("golden sample", done, samples);
            });
            TableBundleWriter.write(model, golden, target);
            return new Result(target, model, golden);
        }
    }

    /**
     * Computes golden vectors: the simulation's quantized inputs and logits for the first test images.
     *
     * @param model the integer model
     * @param dataset the dataset
     * @param test the test images
     * @param samples how many
     * @param manager where temporaries live
     * @return the vectors
     */
    public static GoldenVectors golden(IntegerModel model, DatasetDescriptor dataset, LabeledImages test, int samples,
            NDManager manager) {
        return golden(model, dataset, test, samples, manager, done -> { });
    }

    private static GoldenVectors golden(IntegerModel model, DatasetDescriptor dataset, LabeledImages test,
            int samples, NDManager manager, IntConsumer afterBatch) {
        try (NDManager scope = manager.newSubManager(); IntegerSimulation sim = new IntegerSimulation(model, scope)) {
            int size = test.imageSize();
            int[][] inputs = new int[samples][size];
            long[][] logits = new long[samples][];
            int[] labels = new int[samples];
            for (int start = 0; start < samples; start += BATCH) {
                int end = Math.min(samples, start + BATCH);
                try (NDManager batch = scope.newSubManager()) {
                    NDArray q = sim.quantizeInput(images(batch, dataset, test, start, end));
                    double[] in = q.toDoubleArray();
                    double[] out = sim.run(q).get(model.output()).toDoubleArray();
                    int classes = out.length / (end - start);
                    for (int s = start; s < end; s++) {
                        for (int i = 0; i < size; i++) {
                            inputs[s][i] = (int) in[(s - start) * size + i];
                        }
                        logits[s] = new long[classes];
                        for (int c = 0; c < classes; c++) {
                            logits[s][c] = (long) out[(s - start) * classes + c];
                        }
                        labels[s] = test.labels()[s];
                    }
                }
                afterBatch.accept(end);
            }
            return new GoldenVectors(inputs, logits, labels);
        }
    }

    /**
     * Normalized images {@code [from, to)} as a float32 tensor {@code [B, C, H, W]}.
     *
     * @param manager the tensor's manager
     * @param dataset the dataset, for its normalization
     * @param images the images
     * @param from the first index
     * @param to one past the last index
     * @return the tensor
     */
    public static NDArray images(NDManager manager, DatasetDescriptor dataset, LabeledImages images, int from, int to) {
        return ImageClassificationDataset.normalized(manager, images, dataset, from, to);
    }
}
