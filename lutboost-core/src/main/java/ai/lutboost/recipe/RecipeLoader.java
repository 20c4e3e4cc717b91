package ai.lutboost.recipe;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a recipe file, applies {@code key=value} overrides, and validates every key against the
 * schema below: an unknown key, a wrong type or an impossible value fails with the file, line,
 * key, what was expected and what was found.
 *
 * <p>SnakeYAML composes the document into nodes that keep their line numbers; this class then
 * reads those nodes section by section. Overrides replace nodes before validation, so they are
 * checked exactly as the file is.
 */
public final class RecipeLoader {

    private static final List<String> ARCHS = List.of("lenet5", "resnet", "vit-tiny");

    /** The defaults of the train section, for recipes built in code. */
    public static final TrainSection TRAIN_DEFAULTS =
            new TrainSection(10, 128, "adam", 1e-3, 0, 0.9, "cosine", 0, 0, 10, 0.1);

    static final long DEFAULT_SEED = 42;

    private RecipeLoader() {}

    /**
     * Loads a recipe file.
     *
     * @param file the YAML file
     * @param overrides {@code dotted.key=value} settings applied on top, in order
     * @return the resolved recipe
     * @throws RecipeException if the file is missing, not YAML, or breaks the schema
     */
    public static Recipe load(Path file, List<String> overrides) throws RecipeException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RecipeException(file.toString(), null, "a recipe file", "no such file");
        } catch (CharacterCodingException e) {
            throw new RecipeException(file.toString(), null, "a YAML recipe in UTF-8 text", "bytes that are not UTF-8"
                    + " text (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new RecipeException("cannot read recipe " + file + ": " + e.getMessage(), e);
        }
        return parse(file.toString(), text, overrides);
    }

    /**
     * Parses recipe text.
     *
     * @param source what to call the text in messages (usually its file name)
     * @param text the YAML text
     * @param overrides {@code dotted.key=value} settings applied on top, in order
     * @return the resolved recipe
     * @throws RecipeException if the text is not YAML or breaks the schema
     */
    public static Recipe parse(String source, String text, List<String> overrides)
            throws RecipeException {
        Node root = compose(source, new StringReader(text));
        if (root == null) {
            throw new RecipeException(source + ":1", null, "a recipe mapping", "an empty document");
        }
        Map<Node, String> origins = new IdentityHashMap<>();
        for (String override : overrides) {
            root = applyOverride(root, override, origins);
        }
        return read(source, root, origins);
    }

    private static Node compose(String source, Reader reader) throws RecipeException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try {
            return new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new RecipeException(
                    source + ":" + line + ": not valid YAML: " + e.getProblem(), e);
        } catch (YAMLException e) {
            throw new RecipeException(source + ": not valid YAML: " + e.getMessage(), e);
        }
    }

    private static Node applyOverride(Node root, String override, Map<Node, String> origins)
            throws RecipeException {
        int eq = override.indexOf('=');
        String where = "--set " + override;
        if (eq <= 0) {
            throw new RecipeException(where, null, "key=value", "'" + override + "'");
        }
        String[] path = override.substring(0, eq).trim().split("\\.");
        Node value = compose(where, new StringReader(override.substring(eq + 1)));
        if (value == null) {
            value = new ScalarNode(Tag.NULL, "", null, null, DumperOptions.ScalarStyle.PLAIN);
        }
        markOrigin(value, where, origins);
        if (!(root instanceof MappingNode mapping)) {
            throw new RecipeException(where, null, "a recipe mapping to override", "a scalar document");
        }
        MappingNode current = mapping;
        for (int i = 0; i < path.length; i++) {
            NodeTuple found = null;
            for (NodeTuple t : current.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(path[i])) {
                    found = t;
                }
            }
            boolean last = i == path.length - 1;
            Node next = last ? value
                    : found != null ? found.getValueNode()
                    : new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
            if (found == null && !last) {
                origins.put(next, where);
            }
            if (!last && !(next instanceof MappingNode)) {
                throw new RecipeException(where, String.join(".", path), "a section to descend into", "a value");
            }
            Node key;
            if (found != null) {
                key = found.getKeyNode();
            } else {
                key = new ScalarNode(Tag.STR, path[i], null, null, DumperOptions.ScalarStyle.PLAIN);
                // A key the file does not have, misspelt or not, is reported at the override.
                origins.put(key, where);
            }
            NodeTuple replacement = new NodeTuple(key, next);
            List<NodeTuple> tuples = new ArrayList<>(current.getValue());
            if (found != null) {
                tuples.set(tuples.indexOf(found), last ? replacement : found);
            } else {
                tuples.add(replacement);
            }
            current.setValue(tuples);
            if (!last) {
                current = (MappingNode) next;
            }
        }
        return root;
    }

    /** Records that a node and everything below it came from an override, for messages. */
    private static void markOrigin(Node node, String where, Map<Node, String> origins) {
        origins.put(node, where);
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                markOrigin(t.getKeyNode(), where, origins);
                markOrigin(t.getValueNode(), where, origins);
            }
        } else if (node instanceof SequenceNode seq) {
            seq.getValue().forEach(n -> markOrigin(n, where, origins));
        }
    }

    private static Recipe read(String source, Node root, Map<Node, String> origins) throws RecipeException {
        MappingReader top = new MappingReader(source, "", root, origins);
        String name = top.string("name", null);
        checkName(top.where(null), name);
        long seed = top.integer("seed", DEFAULT_SEED, 0, Long.MAX_VALUE);
        DatasetSection dataset = readDataset(top.section("dataset"));

        MappingReader m = top.section("model");
        String arch = m.string("arch", null, ARCHS.toArray(String[]::new));
        if (arch == null) {
            throw new RecipeException(m.where(null), "model.arch", "one of " + ARCHS, "nothing");
        }
        ModelSection model = readModel(m, arch);
        m.finish();

        TrainSection train = readTrain(top.section("train"));

        LutSection lut = top.has("lut") ? LutSectionReader.readLut(top.section("lut")) : null;
        StagesSection stages = LutSectionReader.readStages(top.section("stages"));
        top.finish();

        String yaml = canonicalYaml(name, seed, dataset, model, train, lut, stages);
        return new Recipe(name, seed, dataset, model, train, lut, stages, source, yaml, sha256(yaml));
    }

    static void checkName(String where, String name) throws RecipeException {
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw new RecipeException(where, "name", "a run name of letters, digits, '.', '_' or '-'",
                    name == null ? "nothing" : "'" + name + "'");
        }
    }

    static DatasetSection readDataset(MappingReader d) throws RecipeException {
        DatasetSection dataset =
                new DatasetSection(
                        d.string("name", "fashion-mnist", "fashion-mnist", "mnist", "cifar10"),
                        d.number("validationFraction", 0.1, 0, false, 0.5),
                        (int) d.integer("trainLimit", 0, 0, Integer.MAX_VALUE),
                        (int) d.integer("testLimit", 0, 0, Integer.MAX_VALUE));
        d.finish();
        return dataset;
    }

    static TrainSection readTrain(MappingReader t) throws RecipeException {
        TrainSection train =
                new TrainSection(
                        (int) t.integer("epochs", TRAIN_DEFAULTS.epochs(), 1, 10_000),
                        (int) t.integer("batchSize", TRAIN_DEFAULTS.batchSize(), 1, 1 << 16),
                        t.string("optimizer", TRAIN_DEFAULTS.optimizer(), "adam", "adamw", "sgd"),
                        t.number("learningRate", TRAIN_DEFAULTS.learningRate(), 0, true, 10),
                        t.number("weightDecay", TRAIN_DEFAULTS.weightDecay(), 0, false, 1),
                        t.number("momentum", TRAIN_DEFAULTS.momentum(), 0, false, 1),
                        t.string("schedule", TRAIN_DEFAULTS.schedule(), "constant", "cosine", "step"),
                        (int) t.integer("warmupEpochs", TRAIN_DEFAULTS.warmupEpochs(), 0, 1000),
                        t.number("finalLearningRate", TRAIN_DEFAULTS.finalLearningRate(), 0, false, 10),
                        (int) t.integer("stepEpochs", TRAIN_DEFAULTS.stepEpochs(), 1, 10_000),
                        t.number("stepFactor", TRAIN_DEFAULTS.stepFactor(), 0, true, 1));
        t.finish();
        return train;
    }

    private static ModelSection readModel(MappingReader m, String arch) throws RecipeException {
        List<Integer> widths = List.of(32, 64, 128);
        int blocks = 1;
        int patch = 4;
        int dim = 64;
        int depth = 4;
        int heads = 4;
        int mlpDim = 128;
        String pooling = "cls";
        switch (arch) {
            case "resnet" -> {
                widths = m.intList("widths", widths, 1, 4096);
                blocks = (int) m.integer("blocksPerStage", blocks, 1, 64);
            }
            case "vit-tiny" -> {
                patch = (int) m.integer("patchSize", patch, 1, 64);
                dim = (int) m.integer("dim", dim, 1, 4096);
                depth = (int) m.integer("depth", depth, 1, 64);
                heads = (int) m.integer("heads", heads, 1, 64);
                mlpDim = (int) m.integer("mlpDim", mlpDim, 1, 16384);
                pooling = m.string("pooling", pooling, "cls", "mean");
                if (dim % heads != 0) {
                    throw new RecipeException(
                            m.where(null), "model.heads", "a divisor of model.dim " + dim, String.valueOf(heads));
                }
            }
            default -> {
                // lenet5 has no shape settings.
            }
        }
        return new ModelSection(arch, widths, blocks, patch, dim, depth, heads, mlpDim, pooling);
    }

    static String canonicalYaml(
            String name, long seed, DatasetSection d, ModelSection m, TrainSection t, LutSection lut,
            StagesSection stages) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", name);
        root.put("seed", seed);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", d.name());
        data.put("validationFraction", d.validationFraction());
        data.put("trainLimit", d.trainLimit());
        data.put("testLimit", d.testLimit());
        root.put("dataset", data);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("arch", m.arch());
        switch (m.arch()) {
            case "resnet" -> {
                model.put("widths", m.widths());
                model.put("blocksPerStage", m.blocksPerStage());
            }
            case "vit-tiny" -> {
                model.put("patchSize", m.patchSize());
                model.put("dim", m.dim());
                model.put("depth", m.depth());
                model.put("heads", m.heads());
                model.put("mlpDim", m.mlpDim());
                model.put("pooling", m.pooling());
            }
            default -> { }
        }
        root.put("model", model);
        Map<String, Object> train = new LinkedHashMap<>();
        train.put("epochs", t.epochs());
        train.put("batchSize", t.batchSize());
        train.put("optimizer", t.optimizer());
        train.put("learningRate", t.learningRate());
        train.put("weightDecay", t.weightDecay());
        train.put("momentum", t.momentum());
        train.put("schedule", t.schedule());
        train.put("warmupEpochs", t.warmupEpochs());
        train.put("finalLearningRate", t.finalLearningRate());
        train.put("stepEpochs", t.stepEpochs());
        train.put("stepFactor", t.stepFactor());
        root.put("train", train);
        if (lut != null) {
            root.put("lut", LutSectionReader.lutYaml(lut));
            root.put("stages", LutSectionReader.stagesYaml(stages));
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(root);
    }

    static String sha256(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
