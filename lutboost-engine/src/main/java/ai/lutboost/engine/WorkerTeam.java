package ai.lutboost.engine;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The calling thread and {@code threads - 1} helper threads sharing one call's tasks, which each
 * claims in turn until none is left.
 *
 * <p>Helpers keep polling for {@link #SPIN_NANOS} after a call before they park. Waking a parked
 * thread took about 50 microseconds on the 2-core machine of {@code docs/measurements.md}, as long
 * as a third of a LUT layer's batch; a fork-join pool, whose workers park at once, made a batch of
 * 64 on two threads slower than on one. Because tasks are claimed rather than assigned, a helper
 * that wakes late costs at most the tasks the caller ran meanwhile.
 *
 * <p>Teams are kept per size and lent to one call at a time, so concurrent calls never share one;
 * their helpers are daemon threads and live as long as the JVM.
 */
final class WorkerTeam {

    /** How long helpers poll for the next call before parking: a few LUT layers' batches. */
    static final long SPIN_NANOS = 100_000;

    private static final Map<Integer, Queue<WorkerTeam>> IDLE = new ConcurrentHashMap<>();
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final Helper[] helpers;
    /** The call being run or the last one; a helper works whenever it sees a new one. */
    private volatile Call current;

    private WorkerTeam(int threads) {
        helpers = new Helper[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper();
            helpers[i].start();
        }
    }

    /**
     * Runs {@code task} for every index below {@code tasks}, each exactly once, on the calling
     * thread and {@code threads - 1} helpers, and returns when all have finished.
     *
     * @param threads threads in all, at least 2
     * @param tasks how many indices
     * @param task what to run for one index
     * @throws RuntimeException the first exception a task threw, after every task has finished
     */
    static void run(int threads, int tasks, IntConsumer task) {
        Queue<WorkerTeam> idle = IDLE.computeIfAbsent(threads, t -> new ConcurrentLinkedQueue<>());
        WorkerTeam team = idle.poll();
        if (team == null) {
            team = new WorkerTeam(threads);
        }
        try {
            team.execute(tasks, task);
        } finally {
            idle.offer(team);
        }
    }

    private void execute(int tasks, IntConsumer task) {
        Call c = new Call(task, tasks, Thread.currentThread());
        current = c;
        for (Helper h : helpers) {
            if (h.parked) {
                LockSupport.unpark(h);
            }
        }
        c.work();
        long until = System.nanoTime() + SPIN_NANOS;
        while (c.done.get() < tasks) {
            if (System.nanoTime() < until) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
        Throwable f = c.failure;
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error e) {
            throw e;
        }
    }

    /**
     * One call's tasks and counters. Each call has its own, so a helper still finishing an earlier
     * call can never claim an index of the next.
     */
    private static final class Call {

        final IntConsumer job;
        final int tasks;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Call(IntConsumer job, int tasks, Thread caller) {
            this.job = job;
            this.tasks = tasks;
            this.caller = caller;
        }

        /** Claims and runs indices until none is left. */
        void work() {
            for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
                try {
                    job.accept(t);
                } catch (Throwable e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
                if (done.incrementAndGet() == tasks) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    private final class Helper extends Thread {

        volatile boolean parked;

        Helper() {
            super("lutboost-engine-" + NAMES.incrementAndGet());
            setDaemon(true);
        }

        @Override
        public void run() {
            Call seen = null;
            while (true) {
                long until = System.nanoTime() + SPIN_NANOS;
                while (current == seen) {
                    if (System.nanoTime() < until) {
                        Thread.onSpinWait();
                        continue;
                    }
                    parked = true;
                    if (current == seen) {
                        LockSupport.park(this);
                    }
                    parked = false;
                }
                seen = current;
                seen.work();
            }
        }
    }
}
