package ai.lutboost.stage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.lutboost.LutBoostException;
import ai.lutboost.datasets.ImageClassificationDataset;
import ai.lutboost.datasets.Split;
import ai.lutboost.graph.LoweringException;
import ai.lutboost.graph.RoundedAdd;
import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.BatchNormFolding;
import ai.lutboost.layer.InputQuantization;
import ai.lutboost.quant.DatapathGrids;
import ai.lutboost.quant.FixedPointFormat;
import ai.lutboost.quant.IntegerModelBuilder;
import ai.lutboost.quant.TableQuantizer;
import ai.lutboost.recipe.StagesSection;
import ai.lutboost.training.ShutdownGate;
import ai.lutboost.training.TrainingLoop;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Stage 4: every LUT layer's table is computed ({@code T_j = P_j W_j}), a batch norm right after
 * the layer is folded into it and the bias, the table is quantized to {@code tableBits} signed
 * integers with a power-of-two scale per output column, and frozen. A batch norm after a dense
 * conv is folded into that conv, as the datapath folds it. Training then goes on with the tables
 * fixed: centroids (so assignments adapt), temperatures and biases. Before that training, each
 * LUT layer's input format is calibrated as the export calibrates it and recorded on the layer:
 * from then on the layer rounds its input and centroids to that grid and its bias to its table's
 * fraction (straight-through in training), residual adds round their operands and sum as the
 * datapath does, and dense layers with no batch norm after them take their int8 weights and keep
 * them, so assignments adapt to the datapath's rounding and the stage's accuracy is that of the
 * model the accelerator runs.
 */
public final class FreezeStage extends AbstractTrainingStage {

    /** As the export calibrates: a residual CNN's first LUT convs need about 1 GB per 32 images. */
    private static final int CALIBRATION_BATCH = 32;

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "freeze";
    }

    /** {@inheritDoc} */
    @Override
    public List<String> requires() {
        return List.of("finetune");
    }

    @Override
    Settings settings(StageContext ctx) {
        StagesSection.FreezeSettings f = ctx.recipe().stages().freeze();
        return new Settings(f.epochs(), f.batchSize(), f.learningRate(), 0);
    }

    @Override
    void prepare(StageContext ctx) throws LutBoostException {
        freeze(ctx.model());
        quantizeInputs(ctx);
        ctx.log(String.format(Locale.ROOT,
                "freeze: %d tables quantized and frozen; validation accuracy before training on: %.2f %%",
                ctx.model().layers().size(), 100 * ctx.accuracy(Split.VALIDATION)));
    }

    /**
     * Computes, folds, quantizes and freezes every LUT layer's table, then removes the folded
     * batch norms.
     *
     * @param model the converted model, trained through stage 3
     */
    public static void freeze(ConvertedModel model) {
        freeze(model.block(), model.layers().values(), model.model().getNDManager());
    }

    /**
     * Computes, folds, quantizes and freezes the tables of a model's LUT layers, then removes the
     * folded batch norms, and folds each batch norm after a dense conv into that conv: the freeze
     * without a recipe, for a model built in code.
     *
     * @param root the model
     * @param layers its LUT layers
     * @param manager the manager the frozen tables live on
     */
    public static void freeze(Block root, Collection<AbstractLutBlock> layers, NDManager manager) {
        Map<AbstractLutBlock, float[][]> folds = new IdentityHashMap<>();
        List<BatchNormFolding.Folded> folded = BatchNormFolding.find(root);
        for (BatchNormFolding.Folded f : folded) {
            folds.put(f.layer(), BatchNormFolding.affine(f.norm()));
        }
        for (AbstractLutBlock layer : layers) {
            int n = (int) layer.getUnits();
            NDArray computed = layer.computeTable();
            float[] table = computed.toFloatArray();
            computed.close();
            float[] bias = layer.getBias().getArray().toFloatArray();
            float[][] affine = folds.get(layer);
            if (affine != null) {
                for (int i = 0; i < table.length; i++) {
                    table[i] *= affine[0][i % n];
                }
                for (int i = 0; i < n; i++) {
                    bias[i] = affine[0][i] * bias[i] + affine[1][i];
                }
            }
            TableQuantizer.QuantizedTable q = TableQuantizer.quantize(table, n, layer.getSpec().tableBits());
            layer.freezeTable(manager.create(q.dequantized(), new Shape(layer.getCodebooks(), layer.getSpec().k(), n)),
                    q.fractionBits());
            layer.getBias().getArray().set(bias);
        }
        BatchNormFolding.removeNorms(folded);
        BatchNormFolding.foldConvs(BatchNormFolding.findConvs(root), true);
    }

    /**
     * Rounds the dense layers' weights to int8, calibrates each LUT layer's input format on the
     * calibration images, and makes the layer round to it.
     */
    private static void quantizeInputs(StageContext ctx) throws LutBoostException {
        ConvertedModel model = ctx.model();
        model.setDatapathPlan(null);
        int[] shape = sampleShape(ctx);
        DatapathGrids grids;
        List<String> dense;
        try (NDManager scope = model.model().getNDManager().newSubManager()) {
            NDArray images = calibrationImages(ctx, scope);
            dense = IntegerModelBuilder.roundDenseWeights(model.block(), shape);
            grids = IntegerModelBuilder.datapathGrids(model.block(), shape, images, CALIBRATION_BATCH);
        } catch (LoweringException e) {
            // A model with a block the datapath lacks (a user's own layer) still freezes its
            // tables; it only cannot be exported, and the export says why.
            ctx.log("freeze: LUT inputs stay unrounded, the model has no integer datapath: " + e.getMessage());
            return;
        }
        if (!dense.isEmpty()) {
            ctx.log("freeze: dense weights rounded to int8 and frozen: " + String.join(", ", dense));
        }
        StringBuilder line = new StringBuilder("freeze: LUT inputs and centroids rounded to");
        for (Map.Entry<AbstractLutBlock, FixedPointFormat> e : grids.lutInputs().entrySet()) {
            FixedPointFormat f = e.getValue();
            e.getKey().setInputQuantization(new InputQuantization(f.bits(), f.fractionBits()));
            line.append(' ').append(e.getKey().getName()).append(' ').append(f);
        }
        ctx.log(line.toString());
        if (!grids.adds().isEmpty()) {
            grids.adds().forEach(RoundedAdd::setAddRounding);
            ctx.log("freeze: " + grids.adds().size()
                    + " residual adds round their operands and sums as the datapath does");
        }
    }

    /**
     * Calibrates the datapath plan on the model as training leaves it, once: the export builds the
     * integer model from it. A model with no integer datapath gets none.
     */
    @Override
    void afterTraining(StageContext ctx) throws LutBoostException {
        ConvertedModel model = ctx.model();
        int[] shape = sampleShape(ctx);
        long start = System.nanoTime();
        try (NDManager scope = model.model().getNDManager().newSubManager();
                ShutdownGate.Region region = ShutdownGate.enter("the datapath calibration")) {
            NDArray images = ctx.firstTrainingImages(IntegerModelBuilder.DEFAULT_CALIBRATION, scope);
            int count = (int) images.getShape().get(0);
            model.setDatapathPlan(IntegerModelBuilder.plan(model.block(), shape, images, CALIBRATION_BATCH,
                    done -> region.safePoint("calibration image", done, count)));
        } catch (LoweringException e) {
            ctx.log("freeze: no datapath plan, the model has no integer datapath: " + e.getMessage());
            return;
        }
        ctx.log(String.format(Locale.ROOT, "freeze: datapath plan calibrated, %d tensor formats on %d images (%.1f s)",
                model.datapathPlan().formats().size(), model.datapathPlan().calibrationImages(),
                (System.nanoTime() - start) / 1e9));
    }

    private static int[] sampleShape(StageContext ctx) {
        return Arrays.stream(ctx.inputShape().slice(1).getShape()).mapToInt(Math::toIntExact).toArray();
    }

    /** The first training images the formats are calibrated on, in one array. */
    private static NDArray calibrationImages(StageContext ctx, NDManager scope) throws LutBoostException {
        ImageClassificationDataset data = ctx.calibration(IntegerModelBuilder.DEFAULT_CALIBRATION, CALIBRATION_BATCH);
        NDList batches = new NDList();
        // Each batch is closed after the action: its images move to the scope first.
        StageContext.forEachBatch(data, scope, x -> {
            NDArray batch = x.head();
            batch.attach(scope);
            batches.add(batch);
        });
        return NDArrays.concat(batches);
    }

    @Override
    TrainingLoop.BatchLoss loss(StageContext ctx) {
        return null;
    }

    @Override
    boolean measuresReconstruction() {
        return false;
    }
}
