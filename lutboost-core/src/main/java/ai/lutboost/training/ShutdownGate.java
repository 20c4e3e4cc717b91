package ai.lutboost.training;

import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets a JVM asked to stop (Ctrl-C, SIGTERM) wait until the native work in progress reaches a
 * safe point.
 *
 * <p>On those signals the JVM runs its shutdown hooks and then the native exit handlers, which
 * tear down libtorch's operator registry. A thread that calls into libtorch after that crashes,
 * and the JVM writes an {@code hs_err} file and a core dump: measured, 8 of 8 SIGTERMs during
 * ViT-tiny fine-tuning, whose backward pass takes seconds. The hook installed here waits, for a
 * bounded time, until a thread inside a {@link Region} (a training epoch, k-means, a pass over
 * calibration, evaluation, export or verify data) reaches its next safe point or leaves the
 * region; that thread then stops there for good. Work is checkpointed at stage and epoch ends,
 * so {@code --resume} continues from the last checkpoint.
 */
public final class ShutdownGate {

    private static final long WAIT_SECONDS = 120;
    private static final AtomicInteger ACTIVE = new AtomicInteger();
    private static final CountDownLatch STOPPED = new CountDownLatch(1);
    private static volatile boolean stopping;
    private static volatile String advice;

    static {
        // Installed when the first region loads this class.
        Runtime.getRuntime().addShutdownHook(new Thread(ShutdownGate::awaitSafePoint, "lutboost-shutdown"));
    }

    private ShutdownGate() {}

    /**
     * Sets what the stop message advises after saying where work stopped ("stopping on request
     * after step 22/422 of finetune 1/10; " + advice).
     *
     * @param text how to continue, e.g. with {@code --resume}
     */
    public static void setAdvice(String text) {
        advice = Objects.requireNonNull(text, "text");
    }

    /**
     * Enters a stretch of native work that a stop request waits for.
     *
     * @param activity what the work is, for the message, e.g. {@code "finetune 1/10"}
     * @return the region, to close when the work ends
     */
    public static Region enter(String activity) {
        ACTIVE.incrementAndGet();
        return new Region(activity);
    }

    private static void stopHere(String where) {
        String then = advice;
        System.err.println("stopping on request after " + where + (then == null ? "" : "; " + then));
        STOPPED.countDown();
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // Not even an interrupt may let this thread back into libtorch while it unloads.
            }
        }
    }

    private static void awaitSafePoint() {
        stopping = true;
        if (ACTIVE.get() > 0) {
            try {
                STOPPED.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Native work between safe points; closing it is a safe point too. */
    public static final class Region implements AutoCloseable {

        private final String activity;

        private Region(String activity) {
            this.activity = activity;
        }

        /**
         * A safe point: if the JVM is shutting down, reports where and blocks the calling thread
         * until the JVM has exited around it.
         *
         * @param unit what was just done, e.g. {@code "step"}
         * @param done how many of them are done
         * @param total how many there are
         */
        public void safePoint(String unit, int done, int total) {
            if (stopping) {
                stopHere(unit + " " + done + "/" + total + " of " + activity);
            }
        }

        /**
         * Says whether the JVM has been asked to stop, so that work can be saved before the next
         * safe point stops the thread; libtorch stays loaded until that safe point is reached.
         *
         * @return whether a stop is requested
         */
        public boolean stopRequested() {
            return stopping;
        }

        /** Leaves the region; if the JVM is shutting down, stops here instead. */
        @Override
        public void close() {
            if (stopping) {
                stopHere(activity);
            }
            ACTIVE.decrementAndGet();
        }
    }
}
