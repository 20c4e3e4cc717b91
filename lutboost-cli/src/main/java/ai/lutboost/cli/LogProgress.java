package ai.lutboost.cli;

import ai.djl.util.Progress;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Shows DJL {@link Progress} as a log line per tenth of the work, for output that is not a
 * terminal: a ViT-tiny finetune epoch runs for a quarter of an hour, and a log file should show
 * that it moves and how fast. The last tenth prints nothing, since the epoch's own line follows.
 */
final class LogProgress implements Progress {

    private final Consumer<String> log;
    private String label = "";
    private long max;
    private long done;
    private long startNanos;
    private int reported;

    LogProgress(Consumer<String> log) {
        this.log = log;
    }

    @Override
    public void reset(String message, long max, String trailingMessage) {
        label = message;
        this.max = max;
        done = 0;
        reported = 0;
        startNanos = System.nanoTime();
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
        if (tenth > reported && tenth < 10) {
            reported = tenth;
            log.accept(String.format(Locale.ROOT, "%s: %d/%d steps, %.0f s%s", label, progress, max,
                    (System.nanoTime() - startNanos) / 1e9, message == null ? "" : ", " + message));
        }
    }
}
