package ai.lutboost.recipe;

import ai.lutboost.layer.Estimator;
import ai.lutboost.layer.HardEstimatorSettings;
import ai.lutboost.layer.LayerSpec;
import ai.lutboost.layer.Metric;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads a recipe's {@code lut} and {@code stages} sections, and writes them back as YAML. */
final class LutSectionReader {

    static final List<String> LAYER_TYPES = List.of("linear", "conv2d");

    /** Any K trains, but a hardware index of ceil(log2 K) bits with unused codes wastes the bits it claims to save. */
    private static final String K_REASON = "a centroid index takes log2(K) bits on the datapath";

    private LutSectionReader() {}

    static LutSection readLut(MappingReader lut) throws RecipeException {
        LayerSpec fallback = LayerSpec.of(4, 16);
        MappingReader d = lut.section("defaults");
        LayerSpec defaults = spec(d, fallback);
        d.finish();
        Map<String, LayerOverride> byType = new LinkedHashMap<>();
        MappingReader types = lut.section("byType");
        for (String type : types.keys()) {
            if (!LAYER_TYPES.contains(type)) {
                throw new RecipeException(types.where(types.valueNode(type)), types.prefix() + type,
                        "a layer type, one of " + LAYER_TYPES, "'" + type + "'");
            }
            byType.put(type, override(types, type, defaults));
        }
        Map<String, LayerOverride> byName = new LinkedHashMap<>();
        MappingReader names = lut.section("byName");
        for (String name : names.keys()) {
            byName.put(name, override(names, name, defaults));
        }
        List<String> dense = lut.stringList("dense", List.of());
        boolean denseEnds = lut.bool("denseEnds", true);
        MappingReader h = lut.section("hardEstimator");
        HardEstimatorSettings base = HardEstimatorSettings.DEFAULTS;
        HardEstimatorSettings hard = new HardEstimatorSettings(
                h.number("beta", base.beta(), 0, false, 1000),
                h.number("codebookWeight", base.codebookWeight(), 0, false, 1000),
                (int) h.integer("reseedAfter", base.reseedAfter(), 0, 1_000_000));
        h.finish();
        lut.finish();
        return new LutSection(defaults, byType, byName, dense, denseEnds, hard);
    }

    private static LayerSpec spec(MappingReader m, LayerSpec base) throws RecipeException {
        int v = (int) m.integer("v", base.v(), 1, 4096);
        int k = (int) m.powerOfTwo("k", base.k(), 2, 1 << 16, K_REASON);
        String defaultMetric = base.metric().name().toLowerCase(java.util.Locale.ROOT);
        Metric metric = Metric.parse(m.string("metric", defaultMetric, "l2", "l1", "chebyshev"));
        int bits = (int) m.integer("tableBits", base.tableBits(), 4, 16);
        boolean pad = m.bool("pad", base.pad());
        Estimator estimator = Estimator.parse(m.string("estimator", base.estimator().recipeName(), "soft", "hard"));
        return new LayerSpec(v, k, metric, bits, pad, estimator);
    }

    private static LayerOverride override(MappingReader parent, String key, LayerSpec defaults)
            throws RecipeException {
        Node node = parent.valueNode(key);
        String where = parent.where(node);
        if (node instanceof ScalarNode s) {
            if (!"dense".equals(s.getValue())) {
                throw new RecipeException(where, parent.prefix() + key,
                        "'dense' or a mapping of v, k, metric, tableBits, pad, estimator", MappingReader.describe(node));
            }
            return LayerOverride.keepDense(where);
        }
        MappingReader m = new MappingReader(parent.file(), parent.prefix() + key + ".", node, parent.origins());
        Integer v = m.has("v") ? (int) m.integer("v", 0, 1, 4096) : null;
        Integer k = m.has("k") ? (int) m.powerOfTwo("k", 0, 2, 1 << 16, K_REASON) : null;
        Metric metric = m.has("metric") ? Metric.parse(m.string("metric", null, "l2", "l1", "chebyshev")) : null;
        Integer bits = m.has("tableBits") ? (int) m.integer("tableBits", 0, 4, 16) : null;
        Boolean pad = m.has("pad") ? m.bool("pad", false) : null;
        Estimator estimator = m.has("estimator") ? Estimator.parse(m.string("estimator", null, "soft", "hard")) : null;
        m.finish();
        return new LayerOverride(v, k, metric, bits, pad, estimator, false, where);
    }

    static StagesSection readStages(MappingReader stages) throws RecipeException {
        StagesSection d = StagesSection.defaults();
        MappingReader k = stages.section("kmeans");
        StagesSection.KMeansSettings kmeans = new StagesSection.KMeansSettings(
                (int) k.integer("samples", d.kmeans().samples(), 1, 1_000_000),
                (int) k.integer("iterations", d.kmeans().iterations(), 0, 10_000),
                (int) k.integer("pointsPerCentroid", d.kmeans().pointsPerCentroid(), 0, 1_000_000));
        k.finish();
        MappingReader c = stages.section("calibrate");
        StagesSection.CalibrateSettings calibrate = new StagesSection.CalibrateSettings(
                (int) c.integer("epochs", d.calibrate().epochs(), 0, 10_000),
                (int) c.integer("samples", d.calibrate().samples(), 1, 1_000_000),
                (int) c.integer("batchSize", d.calibrate().batchSize(), 1, 1 << 16),
                c.number("learningRate", d.calibrate().learningRate(), 0, true, 10));
        c.finish();
        MappingReader f = stages.section("finetune");
        StagesSection.FinetuneSettings finetune = new StagesSection.FinetuneSettings(
                (int) f.integer("epochs", d.finetune().epochs(), 0, 10_000),
                (int) f.integer("batchSize", d.finetune().batchSize(), 1, 1 << 16),
                f.number("learningRate", d.finetune().learningRate(), 0, true, 10),
                f.number("temperatureLearningRate", d.finetune().temperatureLearningRate(), 0, false, 10),
                f.number("weightDecay", d.finetune().weightDecay(), 0, false, 1),
                f.number("distillation", d.finetune().distillation(), 0, false, 1000),
                f.number("distillationTemperature", d.finetune().distillationTemperature(), 0, true, 1000),
                f.number("reconstruction", d.finetune().reconstruction(), 0, false, 1000),
                (int) f.integer("softEpochs", d.finetune().softEpochs(), 0, 10_000));
        f.finish();
        if (finetune.softEpochs() > finetune.epochs()) {
            throw new RecipeException(f.where(f.valueNode("softEpochs")), f.prefix() + "softEpochs",
                    "at most the finetune epochs (" + finetune.epochs() + ")", String.valueOf(finetune.softEpochs()));
        }
        MappingReader z = stages.section("freeze");
        StagesSection.FreezeSettings freeze = new StagesSection.FreezeSettings(
                (int) z.integer("epochs", d.freeze().epochs(), 0, 10_000),
                (int) z.integer("batchSize", d.freeze().batchSize(), 1, 1 << 16),
                z.number("learningRate", d.freeze().learningRate(), 0, true, 10));
        z.finish();
        stages.finish();
        return new StagesSection(kmeans, calibrate, finetune, freeze);
    }

    static Map<String, Object> lutYaml(LutSection lut) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("defaults", specYaml(lut.defaults()));
        Map<String, Object> types = new LinkedHashMap<>();
        lut.byType().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> types.put(e.getKey(), overrideYaml(e.getValue())));
        out.put("byType", types);
        Map<String, Object> names = new LinkedHashMap<>();
        lut.byName().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> names.put(e.getKey(), overrideYaml(e.getValue())));
        out.put("byName", names);
        out.put("dense", lut.dense());
        out.put("denseEnds", lut.denseEnds());
        Map<String, Object> hard = new LinkedHashMap<>();
        hard.put("beta", lut.hardEstimator().beta());
        hard.put("codebookWeight", lut.hardEstimator().codebookWeight());
        hard.put("reseedAfter", lut.hardEstimator().reseedAfter());
        out.put("hardEstimator", hard);
        return out;
    }

    private static Map<String, Object> specYaml(LayerSpec s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("v", s.v());
        out.put("k", s.k());
        out.put("metric", s.metric().name().toLowerCase(java.util.Locale.ROOT));
        out.put("tableBits", s.tableBits());
        out.put("pad", s.pad());
        out.put("estimator", s.estimator().recipeName());
        return out;
    }

    private static Object overrideYaml(LayerOverride o) {
        if (o.dense()) {
            return "dense";
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (o.v() != null) {
            out.put("v", o.v());
        }
        if (o.k() != null) {
            out.put("k", o.k());
        }
        if (o.metric() != null) {
            out.put("metric", o.metric().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (o.tableBits() != null) {
            out.put("tableBits", o.tableBits());
        }
        if (o.pad() != null) {
            out.put("pad", o.pad());
        }
        if (o.estimator() != null) {
            out.put("estimator", o.estimator().recipeName());
        }
        return out;
    }

    static Map<String, Object> stagesYaml(StagesSection s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kmeans", Map.of(
                "samples", s.kmeans().samples(),
                "iterations", s.kmeans().iterations(),
                "pointsPerCentroid", s.kmeans().pointsPerCentroid()));
        out.put("calibrate", Map.of(
                "epochs", s.calibrate().epochs(),
                "samples", s.calibrate().samples(),
                "batchSize", s.calibrate().batchSize(),
                "learningRate", s.calibrate().learningRate()));
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("epochs", s.finetune().epochs());
        f.put("batchSize", s.finetune().batchSize());
        f.put("learningRate", s.finetune().learningRate());
        f.put("temperatureLearningRate", s.finetune().temperatureLearningRate());
        f.put("weightDecay", s.finetune().weightDecay());
        f.put("distillation", s.finetune().distillation());
        f.put("distillationTemperature", s.finetune().distillationTemperature());
        f.put("reconstruction", s.finetune().reconstruction());
        f.put("softEpochs", s.finetune().softEpochs());
        out.put("finetune", f);
        out.put("freeze", Map.of(
                "epochs", s.freeze().epochs(),
                "batchSize", s.freeze().batchSize(),
                "learningRate", s.freeze().learningRate()));
        return sortedMaps(out);
    }

    private static Map<String, Object> sortedMaps(Map<String, Object> in) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : in.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m) {
                Map<String, Object> sorted = new LinkedHashMap<>();
                m.entrySet().stream().sorted((a, b) -> a.getKey().toString().compareTo(b.getKey().toString()))
                        .forEach(x -> sorted.put(x.getKey().toString(), x.getValue()));
                out.put(e.getKey(), sorted);
            } else {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }
}
