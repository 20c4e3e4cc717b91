package ai.lutboost.stage;

import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.LutMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Sets LUT layers to a mode and restores each one's previous mode when closed. */
public final class ModeScope implements AutoCloseable {

    private final List<AbstractLutBlock> layers;
    private final List<LutMode> previous = new ArrayList<>();

    private ModeScope(Collection<AbstractLutBlock> layers, LutMode mode) {
        this.layers = List.copyOf(layers);
        for (AbstractLutBlock l : this.layers) {
            previous.add(l.getMode());
            l.setMode(mode);
        }
    }

    /**
     * Sets the layers' mode until the scope closes.
     *
     * @param layers the layers
     * @param mode the mode
     * @return the scope
     */
    public static ModeScope of(Collection<AbstractLutBlock> layers, LutMode mode) {
        return new ModeScope(layers, mode);
    }

    /** Restores the modes. */
    @Override
    public void close() {
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).setMode(previous.get(i));
        }
    }
}
