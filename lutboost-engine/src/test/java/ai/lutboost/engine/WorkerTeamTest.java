package ai.lutboost.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class WorkerTeamTest {

    @Test
    void everyIndexRunsOnceInEveryCall() {
        Random r = new Random(3);
        for (int call = 0; call < 2_000; call++) {
            int tasks = 1 + r.nextInt(9);
            int threads = 2 + r.nextInt(3);
            AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
            WorkerTeam.run(threads, tasks, runs::incrementAndGet);
            for (int t = 0; t < tasks; t++) {
                assertEquals(1, runs.get(t), "call " + call + ", index " + t + " of " + tasks);
            }
            if (call % 100 == 0) {
                // Long enough for the helpers to park, so that waking them is exercised too.
                LockSupport.parkNanos(2 * WorkerTeam.SPIN_NANOS);
            }
        }
    }

    @Test
    void helpersTakeTasksBesideTheCaller() {
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        WorkerTeam.run(2, 8, t -> {
            ran.add(Thread.currentThread());
            LockSupport.parkNanos(5_000_000);
        });
        assertEquals(2, ran.size(), "threads that ran tasks: " + ran);
    }

    @Test
    void aTaskFailureReachesTheCallerAfterTheOtherTasks() {
        AtomicIntegerArray runs = new AtomicIntegerArray(6);
        IllegalStateException failure = new IllegalStateException("task 3");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> WorkerTeam.run(2, 6, t -> {
            runs.incrementAndGet(t);
            if (t == 3) {
                throw failure;
            }
        }));
        assertSame(failure, thrown);
        for (int t = 0; t < 6; t++) {
            assertEquals(1, runs.get(t), "index " + t);
        }
        AtomicIntegerArray after = new AtomicIntegerArray(4);
        WorkerTeam.run(2, 4, after::incrementAndGet);
        assertEquals("[1, 1, 1, 1]", after.toString(), "the team still works after a failure");
    }

    @Test
    void concurrentCallersNeverShareATeam() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            Future<?>[] done = new Future<?>[4];
            for (int c = 0; c < done.length; c++) {
                done[c] = callers.submit(() -> {
                    for (int call = 0; call < 300; call++) {
                        AtomicIntegerArray runs = new AtomicIntegerArray(5);
                        WorkerTeam.run(2, 5, runs::incrementAndGet);
                        for (int t = 0; t < 5; t++) {
                            assertEquals(1, runs.get(t), "call " + call + ", index " + t);
                        }
                    }
                    return null;
                });
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
        assertTrue(callers.awaitTermination(10, TimeUnit.SECONDS));
    }
}
