package ai.lutboost;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package structure the data flow relies on: recipe, stages, frozen model, datapath graph,
 * bundle and engine depend on each other one way only.
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("ai.lutboost");

    @Test
    void packagesHaveNoCycle() {
        slices().matching("ai.lutboost.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void theDatapathGraphAndItsQuantizationKnowNoModelOfTheZoo() {
        noClasses().that().resideInAnyPackage("ai.lutboost.graph..", "ai.lutboost.quant..")
                .should().dependOnClassesThat().resideInAPackage("ai.lutboost.model..")
                .because("a block reaches the datapath through its registered lowering, not by name")
                .check(MAIN);
    }
}
