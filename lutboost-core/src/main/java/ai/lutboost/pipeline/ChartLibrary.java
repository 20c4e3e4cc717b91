package ai.lutboost.pipeline;

/**
 * Whether XChart is on the class path. The core declares it optional, so that a library user
 * gets no plotting library unless they add {@code org.knowm.xchart:xchart}; the classes that draw
 * are only loaded when this says it is there.
 */
public final class ChartLibrary {

    private static final boolean PRESENT = find();

    private ChartLibrary() {}

    /**
     * Returns whether plots can be drawn.
     *
     * @return whether {@code org.knowm.xchart} classes load
     */
    public static boolean present() {
        return PRESENT;
    }

    private static boolean find() {
        try {
            Class.forName("org.knowm.xchart.BitmapEncoder", false, ChartLibrary.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
