package ai.lutboost.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.lutboost.engine.BundleFormatException;
import ai.lutboost.engine.LutModel;
import ai.lutboost.layer.Metric;
import ai.lutboost.quant.IntegerModel;
import ai.lutboost.quant.LutLayerOp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundle format: reproducible bytes, and every kind of damage refused with the file named. */
class BundleFormatTest {

    @TempDir Path dir;

    private IntegerModel model;
    private GoldenVectors golden;

    @BeforeEach
    void setUp() {
        model = SyntheticBundles.model(7, Metric.L2);
        int[][] in = SyntheticBundles.inputs(8, 16, 72);
        golden = SyntheticBundles.golden(in, new long[16][3]);
    }

    @Test
    void sameModelGivesIdenticalBytes() throws IOException {
        Path a = TableBundleWriter.write(model, golden, dir.resolve("a.lutb"));
        Path b = TableBundleWriter.write(model, golden, dir.resolve("b.lutb"));
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        Path da = TableBundleWriter.write(model, golden, dir.resolve("da"));
        Path db = TableBundleWriter.write(model, golden, dir.resolve("db"));
        for (String f : TableBundleWriter.files(model, golden).keySet()) {
            assertArrayEquals(Files.readAllBytes(da.resolve(f)), Files.readAllBytes(db.resolve(f)), f);
        }
        TableBundleWriter.write(model, golden, da);
        assertTrue(Files.isRegularFile(da.resolve("manifest.json")), "rewriting a bundle in place keeps it whole");
    }

    @Test
    void readerGivesBackTheModel() throws IOException {
        Path b = TableBundleWriter.write(model, golden, dir.resolve("m.lutb"));
        IntegerModel back = TableBundleReader.read(b).model();
        assertEquals(model.ops().size(), back.ops().size());
        LutLayerOp a = (LutLayerOp) model.ops().get(1);
        LutLayerOp c = (LutLayerOp) back.ops().get(1);
        assertArrayEquals(a.table(), c.table());
        assertArrayEquals(a.centroids(), c.centroids());
        assertArrayEquals(a.bias(), c.bias());
        assertArrayEquals(a.outputShift(), c.outputShift());
        assertEquals(a.conv().padding()[0], c.conv().padding()[0]);
        assertEquals(model.tensor("lutconv").format(), back.tensor("lutconv").format());
        assertArrayEquals(golden.inputs()[3], TableBundleReader.read(b).golden().inputs()[3]);
        String mem = Files.readString(TableBundleWriter.write(model, golden, dir.resolve("d")).resolve(
                "hw/lutconv.table.mem"));
        String first = mem.lines().findFirst().orElseThrow();
        assertEquals(String.format("%02x", a.table()[0] & 0x3f), first, "6-bit table words in two's complement hex");
        Path directory = dir.resolve("d");
        List<String> shifts = Files.readAllLines(directory.resolve("hw/lutconv.shift.mem"));
        assertEquals(a.outputShift().length, shifts.size());
        for (int n = 0; n < shifts.size(); n++) {
            assertEquals(a.outputShift()[n], (byte) Integer.parseInt(shifts.get(n), 16), "shift of column " + n);
        }
        int inputBits = model.tensor(model.input()).format().bits();
        List<String> inputs = Files.readAllLines(directory.resolve("golden/inputs.mem"));
        int perSample = golden.inputs()[0].length;
        assertEquals(golden.samples() * perSample, inputs.size());
        long word = Long.parseLong(inputs.get(3 * perSample + 5), 16);
        long value = word >= 1L << (inputBits - 1) ? word - (1L << inputBits) : word;
        assertEquals(golden.inputs()[3][5], value, "golden input word in the input's width");
    }

    @Test
    void truncatedFileIsNamed() throws IOException {
        Path b = TableBundleWriter.write(model, golden, dir.resolve("t"));
        Path f = b.resolve("tables/lutconv.bin");
        byte[] data = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(data, data.length - 1));
        BundleFormatException e = assertThrows(BundleFormatException.class, () -> LutModel.load(b));
        assertEquals("tables/lutconv.bin", e.getFile());
        assertTrue(e.getMessage().contains("declares " + data.length), e.getMessage());
    }

    @Test
    void flippedByteIsCaughtBySha() throws IOException {
        Path b = TableBundleWriter.write(model, golden, dir.resolve("f"));
        Path f = b.resolve("centroids/lutfc.bin");
        byte[] data = Files.readAllBytes(f);
        data[3] ^= 1;
        Files.write(f, data);
        BundleFormatException e = assertThrows(BundleFormatException.class, () -> LutModel.load(b));
        assertEquals("centroids/lutfc.bin", e.getFile());
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        assertThrows(BundleFormatException.class, () -> TableBundleReader.read(b));
    }

    @Test
    void unknownVersionIsRefused() throws IOException {
        Path b = TableBundleWriter.write(model, golden, dir.resolve("v"));
        editManifest(b, s -> s.replace("\"formatVersion\": 1", "\"formatVersion\": 2"));
        BundleFormatException e = assertThrows(BundleFormatException.class, () -> LutModel.load(b));
        assertTrue(e.getMessage().contains("unknown format version 2"), e.getMessage());
        assertTrue(assertThrows(BundleFormatException.class, () -> TableBundleReader.read(b)).getMessage()
                .contains("unknown format version 2"));
    }

    @Test
    void aFileInsideABundleDirectoryNamesTheDirectory() throws IOException {
        Path b = TableBundleWriter.write(model, golden, dir.resolve("d"));
        BundleFormatException e =
                assertThrows(BundleFormatException.class, () -> LutModel.load(b.resolve("manifest.json")));
        assertTrue(e.getMessage().endsWith("manifest.json is a file inside the bundle directory "
                + b.toAbsolutePath() + ", give that"), e.getMessage());
        Path stray = Files.writeString(dir.resolve("notes.txt"), "not a bundle");
        e = assertThrows(BundleFormatException.class, () -> LutModel.load(stray));
        assertTrue(e.getMessage().contains("not a readable .lutb (zip) file") && !e.getMessage().contains("inside"),
                e.getMessage());
    }

    @Test
    void missingFileIsNamed() throws IOException {
        Path b = TableBundleWriter.write(model, golden, dir.resolve("m"));
        Files.delete(b.resolve("bias/fc.bin"));
        BundleFormatException e = assertThrows(BundleFormatException.class, () -> LutModel.load(b));
        assertEquals("bias/fc.bin", e.getFile());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void manifestShapesMustAgreeWithFiles() throws IOException {
        Path b = TableBundleWriter.write(model, golden, dir.resolve("s"));
        editManifest(b, s -> s.replaceFirst("\"units\": 5", "\"units\": 6"));
        BundleFormatException e = assertThrows(BundleFormatException.class, () -> LutModel.load(b));
        assertEquals("manifest.json", e.getFile());
        assertTrue(e.getMessage().contains("ops[5]"), e.getMessage());

        Path c = TableBundleWriter.write(model, golden, dir.resolve("s2"));
        editManifest(c, s -> s.replaceFirst("\"k\": 4", "\"k\": 5"));
        BundleFormatException size = assertThrows(BundleFormatException.class, () -> LutModel.load(c));
        assertEquals("centroids/lutconv.bin", size.getFile());
        assertTrue(size.getMessage().contains("declares 100"), size.getMessage());
    }

    @Test
    void manifestEditWithoutItsShaIsRefused() throws IOException {
        Path b = TableBundleWriter.write(model, golden, dir.resolve("e"));
        Path m = b.resolve("manifest.json");
        Files.writeString(m, Files.readString(m).replace("\"relu\": true", "\"relu\": false"));
        BundleFormatException e = assertThrows(BundleFormatException.class, () -> LutModel.load(b));
        assertEquals("manifest.json", e.getFile());
    }

    @Test
    void tenThousandMutationsAreRefusedOrHarmless() throws IOException {
        Path good = TableBundleWriter.write(model, golden, dir.resolve("good.lutb"));
        byte[] bytes = Files.readAllBytes(good);
        LutModel reference = LutModel.load(good);
        int[][] probe = golden.inputs();
        int[][] expected = reference.predict(probe, 1);
        Random r = new Random(11);
        Path bad = dir.resolve("bad.lutb");
        int refused = 0;
        for (int i = 0; i < 10_000; i++) {
            Files.write(bad, mutate(bytes, r));
            try {
                LutModel m = LutModel.load(bad);
                for (int s = 0; s < probe.length; s++) {
                    assertArrayEquals(expected[s], m.predict(probe[s]), "mutation " + i + " loaded but computes"
                            + " differently");
                }
            } catch (BundleFormatException e) {
                refused++;
                assertTrue(e.getMessage().startsWith(e.getFile() + ": "), e.getMessage());
            } catch (RuntimeException | Error e) {
                fail("mutation " + i + " raised " + e, e);
            }
        }
        // What loads is a mutation of zip bookkeeping (timestamps, version fields) that leaves every
        // entry's bytes as written; the loop above has checked that such a bundle computes the same.
        assertTrue(refused > 0, "mutations must be detected");
        System.out.printf("mutations: %d of 10000 refused with BundleFormatException, %d loaded unchanged%n",
                refused, 10_000 - refused);
    }

    private static byte[] mutate(byte[] bytes, Random r) {
        int pos = r.nextInt(bytes.length);
        switch (r.nextInt(5)) {
            case 0 -> {
                byte[] b = bytes.clone();
                b[pos] ^= (byte) (1 << r.nextInt(8));
                return b;
            }
            case 1 -> {
                byte[] b = bytes.clone();
                b[pos] = (byte) r.nextInt(256);
                return b;
            }
            case 2 -> {
                return Arrays.copyOf(bytes, pos);
            }
            case 3 -> {
                byte[] b = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, b, 0, pos);
                b[pos] = (byte) r.nextInt(256);
                System.arraycopy(bytes, pos, b, pos + 1, bytes.length - pos);
                return b;
            }
            default -> {
                byte[] b = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, b, 0, pos);
                System.arraycopy(bytes, pos + 1, b, pos, bytes.length - pos - 1);
                return b;
            }
        }
    }

    /** Edits the manifest and records its new SHA-256, as a careless hand edit with a fixed checksum would. */
    private static void editManifest(Path bundle, java.util.function.UnaryOperator<String> edit) throws IOException {
        Path m = bundle.resolve("manifest.json");
        String text = edit.apply(Files.readString(m));
        assertTrue(!text.equals(Files.readString(m)), "the edit must change the manifest");
        Files.writeString(m, text);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Files.writeString(bundle.resolve("manifest.sha256"), TableBundleWriter.sha256(bytes) + "  manifest.json\n");
    }
}
