package ai.lutboost.stage;

import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.Estimator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Sets LUT layers' estimator and restores each one's previous estimator when closed. */
public final class EstimatorScope implements AutoCloseable {

    private final List<AbstractLutBlock> layers;
    private final List<Estimator> previous = new ArrayList<>();

    private EstimatorScope(Collection<AbstractLutBlock> layers, Estimator estimator) {
        this.layers = List.copyOf(layers);
        for (AbstractLutBlock l : this.layers) {
            previous.add(l.getEstimator());
            if (estimator != null) {
                l.setEstimator(estimator);
            }
        }
    }

    /**
     * Sets the layers' estimator until the scope closes.
     *
     * @param layers the layers
     * @param estimator the estimator, or null to leave each layer's as it is
     * @return the scope
     */
    public static EstimatorScope of(Collection<AbstractLutBlock> layers, Estimator estimator) {
        return new EstimatorScope(layers, estimator);
    }

    /** Restores the estimators. */
    @Override
    public void close() {
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).setEstimator(previous.get(i));
        }
    }
}
