package ai.lutboost.cli;

import ai.djl.util.Progress;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Shows DJL {@link Progress} as a terminal progress bar (me.tongfei progressbar). */
final class TerminalProgress implements Progress {

    private final PrintStream stream;
    private ProgressBar bar;

    TerminalProgress(PrintStream stream) {
        this.stream = stream;
    }

    @Override
    public void reset(String message, long max, String trailingMessage) {
        end();
        bar = new ProgressBarBuilder()
                .setTaskName(message)
                .setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(stream))
                .continuousUpdate()
                .build();
        if (trailingMessage != null) {
            bar.setExtraMessage(trailingMessage);
        }
    }

    @Override
    public void start(long initialProgress) {
        if (bar != null) {
            bar.stepTo(initialProgress);
        }
    }

    @Override
    public void end() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public void increment(long increment) {
        if (bar != null) {
            bar.stepBy(increment);
        }
    }

    @Override
    public void update(long progress, String message) {
        if (bar != null) {
            bar.stepTo(progress);
            if (message != null) {
                bar.setExtraMessage(" " + message);
            }
        }
    }
}
