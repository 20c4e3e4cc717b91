package ai.lutboost.training;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.lutboost.datasets.Checksums;
import ai.lutboost.layer.LayerNames;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import ai.lutboost.LutBoostException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One file holding everything needed to continue a run: state (JSON), the block's parameters and
 * the optimizer's state, followed by the SHA-256 of all of it.
 *
 * <p>Files are written to a temporary name in the same directory, forced to disk, then renamed
 * atomically, so a crash at any instant leaves either the old set of checkpoints or the new one,
 * never a half-written file under a checkpoint's name. The trailing digest catches a file damaged
 * afterwards.
 */
public final class TrainingCheckpoint {

    private static final byte[] MAGIC = "LUTBCKPT".getBytes(StandardCharsets.US_ASCII);
    /** Version 2 adds the parameters' names and shapes, so a mismatch is named before DJL reads. */
    private static final int VERSION = 2;
    private static final String SUFFIX = ".ckpt";
    private static final int KEEP = 2;

    /**
     * The run state saved beside the parameters.
     *
     * @param recipeSha256 the resolved recipe's SHA-256
     * @param epochsDone epochs completed
     * @param finished whether training completed
     * @param history per-epoch metrics so far
     * @param partial how far the epoch after {@code epochsDone} had come, or null at an epoch's end
     */
    public record State(
            String recipeSha256, int epochsDone, boolean finished, List<EpochMetrics> history,
            TrainingLoop.PartialEpoch partial) {

        /**
         * The state at an epoch's end.
         *
         * @param recipeSha256 the resolved recipe's SHA-256
         * @param epochsDone epochs completed
         * @param finished whether training completed
         * @param history per-epoch metrics so far
         */
        public State(String recipeSha256, int epochsDone, boolean finished, List<EpochMetrics> history) {
            this(recipeSha256, epochsDone, finished, history, null);
        }

        /**
         * Where training stands, for a resume message.
         *
         * @return {@code "after epoch 3"}, or {@code "in epoch 4 after step 200"}
         */
        public String position() {
            return partial == null ? "after epoch " + epochsDone
                    : "in epoch " + (epochsDone + 1) + " after step " + partial.steps();
        }
    }

    /**
     * A loaded checkpoint.
     *
     * @param file where it was read from
     * @param state its run state
     * @param parameters the block's parameters as {@code Block.saveParameters} wrote them
     * @param optimizer the optimizer's state
     * @param parameterShapes each parameter's path and shape, in the block's order, or {@code null}
     *     for a version-1 checkpoint, which did not record them
     */
    public record Loaded(Path file, State state, byte[] parameters, byte[] optimizer,
            Map<String, Shape> parameterShapes) {

        /**
         * Loads the parameters into a block of the same architecture.
         *
         * @param manager the manager for the arrays
         * @param block the block, initialised
         * @throws CheckpointException if the parameters do not fit the block
         */
        public void loadInto(NDManager manager, Block block) throws CheckpointException {
            // DJL replaces each array with the stored one whatever its shape, so a checkpoint of
            // another recipe would otherwise load and fail later inside a forward pass.
            Map<String, Pair<Parameter, Shape>> expected = new LinkedHashMap<>();
            initializedParameters(block)
                    .forEach((name, p) -> expected.put(name, new Pair<>(p, p.getArray().getShape())));
            if (parameterShapes != null) {
                checkNames(expected);
            }
            try {
                block.loadParameters(
                        manager, new DataInputStream(new ByteArrayInputStream(parameters)));
                for (Map.Entry<String, Pair<Parameter, Shape>> e : expected.entrySet()) {
                    Shape got = e.getValue().getKey().getArray().getShape();
                    if (!got.equals(e.getValue().getValue())) {
                        throw new CheckpointException(file + ": parameter " + e.getKey() + " has shape " + got
                                + " in the checkpoint but " + e.getValue().getValue()
                                + " in this model; was it written by another recipe?");
                    }
                }
                // Loading replaces each parameter's array with a new one that records no gradient;
                // a trainer created afterwards would then compute none.
                for (Pair<String, Parameter> p : block.getParameters()) {
                    if (p.getValue().requiresGradient() && p.getValue().isInitialized()) {
                        p.getValue().getArray().setRequiresGradient(true);
                    }
                }
            } catch (IOException | MalformedModelException | IllegalArgumentException e) {
                throw new CheckpointException(
                        file + ": parameters do not fit this model (" + e.getMessage()
                                + "); was it written by another recipe?", e);
            }
        }

        /** Names the first parameter that differs between the checkpoint and the model. */
        private void checkNames(Map<String, Pair<Parameter, Shape>> expected) throws CheckpointException {
            List<String> model = List.copyOf(expected.keySet());
            List<String> stored = List.copyOf(parameterShapes.keySet());
            for (int i = 0; i < Math.max(model.size(), stored.size()); i++) {
                String want = i < model.size() ? model.get(i) : null;
                String have = i < stored.size() ? stored.get(i) : null;
                if (want == null || have == null || !want.equals(have)) {
                    String what = want == null ? "the checkpoint has parameter " + have + ", which this model lacks"
                            : have == null ? "this model's parameter " + want + " is not in the checkpoint"
                            : "parameter " + (i + 1) + " is " + want + " in this model but " + have
                                    + " in the checkpoint";
                    throw new CheckpointException(file + ": " + what + " (the model has " + model.size()
                            + " parameters, the checkpoint " + stored.size() + "); was it written for another"
                            + " model or recipe?");
                }
                Shape shape = expected.get(want).getValue();
                if (!shape.equals(parameterShapes.get(have))) {
                    throw new CheckpointException(file + ": parameter " + want + " has shape "
                            + parameterShapes.get(have) + " in the checkpoint but " + shape
                            + " in this model; was it written by another recipe?");
                }
            }
        }
    }

    private TrainingCheckpoint() {}

    /**
     * Writes a checkpoint atomically and prunes all but the newest few of its prefix.
     *
     * @param dir the checkpoint directory
     * @param name the file name without suffix ({@code baseline-epoch-0003})
     * @param state the run state
     * @param block the block whose parameters to save
     * @param optimizer the optimizer's state bytes
     * @return the file written
     * @throws IOException if writing fails; no partial checkpoint remains then
     */
    public static Path write(Path dir, String name, State state, Block block, byte[] optimizer)
            throws IOException {
        ByteArrayOutputStream params = new ByteArrayOutputStream();
        block.saveParameters(new DataOutputStream(params));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(body);
        out.write(MAGIC);
        out.writeInt(VERSION);
        writeBlob(out, ReportJson.GSON.toJson(state).getBytes(StandardCharsets.UTF_8));
        writeBlob(out, params.toByteArray());
        writeBlob(out, optimizer);
        writeBlob(out, shapes(block).getBytes(StandardCharsets.UTF_8));
        out.flush();
        byte[] content = body.toByteArray();
        byte[] digest = Checksums.newDigest().digest(content);
        Files.createDirectories(dir);
        Path target = dir.resolve(name + SUFFIX);
        Path temp = Files.createTempFile(dir, "." + name, ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(content));
                ch.write(ByteBuffer.wrap(digest));
                ch.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }

    /** Each initialized parameter's path and shape, in the order {@link Loaded#loadInto} expects them. */
    private static String shapes(Block block) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        initializedParameters(block).forEach((name, p) -> shapes.put(name, p.getArray().getShape().getShape()));
        return ReportJson.GSON.toJson(shapes);
    }

    /** A block's initialized parameters under their paths ({@code fc1.weight}), in saving order. */
    private static Map<String, Parameter> initializedParameters(Block block) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        LayerNames.all(block).forEach((path, b) -> b.getDirectParameters().forEach(p -> {
            if (p.getValue().isInitialized()) {
                out.put(path + "." + p.getKey(), p.getValue());
            }
        }));
        return out;
    }

    private static void writeBlob(DataOutputStream out, byte[] blob) throws IOException {
        out.writeInt(blob.length);
        out.write(blob);
    }

    /**
     * The name of a checkpoint written inside an epoch, which sorts after the previous epoch's
     * checkpoint ({@code prefix + "0003"}) and before this epoch's.
     *
     * @param prefix the name prefix ({@code finetune-epoch-})
     * @param epoch the epoch in progress, from 1
     * @param steps its steps done
     * @return the name, without suffix ({@code finetune-epoch-0004-step-000200})
     */
    public static String insideEpoch(String prefix, int epoch, int steps) {
        return prefix + String.format(Locale.ROOT, "%04d-step-%06d", epoch, steps);
    }

    /**
     * Deletes all but the newest two checkpoints whose names start with a prefix, and temporary
     * files that a killed process left.
     *
     * @param dir the checkpoint directory
     * @param prefix the name prefix ({@code baseline-epoch-})
     * @throws IOException if listing or deleting fails
     */
    public static void prune(Path dir, String prefix) throws IOException {
        List<Path> all = list(dir, prefix);
        for (int i = 0; i < all.size() - KEEP; i++) {
            Files.deleteIfExists(all.get(i));
        }
        // A process killed between creating and renaming a temporary file leaves it behind; it
        // never carries a checkpoint's name, so it is only litter.
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("." + prefix)
                    && p.getFileName().toString().endsWith(".tmp")).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Finds the newest checkpoint whose name starts with a prefix: names sort by epoch, and one
     * written inside epoch {@code N} ({@code finetune-epoch-000N-step-000200}) sorts after epoch
     * {@code N - 1}'s and before epoch {@code N}'s.
     *
     * @param dir the checkpoint directory
     * @param prefix the name prefix
     * @return the newest file, if any
     * @throws IOException if the directory cannot be listed
     */
    public static Optional<Path> latest(Path dir, String prefix) throws IOException {
        List<Path> all = list(dir, prefix);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /**
     * Reads the newest checkpoint of a prefix to resume from, after checking that the same recipe
     * wrote it.
     *
     * @param dir the checkpoint directory
     * @param prefix the name prefix
     * @param recipeSha256 the running recipe's SHA-256
     * @return the checkpoint, if there is one
     * @throws CheckpointException if it is unreadable or another recipe's
     * @throws LutBoostException if the directory cannot be listed
     */
    public static Optional<Loaded> resumable(Path dir, String prefix, String recipeSha256) throws LutBoostException {
        Optional<Path> file;
        try {
            file = latest(dir, prefix);
        } catch (IOException e) {
            throw new LutBoostException("cannot list checkpoints in " + dir + ": " + e.getMessage(), e);
        }
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Loaded ckpt = read(file.get());
        if (!ckpt.state().recipeSha256().equals(recipeSha256)) {
            throw new CheckpointException(file.get() + " was written by a different recipe (SHA-256 "
                    + ckpt.state().recipeSha256() + ", now " + recipeSha256
                    + "); resume with the same recipe and --set options, or choose another --output");
        }
        return Optional.of(ckpt);
    }

    private static List<Path> list(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                        String n = p.getFileName().toString();
                        return n.startsWith(prefix) && n.endsWith(SUFFIX);
                    })
                    .sorted()
                    .toList();
        }
    }

    /**
     * Reads and verifies a checkpoint.
     *
     * @param file the file
     * @return its content
     * @throws CheckpointException if it is missing, corrupt or of an unknown version
     */
    public static Loaded read(Path file) throws CheckpointException {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint " + file + " not found");
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
        if (all.length < MAGIC.length + 4 + 32
                || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new CheckpointException(file + ": not a LUTBoost checkpoint (bad header)");
        }
        byte[] content = Arrays.copyOf(all, all.length - 32);
        byte[] digest = Arrays.copyOfRange(all, all.length - 32, all.length);
        if (!MessageDigest.isEqual(digest, Checksums.newDigest().digest(content))) {
            throw new CheckpointException(
                    file + ": checkpoint is corrupt (SHA-256 mismatch); delete it to resume from"
                            + " the previous one, or start the run again");
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(content));
            in.skipNBytes(MAGIC.length);
            int version = in.readInt();
            if (version != 1 && version != VERSION) {
                throw new CheckpointException(
                        file + ": checkpoint version " + version + ", this build reads 1 to " + VERSION);
            }
            State state =
                    ReportJson.GSON.fromJson(new String(readBlob(in), StandardCharsets.UTF_8), State.class);
            byte[] parameters = readBlob(in);
            byte[] optimizer = readBlob(in);
            Map<String, Shape> shapes = null;
            if (version >= 2) {
                shapes = new LinkedHashMap<>();
                JsonObject o = JsonParser.parseString(new String(readBlob(in), StandardCharsets.UTF_8))
                        .getAsJsonObject();
                for (Map.Entry<String, JsonElement> e : o.entrySet()) {
                    long[] dims = ReportJson.GSON.fromJson(e.getValue(), long[].class);
                    shapes.put(e.getKey(), new Shape(dims));
                }
            }
            return new Loaded(file, state, parameters, optimizer, shapes);
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new CheckpointException(file + ": checkpoint is malformed: " + e.getMessage(), e);
        }
    }

    private static byte[] readBlob(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("blob of " + n + " bytes overruns the file");
        }
        return in.readNBytes(n);
    }
}
