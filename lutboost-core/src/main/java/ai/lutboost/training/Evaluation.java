package ai.lutboost.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.translate.TranslateException;
import ai.lutboost.LutBoostException;
import java.io.IOException;

/** Classification accuracy of a block on a dataset, in inference mode. */
public final class Evaluation {

    private Evaluation() {}

    /**
     * Counts correct top-1 predictions.
     *
     * @param block the model
     * @param dataset the data, with sequential sampling
     * @param manager a manager for the batches
     * @return the accuracy in [0, 1]; NaN for an empty dataset
     * @throws LutBoostException if the data cannot be read
     */
    public static double accuracy(Block block, RandomAccessDataset dataset, NDManager manager)
            throws LutBoostException {
        long correct = 0;
        long total = 0;
        ParameterStore ps = new ParameterStore(manager, false);
        int size = Math.toIntExact(dataset.size());
        try (ShutdownGate.Region region = ShutdownGate.enter("evaluation")) {
            for (Batch batch : dataset.getData(manager)) {
                try (batch) {
                    NDList out = block.forward(ps, batch.getData(), false);
                    NDArray predicted = out.head().argMax(1).toType(DataType.INT64, false);
                    NDArray labels = batch.getLabels().head().toType(DataType.INT64, false);
                    correct += predicted.eq(labels).sum().getLong();
                    total += labels.size();
                }
                region.safePoint("sample", (int) total, size);
            }
        } catch (IOException | TranslateException e) {
            throw new LutBoostException("cannot read evaluation data: " + e.getMessage(), e);
        }
        return total == 0 ? Double.NaN : (double) correct / total;
    }
}
