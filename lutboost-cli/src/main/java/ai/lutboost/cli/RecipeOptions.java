package ai.lutboost.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** Options of commands that run a recipe. */
final class RecipeOptions {

    private static final Pattern DEVICE = Pattern.compile("cpu|gpu(\\d+)");

    @Option(
            names = {"-o", "--output"},
            paramLabel = "DIR",
            description = "Where checkpoints, metrics and reports go (default: runs/<recipe name>).")
    Path output;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Dataset directory, tried before LUTBOOST_DATA, /usr/share/datasets and"
                    + " ~/.lutboost/datasets.")
    Path dataDir;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Override a recipe setting, e.g. --set train.epochs=2 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(
            names = "--device",
            paramLabel = "DEVICE",
            description = "DJL device, e.g. cpu or gpu0 (default: the engine's default).")
    String device;

    /**
     * The device asked for, or null for the engine's default.
     *
     * <p>Checked before any work starts: PyTorch would otherwise fail at the first tensor with a
     * page of dispatcher tables and no word about the missing CUDA build.
     *
     * @throws IllegalArgumentException if the name is not a device or the engine has no such GPU
     */
    Device device() {
        if (device == null) {
            return null;
        }
        Matcher m = DEVICE.matcher(device);
        if (!m.matches()) {
            throw new IllegalArgumentException("--device " + device + ": expected cpu or gpuN, e.g. gpu0");
        }
        if (m.group(1) != null) {
            int gpus = Engine.getInstance().getGpuCount();
            if (Integer.parseInt(m.group(1)) >= gpus) {
                throw new IllegalArgumentException("--device " + device + ": the " + Engine.getInstance().getEngineName()
                        + " engine sees " + gpus + " GPU" + (gpus == 1 ? "" : "s") + "; use --device cpu, or put a"
                        + " CUDA build of the native library (pytorch-native-cu*) in place of pytorch-native-cpu");
            }
        }
        return Device.fromName(device);
    }
}
