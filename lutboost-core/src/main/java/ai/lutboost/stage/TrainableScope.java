package ai.lutboost.stage;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Freezes every parameter of a block but the chosen ones, and restores each parameter's previous
 * state when closed: stage 2 trains only one layer's centroids and temperature.
 */
public final class TrainableScope implements AutoCloseable {

    private final List<Parameter> changed = new ArrayList<>();
    private final List<Boolean> wasTrainable = new ArrayList<>();

    private TrainableScope(Block block, Collection<Parameter> trainable) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter param = p.getValue();
            boolean train = trainable.contains(param);
            if (param.requiresGradient() != train) {
                changed.add(param);
                wasTrainable.add(param.requiresGradient());
                param.freeze(!train);
            }
        }
    }

    /**
     * Makes only the given parameters trainable until the scope closes.
     *
     * @param block the model
     * @param trainable the parameters to train
     * @return the scope
     */
    public static TrainableScope only(Block block, Collection<Parameter> trainable) {
        return new TrainableScope(block, trainable);
    }

    /** Restores every parameter's trainability. */
    @Override
    public void close() {
        for (int i = 0; i < changed.size(); i++) {
            changed.get(i).freeze(!wasTrainable.get(i));
        }
    }
}
