package ai.lutboost.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.lutboost.layer.AbstractLutBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Times training steps of blocks in one process, interleaved in rounds so that whatever else the
 * machine does slows all alike. A LUT layer's hard-estimator terms are part of its step's loss.
 */
public final class TrainStepBenchmark {

    private TrainStepBenchmark() {}

    /** One block under test, with its trainer and fixed data. */
    private static final class Subject implements AutoCloseable {
        final String name;
        final Model model;
        final Trainer trainer;
        final NDArray input;
        final NDArray target;
        final long[] nanos;
        int measured;

        final List<NDArray> estimatorLosses = new ArrayList<>();

        Subject(String name, Block block, Shape inputShape, int steps, Runnable setup) {
            this.name = name;
            model = Model.newInstance(name);
            model.setBlock(block);
            trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(1e-3f)).build()));
            trainer.initialize(inputShape);
            if (setup != null) {
                setup.run();
            }
            if (block instanceof AbstractLutBlock lut) {
                lut.setEstimatorLosses(estimatorLosses);
            }
            NDManager m = trainer.getManager();
            input = m.randomNormal(inputShape);
            Shape out = block.getOutputShapes(new Shape[] {inputShape})[0];
            target = m.randomNormal(out);
            nanos = new long[steps];
        }

        void step(boolean record) {
            long start = System.nanoTime();
            // A step's outputs and loss belong to the step, as a training loop's belong to its
            // closed batch; kept in the trainer's manager they would pile up and read as a leak.
            try (NDManager scope = trainer.getManager().newSubManager();
                    GradientCollector gc = trainer.newGradientCollector()) {
                scope.tempAttachAll(input, target);
                NDList pred = trainer.forward(new NDList(input));
                // Not DJL's L2Loss: its mul(0.5) leaves backward reading a freed scalar (see
                // Scalars), and garbage in the weights would time other arithmetic.
                NDArray loss = pred.singletonOrThrow().sub(target).square().mean();
                loss = AbstractLutBlock.addEstimatorLosses(loss, estimatorLosses, scope);
                gc.backward(loss);
                // Reading the loss waits for the step, so the timing covers all of it.
                loss.getFloat();
            }
            trainer.step();
            if (record) {
                nanos[measured++] = System.nanoTime() - start;
            }
        }

        StepTiming timing() {
            return StepTiming.of(name, Arrays.copyOf(nanos, measured));
        }

        @Override
        public void close() {
            trainer.close();
            model.close();
        }
    }

    /**
     * A block to time.
     *
     * @param name its name in the report
     * @param block the block
     * @param setup run once the block is initialized (a LUT layer frozen to its table, say, which
     *     needs initialized centroids and weights), or null
     */
    public record Candidate(String name, Block block, Runnable setup) {

        /**
         * A block that needs no setup.
         *
         * @param name its name in the report
         * @param block the block
         * @return the candidate
         */
        public static Candidate of(String name, Block block) {
            return new Candidate(name, block, null);
        }
    }

    /**
     * Times blocks' training steps, interleaved in rounds of ten steps each.
     *
     * @param candidates the blocks; the first is the reference (a DJL dense layer)
     * @param inputShape the input shape, batch first
     * @param warmup unrecorded steps of each before measuring
     * @param steps recorded steps of each
     * @param progress called with the steps done so far, or null
     * @return the timings, in the candidates' order
     */
    public static StepTiming[] compare(
            List<Candidate> candidates, Shape inputShape, int warmup, int steps, LongConsumer progress) {
        List<Subject> subjects = new ArrayList<>();
        try {
            for (Candidate c : candidates) {
                subjects.add(new Subject(c.name(), c.block(), inputShape, steps, c.setup()));
            }
            for (int i = 0; i < warmup; i++) {
                subjects.forEach(s -> s.step(false));
            }
            int round = 10;
            for (int done = 0; done < steps; done += round) {
                int n = Math.min(round, steps - done);
                for (Subject s : subjects) {
                    for (int i = 0; i < n; i++) {
                        s.step(true);
                    }
                }
                if (progress != null) {
                    progress.accept(done + n);
                }
            }
            return subjects.stream().map(Subject::timing).toArray(StepTiming[]::new);
        } finally {
            subjects.forEach(Subject::close);
        }
    }

    /**
     * Times the part of a straight-through step that any soft-to-hard formulation has to do: the
     * softmax over the {@code [C, rows, K]} scores and the soft mix of centroids it weighs,
     * forward and backward. The scores themselves, the hard path, the input's sub-vectors and the
     * dense product come on top, so a LUT step can be no faster than this.
     *
     * @param codebooks {@code C}
     * @param rows the sub-vectors per codebook in a batch
     * @param k centroids per codebook
     * @param v the sub-vector length
     * @param warmup unrecorded repetitions first
     * @param steps recorded repetitions
     * @return the timing
     */
    public static StepTiming softAssignment(long codebooks, long rows, long k, long v, int warmup, int steps) {
        long[] nanos = new long[steps];
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray scores = manager.randomNormal(new Shape(codebooks, rows, k));
            NDArray centroids = manager.randomNormal(new Shape(codebooks, k, v));
            scores.setRequiresGradient(true);
            centroids.setRequiresGradient(true);
            for (int i = 0; i < warmup + steps; i++) {
                long start = System.nanoTime();
                try (NDManager scope = manager.newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    scope.tempAttachAll(scores, centroids);
                    NDArray soft = scores.softmax(2).matMul(centroids);
                    gc.backward(soft.sum());
                    // Reading a gradient waits for the backward pass.
                    scores.getGradient().getFloat(0, 0, 0);
                }
                if (i >= warmup) {
                    nanos[i - warmup] = System.nanoTime() - start;
                }
            }
        }
        return StepTiming.of("soft assignment", nanos);
    }

    /**
     * Runs training steps of one block and reads the process's peak resident memory over them.
     *
     * @param block the block
     * @param inputShape the input shape
     * @param steps how many steps
     * @return the peak resident set size in kB since the steps began, or -1 where the kernel
     *     cannot reset the peak
     */
    public static long peakMemory(Block block, Shape inputShape, int steps) {
        try (Subject s = new Subject("memory", block, inputShape, 0, null)) {
            if (!ResidentMemory.resetPeak()) {
                return -1;
            }
            for (int i = 0; i < steps; i++) {
                s.step(false);
            }
            return ResidentMemory.peakKilobytes();
        }
    }

    /**
     * Runs training steps of one block and samples the process's resident memory.
     *
     * @param block the block
     * @param inputShape the input shape
     * @param steps how many steps
     * @return resident set size in kB: after the first step, after 10 % of the steps, at the end
     */
    public static long[] residentMemory(Block block, Shape inputShape, int steps) {
        try (Subject s = new Subject("memory", block, inputShape, 0, null)) {
            s.step(false);
            long first = ResidentMemory.kilobytes();
            long tenth = first;
            for (int i = 1; i < steps; i++) {
                s.step(false);
                if (i == steps / 10) {
                    tenth = ResidentMemory.kilobytes();
                }
            }
            return new long[] {first, tenth, ResidentMemory.kilobytes()};
        }
    }
}
