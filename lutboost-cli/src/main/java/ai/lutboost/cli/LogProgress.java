package ai.lutboost.cli;

import ai.djl.util.Progress;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Shows DJL {@link Progress} as log lines, for output that is not a terminal: one per tenth of
 * the work, and one whenever a minute has passed without a line. A ViT-tiny finetune epoch runs
 * for 14 to 27 minutes, and a log file should show within a minute that it moves and how fast. The
 * last tenth prints nothing, since the epoch's own line follows.
 */
final class LogProgress implements Progress {

    private static final long QUIET_NANOS = 60_000_000_000L;

    private final Consumer<String> log;
    private final LongSupplier clock;
    private String label = "";
    private long max;
    private long done;
    private long startNanos;
    private int reported;
    private long lastLineNanos;

    LogProgress(Consumer<String> log) {
        this(log, System::nanoTime);
    }

    /**
     * Creates a progress log.
     *
     * @param log where lines go
     * @param clock nanoseconds, as {@link System#nanoTime}
     */
    LogProgress(Consumer<String> log, LongSupplier clock) {
        this.log = log;
        this.clock = clock;
    }

    @Override
    public void reset(String message, long max, String trailingMessage) {
        label = message;
        this.max = max;
        done = 0;
        reported = 0;
        startNanos = clock.getAsLong();
        lastLineNanos = startNanos;
    }

    @Override
    public void start(long initialProgress) {
        done = initialProgress;
    }

    @Override
    public void end() {
        max = 0;
    }

    @Override
    public void increment(long increment) {
        update(done + increment, null);
    }

    @Override
    public void update(long progress, String message) {
        done = progress;
        if (max <= 0) {
            return;
        }
        int tenth = (int) (10 * progress / max);
        long now = clock.getAsLong();
        boolean newTenth = tenth > reported && tenth < 10;
        if (newTenth || (progress < max && now - lastLineNanos >= QUIET_NANOS)) {
            reported = Math.max(reported, tenth);
            lastLineNanos = now;
            log.accept(String.format(Locale.ROOT, "%s: %d/%d steps, %.0f s%s", label, progress, max,
                    (now - startNanos) / 1e9, message == null ? "" : ", " + message));
        }
    }
}
