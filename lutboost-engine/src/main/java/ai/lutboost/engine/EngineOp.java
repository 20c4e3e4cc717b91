package ai.lutboost.engine;

/** One op of a loaded model, run on one sample's tensors. */
abstract class EngineOp {

    final String name;
    final int[] inputs;
    final int output;

    EngineOp(String name, int[] inputs, int output) {
        this.name = name;
        this.inputs = inputs;
        this.output = output;
    }

    /**
     * Computes the output tensor from the inputs.
     *
     * @param tensors every tensor of the sample by index; the output's slot is written
     */
    abstract void run(int[][] tensors);
}
