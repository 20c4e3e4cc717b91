package ai.lutboost.stage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.ParameterStore;
import ai.lutboost.LutBoostException;
import ai.lutboost.datasets.ImageClassificationDataset;
import ai.lutboost.kmeans.BatchedKMeans;
import ai.lutboost.kmeans.KMeansConfig;
import ai.lutboost.kmeans.KMeansResult;
import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.LutMode;
import ai.lutboost.recipe.StagesSection;
import ai.lutboost.training.ShutdownGate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Stage 1: each LUT layer's centroids from k-means++ and Lloyd on its float inputs (im2col rows
 * for a convolution) over the calibration samples, all codebooks of a layer at once.
 *
 * <p>Every layer runs dense while the inputs are read, so each sees the baseline's activations.
 * Rows are sampled per batch so that at most a bounded number per layer is kept, whatever the
 * layer's output size.
 */
public final class CentroidInitStage implements Stage {

    private static final int BATCH = 256;

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "kmeans";
    }

    /** {@inheritDoc} */
    @Override
    public List<String> requires() {
        return List.of("baseline");
    }

    /** {@inheritDoc} */
    @Override
    public StageResult run(StageContext ctx) throws LutBoostException {
        long start = System.nanoTime();
        StagesSection.KMeansSettings s = ctx.recipe().stages().kmeans();
        Map<String, AbstractLutBlock> layers = ctx.model().layers();
        ImageClassificationDataset data = ctx.calibration(s.samples(), BATCH);
        int batches = (int) ((data.size() + BATCH - 1) / BATCH);
        NDManager manager = ctx.model().model().getNDManager();
        Random random = new Random(ctx.recipe().seed());
        Map<String, List<NDArray>> rows = new LinkedHashMap<>();
        try (NDManager keep = manager.newSubManager()) {
            try (LayerScope<LutMode> dense = LayerScope.mode(layers.values(), LutMode.DENSE)) {
                for (Map.Entry<String, AbstractLutBlock> e : layers.entrySet()) {
                    AbstractLutBlock layer = e.getValue();
                    List<NDArray> kept = new ArrayList<>();
                    rows.put(e.getKey(), kept);
                    long target = Math.max((long) s.pointsPerCentroid() * layer.getSpec().k(), s.samples());
                    int quota = (int) ((target + batches - 1) / batches);
                    layer.setInputListener(x -> kept.add(sample(layer.rows(x), quota, random, keep)));
                }
                ParameterStore ps = new ParameterStore(manager, false);
                StageContext.forEachBatch(data, manager, x -> ctx.model().block().forward(ps, x, false));
            } finally {
                layers.values().forEach(l -> l.setInputListener(null));
            }
            int index = 0;
            try (ShutdownGate.Region region = ShutdownGate.enter("k-means")) {
                for (Map.Entry<String, AbstractLutBlock> e : layers.entrySet()) {
                    AbstractLutBlock layer = e.getValue();
                    NDArray all = NDArrays.concat(new NDList(rows.get(e.getKey())), 0);
                    KMeansConfig config = new KMeansConfig(layer.getSpec().k(), layer.getSpec().metric(),
                            s.iterations(), 1e-4, s.pointsPerCentroid(),
                            KMeansConfig.DEFAULT_REFINE_ITERATIONS, ctx.recipe().seed() + index++);
                    KMeansResult result = BatchedKMeans.fit(layer.subVectors(all), config);
                    layer.getCentroids().getArray().set(result.centroids().toFloatArray());
                    ctx.log(String.format(Locale.ROOT,
                            "kmeans %-24s %d codebooks x K=%d, v=%d, %s on %d rows: %d iterations, %d re-seeded",
                            e.getKey(), layer.getCodebooks(), layer.getSpec().k(), layer.getSpec().v(),
                            layer.getSpec().metric(), all.getShape().get(0), result.iterations(), result.reseeded()));
                    region.safePoint("layer", index, layers.size());
                }
            }
        }
        Map<String, Double> errors = ctx.reconstructionErrors(s.samples());
        return ctx.result(name(), start, null, errors, List.of());
    }

    private static NDArray sample(NDArray rows, int quota, Random random, NDManager keep) {
        int r = (int) rows.getShape().get(0);
        NDArray picked;
        if (r <= quota) {
            picked = rows.duplicate();
        } else {
            int[] order = new int[r];
            for (int i = 0; i < r; i++) {
                order[i] = i;
            }
            long[] chosen = new long[quota];
            for (int i = 0; i < quota; i++) {
                int j = i + random.nextInt(r - i);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
                chosen[i] = order[i];
            }
            picked = rows.get(new NDIndex("{}", rows.getManager().create(chosen)));
        }
        picked.attach(keep);
        return picked;
    }
}
