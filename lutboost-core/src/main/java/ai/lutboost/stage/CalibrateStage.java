package ai.lutboost.stage;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;
import ai.lutboost.LutBoostException;
import ai.lutboost.datasets.ImageClassificationDataset;
import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.LutMode;
import ai.lutboost.recipe.StagesSection;
import ai.lutboost.training.EpochMetrics;
import ai.lutboost.training.ResumableOptimizer;
import ai.lutboost.training.TrainingLoop;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Stage 2: each LUT layer's centroids and temperature fitted to the dense layer's output, with
 * everything else frozen. Layers go in forward order and each reads its inputs from the already
 * converted prefix (earlier LUT layers in hard mode), so later layers learn to absorb the error
 * of earlier ones. The loss is the relative reconstruction error
 * {@code |LUT(x) - dense(x)|^2 / |dense(x)|^2}, through the layer's straight-through estimator
 * (plus the hard estimator's codebook term; the loss it reports is the reconstruction error alone).
 */
public final class CalibrateStage implements Stage {

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "calibrate";
    }

    /** {@inheritDoc} */
    @Override
    public List<String> requires() {
        return List.of("kmeans");
    }

    /** {@inheritDoc} */
    @Override
    public boolean leavesModelUnchanged(StageContext ctx) {
        return ctx.recipe().stages().calibrate().epochs() == 0;
    }

    /** {@inheritDoc} */
    @Override
    public StageResult run(StageContext ctx) throws LutBoostException {
        long start = System.nanoTime();
        StagesSection.CalibrateSettings s = ctx.recipe().stages().calibrate();
        List<AbstractLutBlock> layers = new ArrayList<>(ctx.model().layers().values());
        List<String> names = new ArrayList<>(ctx.model().layers().keySet());
        ImageClassificationDataset data = ctx.calibration(s.samples(), s.batchSize());
        NDManager manager = ctx.model().model().getNDManager();
        for (int i = 0; i < layers.size() && s.epochs() > 0; i++) {
            AbstractLutBlock layer = layers.get(i);
            try (NDManager store = manager.newSubManager()) {
                List<NDArray> inputs = inputsOf(ctx, layers, i, data, store);
                double[] losses = fit(ctx, layer, names.get(i), inputs, s, ctx.recipe().seed() + i);
                int reseeded = layer.takeReseeded();
                ctx.log(String.format(Locale.ROOT, "calibrate %-24s reconstruction error %.4f -> %.4f (%d epochs)%s",
                        names.get(i), losses[0], losses[1], s.epochs(),
                        reseeded > 0 ? ", " + reseeded + " centroids re-seeded" : ""));
            }
        }
        Map<String, Double> errors = ctx.reconstructionErrors(s.samples());
        return ctx.result(name(), start, null, errors, List.of());
    }

    private static List<NDArray> inputsOf(
            StageContext ctx, List<AbstractLutBlock> layers, int index, ImageClassificationDataset data,
            NDManager store) throws LutBoostException {
        List<NDArray> inputs = new ArrayList<>();
        AbstractLutBlock layer = layers.get(index);
        NDManager manager = ctx.model().model().getNDManager();
        try (LayerScope<LutMode> prefix = LayerScope.mode(layers.subList(0, index), LutMode.HARD);
                LayerScope<LutMode> rest = LayerScope.mode(layers.subList(index, layers.size()), LutMode.DENSE)) {
            layer.setInputListener(x -> {
                NDArray copy = x.duplicate();
                copy.attach(store);
                inputs.add(copy);
            });
            ParameterStore ps = new ParameterStore(manager, false);
            StageContext.forEachBatch(data, manager, x -> ctx.model().block().forward(ps, x, false));
        } finally {
            layer.setInputListener(null);
        }
        return inputs;
    }

    /** Returns the mean loss of the first and the last epoch. */
    private static double[] fit(
            StageContext ctx, AbstractLutBlock layer, String name, List<NDArray> inputs,
            StagesSection.CalibrateSettings s, long seed) throws LutBoostException {
        Device device = ctx.model().model().getNDManager().getDevice();
        Tracker rate = Tracker.fixed((float) s.learningRate());
        ResumableOptimizer adam = new ResumableOptimizer(ResumableOptimizer.Kind.ADAM, rate, 0f, 0f);
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
                .optOptimizer(adam)
                .optDevices(new Device[] {device});
        List<NDArray> errors = new ArrayList<>();
        List<NDArray> terms = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int b = 0; b < inputs.size(); b++) {
            order.add(b);
        }
        Random random = new Random(seed);
        // The layer reports its reconstruction error from inside its forward pass; the estimator's
        // codebook and commitment terms are minimized with it but not reported.
        TrainingLoop.BatchLoss loss = (data, labels, predictions) -> {
            NDArray error = errors.get(0);
            errors.clear();
            return new TrainingLoop.Objective(
                    AbstractLutBlock.addEstimatorLosses(error, terms, data.head().getManager()), error);
        };
        double first = Double.NaN;
        double last = Double.NaN;
        try (Model holder = Model.newInstance("calibrate-" + name, device);
                TrainableScope only = TrainableScope.only(
                        ctx.model().block(), List.of(layer.getCentroids(), layer.getLogTemperature()));
                LayerScope<LutMode> st = LayerScope.mode(List.of(layer), LutMode.STRAIGHT_THROUGH)) {
            holder.setBlock(layer);
            layer.setReconstructionErrors(errors);
            layer.setEstimatorLosses(terms);
            try (Trainer trainer = holder.newTrainer(config)) {
                for (int epoch = 0; epoch < s.epochs(); epoch++) {
                    Collections.shuffle(order, random);
                    // A layer's epoch takes about a second: the stage's line per layer says enough, and
                    // progress lines per tenth of it would fill a log.
                    EpochMetrics m = TrainingLoop.runEpoch("calibrate " + name, trainer, t -> batches(inputs, order),
                            epoch, s.epochs(), order.size(), rate, loss, ctx.options().withProgress(null), null, null);
                    last = m.trainLoss();
                    if (epoch == 0) {
                        first = last;
                    }
                }
            }
        } finally {
            layer.setReconstructionErrors(null);
            layer.setEstimatorLosses(null);
        }
        return new double[] {first, last};
    }

    /**
     * The layer's recorded inputs as unlabelled batches in the given order. Each batch borrows its
     * input into a manager of its own, which closing the batch returns it from, so the step's
     * intermediates are freed and the input is kept for the next epoch.
     */
    private static Iterable<Batch> batches(List<NDArray> inputs, List<Integer> order) {
        return () -> order.stream().map(b -> {
            NDArray x = inputs.get(b);
            NDManager step = x.getManager().newSubManager();
            step.tempAttachAll(x);
            return new Batch(step, new NDList(x), new NDList(), (int) x.getShape().get(0), null, null, 0, 0);
        }).iterator();
    }
}
