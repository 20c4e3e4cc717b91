package ai.lutboost.model;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.lutboost.layer.LayerNames;

/**
 * A {@link SequentialBlock} whose children carry names chosen by the model author.
 *
 * <p>Recipes address layers by name ({@code conv2}, {@code fc1}), so zoo models name every layer
 * instead of taking DJL's class-derived names. DJL stores each child as {@code NN<name>} with a
 * two-digit position prefix; {@link LayerNames} strips it.
 */
public class NamedSequentialBlock extends SequentialBlock {

    /**
     * Appends a named child.
     *
     * @param name the layer name, unique within this block
     * @param block the child
     * @return this block
     */
    public NamedSequentialBlock add(String name, Block block) {
        if (getChildren().keys().stream().map(LayerNames::strip).anyMatch(name::equals)) {
            throw new IllegalArgumentException("layer name '" + name + "' is already used");
        }
        addChildBlock(name, block);
        return this;
    }
}
