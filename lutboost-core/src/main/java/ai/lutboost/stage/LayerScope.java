package ai.lutboost.stage;

import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.Estimator;
import ai.lutboost.layer.LutMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Sets one setting of LUT layers, their mode or their estimator, and restores each layer's
 * previous value when closed.
 *
 * @param <T> the setting's type
 */
public final class LayerScope<T> implements AutoCloseable {

    private final List<AbstractLutBlock> layers;
    private final List<T> previous = new ArrayList<>();
    private final BiConsumer<AbstractLutBlock, T> setter;

    private LayerScope(
            Collection<AbstractLutBlock> layers, T value, Function<AbstractLutBlock, T> getter,
            BiConsumer<AbstractLutBlock, T> setter) {
        this.layers = List.copyOf(layers);
        this.setter = setter;
        for (AbstractLutBlock l : this.layers) {
            previous.add(getter.apply(l));
            if (value != null) {
                setter.accept(l, value);
            }
        }
    }

    /**
     * Sets the layers' mode until the scope closes.
     *
     * @param layers the layers
     * @param mode the mode
     * @return the scope
     */
    public static LayerScope<LutMode> mode(Collection<AbstractLutBlock> layers, LutMode mode) {
        return new LayerScope<>(layers, mode, AbstractLutBlock::getMode, AbstractLutBlock::setMode);
    }

    /**
     * Sets the layers' estimator until the scope closes.
     *
     * @param layers the layers
     * @param estimator the estimator, or null to leave each layer's as it is
     * @return the scope
     */
    public static LayerScope<Estimator> estimator(Collection<AbstractLutBlock> layers, Estimator estimator) {
        return new LayerScope<>(layers, estimator, AbstractLutBlock::getEstimator, AbstractLutBlock::setEstimator);
    }

    /** Restores every layer's previous value. */
    @Override
    public void close() {
        for (int i = 0; i < layers.size(); i++) {
            setter.accept(layers.get(i), previous.get(i));
        }
    }
}
