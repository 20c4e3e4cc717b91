package ai.lutboost.engine;

import java.util.List;
import java.util.Map;

/**
 * One JSON object of the manifest with typed, range-checked getters whose errors name the key's
 * path, e.g. {@code ops[3].units}.
 */
final class ManifestObject {

    static final String FILE = "manifest.json";

    private final Map<String, Object> map;
    private final String path;

    ManifestObject(Object value, String path) throws BundleFormatException {
        if (!(value instanceof Map<?, ?>)) {
            throw new BundleFormatException(FILE, (path.isEmpty() ? "the document" : path) + " must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) value;
        this.map = m;
        this.path = path;
    }

    String where(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return map.containsKey(key) && map.get(key) != null;
    }

    private Object get(String key) throws BundleFormatException {
        if (!map.containsKey(key)) {
            throw new BundleFormatException(FILE, "missing " + where(key));
        }
        return map.get(key);
    }

    String string(String key) throws BundleFormatException {
        Object v = get(key);
        if (!(v instanceof String s)) {
            throw new BundleFormatException(FILE, where(key) + " must be a string");
        }
        return s;
    }

    long integer(String key, long min, long max) throws BundleFormatException {
        return integer(get(key), where(key), min, max);
    }

    private static long integer(Object v, String where, long min, long max) throws BundleFormatException {
        if (!(v instanceof Long l)) {
            throw new BundleFormatException(FILE, where + " must be an integer");
        }
        if (l < min || l > max) {
            throw new BundleFormatException(FILE, where + " is " + l + ", expected " + min + " to " + max);
        }
        return l;
    }

    int integer(String key, int min, int max) throws BundleFormatException {
        return (int) integer(key, (long) min, (long) max);
    }

    boolean bool(String key) throws BundleFormatException {
        Object v = get(key);
        if (!(v instanceof Boolean b)) {
            throw new BundleFormatException(FILE, where(key) + " must be true or false");
        }
        return b;
    }

    ManifestObject object(String key) throws BundleFormatException {
        return new ManifestObject(get(key), where(key));
    }

    List<Object> list(String key, int maxLength) throws BundleFormatException {
        Object v = get(key);
        if (!(v instanceof List<?>)) {
            throw new BundleFormatException(FILE, where(key) + " must be an array");
        }
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) v;
        if (l.size() > maxLength) {
            throw new BundleFormatException(FILE, where(key) + " has " + l.size() + " entries, at most "
                    + maxLength + " expected");
        }
        return l;
    }

    int[] ints(String key, int length, int min, int max) throws BundleFormatException {
        List<Object> l = list(key, Math.max(length, 0) == 0 ? Integer.MAX_VALUE : length);
        if (length >= 0 && l.size() != length) {
            throw new BundleFormatException(FILE, where(key) + " has " + l.size() + " entries, expected " + length);
        }
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) integer(l.get(i), where(key) + "[" + i + "]", min, max);
        }
        return out;
    }

    float[] floats(String key, int length) throws BundleFormatException {
        List<Object> l = list(key, length);
        if (l.size() != length) {
            throw new BundleFormatException(FILE, where(key) + " has " + l.size() + " entries, expected " + length);
        }
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            if (!(l.get(i) instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                throw new BundleFormatException(FILE, where(key) + "[" + i + "] must be a finite number");
            }
            out[i] = n.floatValue();
        }
        return out;
    }

    List<String> strings(String key, int maxLength) throws BundleFormatException {
        List<Object> l = list(key, maxLength);
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof String)) {
                throw new BundleFormatException(FILE, where(key) + "[" + i + "] must be a string");
            }
        }
        return l.stream().map(String.class::cast).toList();
    }

    Map<String, Object> raw() {
        return map;
    }
}
