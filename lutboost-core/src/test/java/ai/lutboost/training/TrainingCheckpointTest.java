package ai.lutboost.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.lutboost.model.LeNet5;
import ai.lutboost.model.ResidualCnn;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCheckpointTest {

    @TempDir Path dir;

    private static Block initializedLeNet(NDManager manager) {
        Block block = LeNet5.build(10);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
        return block;
    }

    private static float[] logits(Block block, NDManager manager) {
        NDArray x = manager.ones(new Shape(1, 1, 28, 28));
        return block.forward(new ParameterStore(manager, false), new NDList(x), false).head().toFloatArray();
    }

    @Test
    void saveLoadGivesIdenticalOutputsAndPrunesOldFiles() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block a = initializedLeNet(manager);
            TrainingCheckpoint.State state = new TrainingCheckpoint.State("abc", 1, false,
                    List.of(new EpochMetrics(1, 0.5, 0.8, 0.81, 1e-3, 2.0, 100)));
            Files.writeString(dir.resolve(".baseline-epoch-0001123.tmp"), "left by a killed run");
            for (int e = 1; e <= 4; e++) {
                TrainingCheckpoint.write(dir, "baseline-epoch-000" + e, state, a, new byte[] {1, 2, 3});
                TrainingCheckpoint.prune(dir, "baseline-epoch-");
            }
            try (Stream<Path> s = Files.list(dir)) {
                assertEquals(List.of("baseline-epoch-0003.ckpt", "baseline-epoch-0004.ckpt"),
                        s.map(p -> p.getFileName().toString()).sorted().toList());
            }
            Path latest = TrainingCheckpoint.latest(dir, "baseline-epoch-").orElseThrow();
            TrainingCheckpoint.Loaded loaded = TrainingCheckpoint.read(latest);
            assertEquals(state, loaded.state());
            assertArrayEquals(new byte[] {1, 2, 3}, loaded.optimizer());
            Block b = initializedLeNet(manager);
            loaded.loadInto(manager, b);
            assertArrayEquals(logits(a, manager), logits(b, manager));
        }
    }

    @Test
    void anUnmeasuredValidationIsWrittenAsNullAndReadBackAsNaN() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block a = initializedLeNet(manager);
            TrainingCheckpoint.State state = new TrainingCheckpoint.State("s", 1, true,
                    List.of(new EpochMetrics(1, 0.5, 0.8, Double.NaN, 1e-3, 2.0, 100)));
            Path f = TrainingCheckpoint.write(dir, "x", state, a, new byte[0]);
            byte[] bytes = Files.readAllBytes(f);
            // The state blob follows the 8-byte magic and the 4-byte version, behind its length.
            String json = new String(bytes, 16, ByteBuffer.wrap(bytes, 12, 4).getInt(), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"validationAccuracy\": null"), json);
            assertFalse(json.contains("NaN"), json);
            assertTrue(Double.isNaN(TrainingCheckpoint.read(f).state().history().get(0).validationAccuracy()));
        }
    }

    @Test
    void parametersOfAnotherShapeAreRefusedWithTheirName() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path f = TrainingCheckpoint.write(dir, "x", new TrainingCheckpoint.State("s", 0, false, List.of()),
                    initializedLeNet(manager), new byte[0]);
            Block wider = LeNet5.build(12);
            wider.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            String message = assertThrows(CheckpointException.class,
                    () -> TrainingCheckpoint.read(f).loadInto(manager, wider)).getMessage();
            assertEquals(f + ": parameter fc3.weight has shape (10, 84) in the checkpoint but (12, 84) in this"
                    + " model; was it written by another recipe?", message);
        }
    }

    @Test
    void aCheckpointOfAnotherModelIsRefusedNamingTheFirstParameterThatDiffers() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path f = TrainingCheckpoint.write(dir, "lenet", new TrainingCheckpoint.State("s", 0, false, List.of()),
                    initializedLeNet(manager), new byte[0]);
            Block resnet = ResidualCnn.build(10, List.of(4, 8), 1);
            resnet.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            String message = assertThrows(CheckpointException.class,
                    () -> TrainingCheckpoint.read(f).loadInto(manager, resnet)).getMessage();
            assertTrue(message.startsWith(f + ": parameter conv1.weight has shape (6, 1, 5, 5) in the checkpoint but"),
                    message);

            Block fewer = new SequentialBlock().add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(10).build());
            fewer.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            message = assertThrows(CheckpointException.class,
                    () -> TrainingCheckpoint.read(f).loadInto(manager, fewer)).getMessage();
            assertTrue(message.startsWith(f + ": parameter 1 is Linear.weight in this model but conv1.weight in the"
                    + " checkpoint (the model has 2 parameters, the checkpoint 10)"), message);
        }
    }

    @Test
    void damagedFilesAreNamed() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block a = initializedLeNet(manager);
            Path f = TrainingCheckpoint.write(dir, "x", new TrainingCheckpoint.State("s", 0, false, List.of()), a, new byte[0]);
            byte[] bytes = Files.readAllBytes(f);
            Files.write(f, Arrays.copyOf(bytes, bytes.length - 10));
            assertTrue(assertThrows(CheckpointException.class, () -> TrainingCheckpoint.read(f))
                    .getMessage().contains("SHA-256 mismatch"));
            Files.write(f, new byte[] {1, 2, 3});
            assertEquals(f + ": not a LUTBoost checkpoint (bad header)",
                    assertThrows(CheckpointException.class, () -> TrainingCheckpoint.read(f)).getMessage());
        }
    }
}
