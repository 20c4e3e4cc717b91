package ai.lutboost.quant;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A frozen model as the accelerator runs it: tensors with fixed-point formats and the integer ops
 * between them, plus what a bundle records about where it came from.
 *
 * @param tensors every tensor, the input first
 * @param ops the ops in execution order
 * @param input the input tensor's name
 * @param output the logits tensor's name
 * @param provenance recipe, seed, dataset and labels
 */
public record IntegerModel(
        List<IntegerTensor> tensors, List<IntegerOp> ops, String input, String output, Provenance provenance) {

    /**
     * Where the model came from and how its input is prepared.
     *
     * @param recipeName the recipe's name
     * @param recipeYaml the resolved recipe
     * @param recipeSha256 its SHA-256
     * @param seed the recipe's seed
     * @param dataset the dataset's name
     * @param mean per-channel mean of the input normalization
     * @param std per-channel std of the input normalization
     * @param labels class names by index
     */
    public record Provenance(
            String recipeName, String recipeYaml, String recipeSha256, long seed, String dataset, float[] mean,
            float[] std, List<String> labels) {}

    /** Copies the lists. */
    public IntegerModel {
        tensors = List.copyOf(tensors);
        ops = List.copyOf(ops);
    }

    /**
     * Returns the tensors by name.
     *
     * @return an insertion-ordered map
     */
    public Map<String, IntegerTensor> tensorsByName() {
        Map<String, IntegerTensor> map = new LinkedHashMap<>();
        tensors.forEach(t -> map.put(t.name(), t));
        return map;
    }

    /**
     * Returns one tensor.
     *
     * @param name its name
     * @return the tensor
     * @throws IllegalArgumentException if there is none of that name
     */
    public IntegerTensor tensor(String name) {
        for (IntegerTensor t : tensors) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no tensor named " + name);
    }
}
