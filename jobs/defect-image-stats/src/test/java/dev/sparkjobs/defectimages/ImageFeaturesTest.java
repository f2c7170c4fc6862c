package dev.sparkjobs.defectimages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Decoding and the per-image features against hand calculations and an independent implementation. */
class ImageFeaturesTest
{
    // 9 non-zero pixels in 4 8-connected regions: {(0,0),(1,0),(1,1),(2,2) diagonal}, {(5,0)}, {(4,3),(5,3),(4,4)}, {(0,4)}
    private static final int[][] FOUR_REGIONS = {
                {255, 255, 0, 0, 0, 1},
                {0, 255, 0, 0, 0, 0},
                {0, 0, 9, 0, 0, 0},
                {0, 0, 0, 0, 255, 255},
                {255, 0, 0, 0, 255, 0}};

    /** The 4x4 grey image whose features are worked out by hand below. */
    static final int[][] HAND_IMAGE = {
            {0, 0, 0, 0},
            {0, 100, 200, 0},
            {0, 50, 250, 0},
            {0, 0, 0, 255}};

    @Test
    void greyImageFeaturesByHand()
            throws Exception
    {
        LumaImage image = ImageDecoder.decode(TestImages.grey(HAND_IMAGE));
        ImageFeatures features = ImageFeatures.of(image);
        assertThat(image.width()).as("width").isEqualTo(4);
        assertThat(image.channels()).as("channels").isEqualTo(1);
        assertThat(image.bitDepth()).as("bit depth").isEqualTo(8);
        assertThat(image.format()).as("format").isEqualTo("png");
        // sum 855 over 16 pixels; sum of squares 180025, so variance 180025/16 - 53.4375^2
        assertThat(features.brightness()).as("brightness").isCloseTo(53.4375, within(1e-12));
        assertThat(features.contrast()).as("contrast").isCloseTo(Math.sqrt(8395.99609375), within(1e-9));
        // interior Laplacians: (1,1) -150, (2,1) -450, (1,2) 150, (2,2) -750; mean -300; deviations +-150, +-450
        assertThat(features.sharpness()).as("sharpness").isCloseTo(112500.0, within(1e-9));
        assertThat(features.underexposedFraction()).as("11 of 16 pixels are 0").isEqualTo(11 / 16.0);
        assertThat(features.overexposedFraction()).as("250 and 255").isEqualTo(2 / 16.0);
        assertThat(QualityFlag.of(features, 50)).as("flag").isEqualTo(QualityFlag.OK);
    }

    @Test
    void rgbLumaWeights()
            throws Exception
    {
        LumaImage image = ImageDecoder.decode(TestImages.rgb(TestImages.uniform(3, 3, 100, 200, 50)));
        ImageFeatures features = ImageFeatures.of(image);
        assertThat(image.channels()).as("channels").isEqualTo(3);
        assertThat(features.brightness()).as("0.299*100 + 0.587*200 + 0.114*50").isCloseTo(153.0, within(1e-9));
        assertThat(features.contrast()).as("uniform image").isCloseTo(0.0, within(1e-9));
        assertThat(features.sharpness()).as("uniform image").isCloseTo(0.0, within(1e-9));
        assertThat(QualityFlag.of(features, 50)).as("a flat image is blurry").isEqualTo(QualityFlag.BLURRY);
    }

    @Test
    void rgbaIgnoresAlpha()
            throws Exception
    {
        int[][][] pixels = {
                {{10, 20, 30, 0}, {10, 20, 30, 255}},
                {{10, 20, 30, 128}, {250, 250, 250, 7}}};
        LumaImage image = ImageDecoder.decode(TestImages.rgba(pixels));
        assertThat(image.channels()).as("channels").isEqualTo(4);
        // 0.299*10 + 0.587*20 + 0.114*30 = 18.15 three times, 250 once
        assertThat(image.luma()).as("luma").containsExactly(new double[] {18.15, 18.15, 18.15, 250.0}, within(1e-9));
        ImageFeatures features = ImageFeatures.of(image);
        assertThat(features.brightness()).as("brightness").isCloseTo((3 * 18.15 + 250) / 4, within(1e-9));
        assertThat(features.sharpness()).as("no interior pixels in 2x2").isNull();
        assertThat(features.overexposedFraction()).as("one of four").isEqualTo(0.25);
        assertThat(QualityFlag.of(features, 50)).as("no sharpness: judged by brightness 76.1").isEqualTo(QualityFlag.OK);
    }

    @Test
    void sixteenBitGreyDividedBy257()
            throws Exception
    {
        LumaImage image = ImageDecoder.decode(TestImages.grey16(new int[][] {{0, 257, 65535, 25700}}));
        assertThat(image.bitDepth()).as("bit depth").isEqualTo(16);
        assertThat(image.luma()).as("luma").containsExactly(new double[] {0, 1, 255, 100}, within(1e-9));
        ImageFeatures features = ImageFeatures.of(image);
        assertThat(features.brightness()).as("(0 + 1 + 255 + 100) / 4").isCloseTo(89.0, within(1e-9));
        assertThat(features.underexposedFraction()).as("0 and 1").isEqualTo(0.5);
        assertThat(features.overexposedFraction()).as("255").isEqualTo(0.25);
    }

    @Test
    void jpegDecodes()
            throws Exception
    {
        LumaImage image = ImageDecoder.decode(TestImages.greyJpeg(16, 8, 120));
        assertThat(image.format()).as("format").isEqualTo("jpeg");
        assertThat(image.width() * 10 + image.height()).as("16x8").isEqualTo(168);
        assertThat(ImageFeatures.of(image).brightness()).as("uniform 120, lossy").isCloseTo(120.0, within(1.0));
    }

    @Test
    void flagsInOrder()
    {
        assertThat(QualityFlag.of(new ImageFeatures(10, 1, 10.0, 0, 0), 50)).as("blurry before underexposed").isEqualTo(QualityFlag.BLURRY);
        assertThat(QualityFlag.of(new ImageFeatures(39.99, 1, 50.0, 0, 0), 50)).as("sharpness 50 is not blurry").isEqualTo(QualityFlag.UNDEREXPOSED);
        assertThat(QualityFlag.of(new ImageFeatures(215.01, 1, 80.0, 0, 0), 50)).as("bright").isEqualTo(QualityFlag.OVEREXPOSED);
        assertThat(QualityFlag.of(new ImageFeatures(215, 1, 80.0, 0, 0), 50)).as("215 is fine").isEqualTo(QualityFlag.OK);
        assertThat(QualityFlag.of(new ImageFeatures(40, 1, 80.0, 0, 0), 100)).as("threshold from config").isEqualTo(QualityFlag.BLURRY);
    }

    @Test
    void maskComponentsAreEightConnected()
            throws Exception
    {
        MaskFeatures features = MaskFeatures.of(ImageDecoder.decode(TestImages.grey(FOUR_REGIONS)));
        assertThat(features.defectRegions()).as("regions").isEqualTo(4);
        assertThat(features.defectPixels()).as("pixels").isEqualTo(9);
        assertThat(features.defectAreaFraction()).as("9 of 30").isCloseTo(0.3, within(1e-12));

        int[][][] colourMask = TestImages.uniform(3, 3, 0, 0, 0, 255);
        colourMask[1] = new int[][] {{0, 0, 0, 255}, {0, 0, 1, 255}, {0, 0, 0, 255}};
        MaskFeatures colour = MaskFeatures.of(ImageDecoder.decode(TestImages.rgba(colourMask)));
        assertThat(colour.defectPixels()).as("opaque black is not defect; blue 1 is").isEqualTo(1);
        assertThat(colour.defectRegions()).as("one region").isEqualTo(1);
    }

    @Test
    void masksDecodedIntoReusedBuffersCountAsFreshOnes()
            throws Exception
    {
        // the job decodes every image and mask of a task into the same buffers: each mask must count as if alone
        int[][] second = {
                {0, 0, 0, 0, 0, 0},
                {0, 7, 0, 0, 7, 0},
                {0, 0, 0, 0, 0, 0},
                {0, 0, 0, 0, 0, 0},
                {7, 7, 7, 0, 0, 0}};
        int[][] smaller = {{1, 0, 1}, {0, 0, 0}};
        DecodeBuffers buffers = new DecodeBuffers();
        MaskFeatures one = MaskFeatures.of(ImageDecoder.decode(TestImages.grey(FOUR_REGIONS), buffers), buffers);
        MaskFeatures two = MaskFeatures.of(ImageDecoder.decode(TestImages.grey(second), buffers), buffers);
        MaskFeatures three = MaskFeatures.of(ImageDecoder.decode(TestImages.grey(smaller), buffers), buffers);
        MaskFeatures twoAgain = MaskFeatures.of(ImageDecoder.decode(TestImages.grey(second), buffers), buffers);
        // by hand: FOUR_REGIONS as commented there; the second has {(1,1)}, {(4,1)}, {(0,4),(1,4),(2,4)}
        assertThat(new long[] {one.defectRegions(), one.defectPixels()}).as("first mask: regions, pixels").containsExactly(4, 9);
        assertThat(new long[] {two.defectRegions(), two.defectPixels()}).as("second mask, same buffers").containsExactly(3, 5);
        assertThat(new long[] {three.defectRegions(), three.defectPixels()}).as("a smaller mask, same buffers").containsExactly(2, 2);
        assertThat(three.defectAreaFraction()).as("2 of 6").isCloseTo(2.0 / 6, within(1e-12));
        assertThat(new long[] {twoAgain.defectRegions(), twoAgain.defectPixels()}).as("second mask after the smaller one").containsExactly(3, 5);
    }

    @Test
    void corruptFilesCarryTheDecodersMessage()
    {
        byte[] png = noise(32, 32);
        assertThatThrownBy(() -> ImageDecoder.decode(Arrays.copyOf(png, png.length / 2)))
                .as("truncated PNG")
                .isInstanceOf(ImageDecodeException.class)
                .satisfies(failure -> assertThat(((ImageDecodeException) failure).format()).contains("png"))
                .hasMessageContaining("Error reading PNG");
        assertThatThrownBy(() -> ImageDecoder.decode("plain text".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .as("not an image")
                .isInstanceOf(ImageDecodeException.class)
                .hasMessage("not a PNG or JPEG image: no decoder recognises its first bytes (10 bytes)");
        byte[] jpeg = TestImages.greyJpeg(64, 64, 90);
        assertThatThrownBy(() -> ImageDecoder.decode(Arrays.copyOf(jpeg, jpeg.length / 2)))
                .as("truncated JPEG: decoded with filler and a warning, or failed")
                .isInstanceOf(ImageDecodeException.class);
    }

    @Test
    void matchesAnIndependentImplementation()
            throws Exception
    {
        Random random = new Random(7);
        for (int round = 0; round < 12; round++) {
            int width = 3 + random.nextInt(30);
            int height = 3 + random.nextInt(30);
            byte[] png;
            String kind;
            if (round % 3 == 0) {
                int[][] rows = new int[height][width];
                for (int[] row : rows) {
                    Arrays.setAll(row, x -> random.nextInt(256));
                }
                png = TestImages.grey(rows);
                kind = "grey";
            }
            else if (round % 3 == 1) {
                int[][] rows = new int[height][width];
                for (int[] row : rows) {
                    Arrays.setAll(row, x -> random.nextInt(65536));
                }
                png = TestImages.grey16(rows);
                kind = "grey16";
            }
            else {
                int[][][] pixels = new int[height][width][];
                for (int[][] row : pixels) {
                    Arrays.setAll(row, x -> new int[] {random.nextInt(256), random.nextInt(256), random.nextInt(256), random.nextInt(256)});
                }
                png = TestImages.rgba(pixels);
                kind = "rgba";
            }
            ReferenceFeatures expected = new ReferenceFeatures(png);
            ImageFeatures actual = ImageFeatures.of(ImageDecoder.decode(png));
            String context = kind + " " + width + "x" + height;
            assertThat(actual.brightness()).as("brightness of %s", context).isCloseTo(expected.brightness, within(1e-9));
            assertThat(actual.contrast()).as("contrast of %s", context).isCloseTo(expected.contrast, within(1e-9));
            assertThat(actual.sharpness()).as("sharpness of %s", context).isCloseTo(expected.sharpness, within(1e-6));
            assertThat(actual.underexposedFraction()).as("underexposed of %s", context).isEqualTo(expected.underexposed);
            assertThat(actual.overexposedFraction()).as("overexposed of %s", context).isEqualTo(expected.overexposed);
        }
    }

    /** A grey image of random pixels: its compressed data cannot be cut without losing pixels. */
    static byte[] noise(int width, int height)
    {
        Random random = new Random(width * 31L + height);
        int[][] rows = new int[height][width];
        for (int[] row : rows) {
            Arrays.setAll(row, x -> random.nextInt(256));
        }
        return TestImages.grey(rows);
    }
}
