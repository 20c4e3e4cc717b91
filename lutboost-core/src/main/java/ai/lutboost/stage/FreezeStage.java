package ai.lutboost.stage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.lutboost.LutBoostException;
import ai.lutboost.datasets.Split;
import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.BatchNormFolding;
import ai.lutboost.quant.TableQuantizer;
import ai.lutboost.recipe.StagesSection;
import ai.lutboost.training.TrainingLoop;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Stage 4: every LUT layer's table is computed ({@code T_j = P_j W_j}), a batch norm right after
 * the layer is folded into it and the bias, the table is quantized to {@code tableBits} signed
 * integers with a power-of-two scale per output column, and frozen. Training then goes on with
 * the tables fixed: centroids (so assignments adapt), temperatures, biases and the layers that
 * stay dense.
 */
public final class FreezeStage extends AbstractTrainingStage {

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
        Map<AbstractLutBlock, float[][]> folds = new IdentityHashMap<>();
        for (BatchNormFolding.Folded f : BatchNormFolding.find(model.block())) {
            folds.put(f.layer(), BatchNormFolding.affine(f.norm()));
        }
        NDManager manager = model.model().getNDManager();
        for (AbstractLutBlock layer : model.layers().values()) {
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
        model.removeFoldedNorms();
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
