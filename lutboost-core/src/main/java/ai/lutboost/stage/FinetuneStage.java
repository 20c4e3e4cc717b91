package ai.lutboost.stage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.lutboost.LutBoostException;
import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.Estimator;
import ai.lutboost.layer.Scalars;
import ai.lutboost.recipe.StagesSection;
import ai.lutboost.training.TrainingCheckpoint;
import ai.lutboost.training.TrainingLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stage 3: the whole LUT model trained end to end with each layer's straight-through estimator
 * on the task loss, plus optionally distillation from the stage-0 teacher
 * ({@code T^2 KL(softmax(t/T) || softmax(s/T))}) and the layers' reconstruction errors, plus the
 * hard estimator's codebook and commitment terms. The LUT layers' temperatures learn at their
 * own rate. With {@code softEpochs}, the last epochs switch every layer to the soft estimator:
 * cheap hard epochs, then a soft finish.
 */
public final class FinetuneStage extends AbstractTrainingStage {

    private NDManager teacherManager;
    private final List<NDArray> errors = new ArrayList<>();
    private final List<NDArray> estimatorTerms = new ArrayList<>();

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "finetune";
    }

    /** {@inheritDoc} */
    @Override
    public List<String> requires() {
        return List.of("calibrate");
    }

    /** {@inheritDoc} */
    @Override
    public boolean leavesModelUnchanged(StageContext ctx) {
        return settings(ctx).epochs() == 0;
    }

    @Override
    Settings settings(StageContext ctx) {
        StagesSection.FinetuneSettings f = ctx.recipe().stages().finetune();
        return new Settings(f.epochs(), f.batchSize(), f.learningRate(), f.weightDecay());
    }

    /** The recipe's switch-over: its last {@code softEpochs} epochs train every layer soft. */
    @Override
    Estimator estimator(StageContext ctx, int epoch) {
        return ctx.recipe().stages().finetune().trainsSoft(epoch) ? Estimator.SOFT : null;
    }

    @Override
    void prepare(StageContext ctx) {
        // Stage 3 trains the model as stage 2 left it.
    }

    @Override
    Map<String, Float> rateScale(StageContext ctx) {
        StagesSection.FinetuneSettings f = ctx.recipe().stages().finetune();
        Map<String, Float> scale = new HashMap<>();
        for (AbstractLutBlock layer : ctx.model().layers().values()) {
            scale.put(layer.getLogTemperature().getId(), (float) (f.temperatureLearningRate() / f.learningRate()));
        }
        return scale;
    }

    @Override
    TrainingLoop.BatchLoss loss(StageContext ctx) throws LutBoostException {
        StagesSection.FinetuneSettings f = ctx.recipe().stages().finetune();
        Loss task = Loss.softmaxCrossEntropyLoss();
        Block teacher = null;
        if (f.distillation() > 0) {
            teacherManager = ctx.model().model().getNDManager().newSubManager();
            teacher = ConvertedModel.loadDense(ctx.architecture(), ctx.inputShape(), teacherManager,
                    TrainingCheckpoint.read(ctx.baseline()));
            teacher.freezeParameters(true);
        }
        if (f.reconstruction() > 0) {
            ctx.model().layers().values().forEach(l -> l.setReconstructionErrors(errors));
        }
        ctx.model().layers().values().forEach(l -> l.setEstimatorLosses(estimatorTerms));
        Block distiller = teacher;
        ParameterStore teacherStore = teacher == null ? null : new ParameterStore(teacherManager, false);
        float temperature = (float) f.distillationTemperature();
        return (data, labels, preds) -> {
            NDArray loss = task.evaluate(labels, preds);
            if (distiller != null) {
                NDArray student = preds.head();
                NDArray target = distiller.forward(teacherStore, data, false).head().stopGradient()
                        .div(temperature).softmax(1);
                NDArray logStudent = student.div(Scalars.of(student, temperature)).logSoftmax(1);
                NDArray kl = target.mul(target.add(1e-12f).log().sub(logStudent)).sum(new int[] {1}).mean();
                loss = loss.add(kl.mul(Scalars.of(kl, f.distillation() * temperature * temperature)));
            }
            if (f.reconstruction() > 0 && !errors.isEmpty()) {
                NDArray sum = NDArrays.add(errors.toArray(new NDArray[0]));
                errors.clear();
                loss = loss.add(sum.mul(Scalars.of(sum, f.reconstruction())));
            }
            return TrainingLoop.Objective.of(
                    AbstractLutBlock.addEstimatorLosses(loss, estimatorTerms, data.head().getManager()));
        };
    }

    @Override
    void finish(StageContext ctx) {
        ctx.model().layers().values().forEach(l -> {
            l.setReconstructionErrors(null);
            l.setEstimatorLosses(null);
        });
        errors.clear();
        estimatorTerms.clear();
        if (teacherManager != null) {
            teacherManager.close();
            teacherManager = null;
        }
    }
}
