package ai.lutboost.datasets;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import java.util.Iterator;
import java.util.Random;
import java.util.stream.LongStream;

/**
 * A shuffling sampler whose order depends only on a seed and the epoch number.
 *
 * <p>DJL's {@code RandomSampler} draws from a static generator that {@code Engine.setRandomSeed}
 * does not seed, so identical runs see different orders. Here epoch {@code e} uses its own
 * generator seeded from {@code (seed, e)}: identical runs see identical orders, and a run resumed
 * at epoch {@code e} sees the order an uninterrupted run would have seen.
 */
public final class SeededRandomSampler implements Sampler.SubSampler {

    private final long seed;
    private int epoch;

    /**
     * Creates a sampler starting at epoch 0.
     *
     * @param seed the seed
     */
    public SeededRandomSampler(long seed) {
        this.seed = seed;
    }

    /**
     * Sets the epoch whose order the next {@link #sample} call returns.
     *
     * @param epoch the epoch, from 0
     */
    public void setEpoch(int epoch) {
        this.epoch = epoch;
    }

    /**
     * Returns the epoch whose order the next {@link #sample} call returns.
     *
     * @return the epoch
     */
    public int getEpoch() {
        return epoch;
    }

    /** {@inheritDoc} */
    @Override
    public Iterator<Long> sample(RandomAccessDataset dataset) {
        long[] indices = LongStream.range(0, dataset.size()).toArray();
        Random random = new Random(seed * 1_000_003L + epoch);
        for (int i = indices.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = indices[i];
            indices[i] = indices[j];
            indices[j] = t;
        }
        epoch++;
        return LongStream.of(indices).iterator();
    }
}
