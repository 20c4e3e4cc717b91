package ai.lutboost.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.lutboost.model.VisionTransformer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Which ops of a transformer compute the class token alone, and that the logits do not change. */
class OneTokenOpsTest {

    private static final IntegerModel.Provenance PROVENANCE = new IntegerModel.Provenance("t", "", "0".repeat(64),
            0, "fashion-mnist", new float[] {0}, new float[] {1}, List.of("a", "b", "c"));
    private static final int[] INPUT = {1, 8, 8};

    private static IntegerModel model(NDManager m, VisionTransformer.Pooling pooling) throws Exception {
        Engine.getInstance().setRandomSeed(3);
        VisionTransformer vit = new VisionTransformer(new VisionTransformer.Config(3, 8, 4, 16, 2, 2, 32, pooling));
        vit.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8, 8));
        return IntegerModelBuilder.build(vit, INPUT, m.randomNormal(new Shape(128, 1, 8, 8)), 64, PROVENANCE);
    }

    @Test
    void theLastBlockComputesTheClassTokenAloneAndTheLogitsStay() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            IntegerModel model = model(m, VisionTransformer.Pooling.CLS);
            NDArray images = m.randomNormal(new Shape(40, 1, 8, 8));
            try (IntegerSimulation sim = new IntegerSimulation(model, m)) {
                double[] whole = sim.run(sim.quantizeInput(images)).get(model.output()).toDoubleArray();
                long[] expectedLogits = new long[whole.length];
                for (int i = 0; i < whole.length; i++) {
                    expectedLogits[i] = (long) whole[i];
                }
                assertArrayEquals(expectedLogits, sim.logits(images));
            }
            Map<String, Integer> expected = new TreeMap<>();
            for (String op : List.of("encoder2.attn.query", "encoder2.attn", "encoder2.attn.proj", "encoder2.add1",
                    "encoder2.ln2", "encoder2.mlp_fc1", "encoder2.gelu", "encoder2.mlp_fc2", "encoder2.add2", "norm")) {
                expected.put(op, 0);
            }
            assertEquals(expected, new TreeMap<>(OneTokenOps.of(model)),
                    "the keys and values of the last block, and the whole first block, take every token");
        }
    }
}
