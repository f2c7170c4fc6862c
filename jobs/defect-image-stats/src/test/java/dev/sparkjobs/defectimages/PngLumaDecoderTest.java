package dev.sparkjobs.defectimages;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The direct PNG decoder against PNGs this test encodes itself, row filter by row filter as the PNG
 * specification defines them (so every filter type is exercised, not only the ones ImageIO's
 * writer happens to choose), against ImageIO on the same files, and on damaged files.
 */
class PngLumaDecoderTest
{
    private static final int GREY = 0;
    private static final int RGB = 2;
    private static final int GREY_ALPHA = 4;
    private static final int RGBA = 6;

    @Test
    void undoesEveryRowFilterOfGreyImages()
            throws Exception
    {
        int width = 7;
        int height = 10; // two rows per filter type 0..4
        int[][] samples = randomSamples(height, width, 1, 255, 1);
        byte[] png = encode(width, height, GREY, 8, samples, 3);

        LumaImage image = PngLumaDecoder.decode(png).orElseThrow();

        assertThat(image.luma()).as("grey values as written, every filter type")
                .containsExactly(expectedGrey(samples, 1.0), within(0.0));
        assertThat(new int[] {image.width(), image.height(), image.channels(), image.bitDepth()}).as("shape")
                .containsExactly(width, height, 1, 8);
        assertThat(image.format()).as("format").isEqualTo("png");
        assertThat(image.luma()).as("the same pixels as ImageIO reads from the same file")
                .containsExactly(ImageDecoder.decodeWithImageIO(png).luma(), within(0.0));
    }

    @Test
    void imagesDecodedIntoReusedBuffersEqualFreshDecodes()
            throws Exception
    {
        // the job decodes a task's images one after another into the same buffers: kinds and sizes change between them
        DecodeBuffers buffers = new DecodeBuffers();
        byte[][] pngs = {
                encode(9, 6, RGB, 8, randomSamples(6, 9, 3, 255, 11), 11),
                encode(4, 3, GREY, 8, randomSamples(3, 4, 1, 255, 12), 12),
                encode(9, 6, RGBA, 8, randomSamples(6, 9, 4, 255, 13), 13),
                encode(5, 5, GREY, 16, randomSamples(5, 5, 1, 65535, 14), 14)};
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < pngs.length; i++) {
                LumaImage reused = PngLumaDecoder.decode(pngs[i], buffers).orElseThrow();
                double[] fresh = ImageDecoder.decodeWithImageIO(pngs[i]).luma();
                assertThat(reused.luma()).as("image %s, round %s, into reused buffers, against ImageIO", i, round)
                        .containsExactly(fresh, within(0.0));
            }
        }
    }

    @Test
    void computesLumaOfColourImagesIgnoringAlpha()
            throws Exception
    {
        int width = 5;
        int height = 10;
        for (int colourType : new int[] {RGB, RGBA, GREY_ALPHA}) {
            int channels = colourType == RGB ? 3 : colourType == RGBA ? 4 : 2;
            int[][] samples = randomSamples(height, width, channels, 255, colourType);
            byte[] png = encode(width, height, colourType, 8, samples, 1000);

            LumaImage image = PngLumaDecoder.decode(png).orElseThrow();

            double[] expected = new double[width * height];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int at = x * channels;
                    expected[y * width + x] = channels == 2
                            ? samples[y][at]
                            : 0.299 * samples[y][at] + 0.587 * samples[y][at + 1] + 0.114 * samples[y][at + 2];
                }
            }
            assertThat(image.luma()).as("luma of colour type %s", colourType).containsExactly(expected, within(1e-12));
            assertThat(image.channels()).as("channels of colour type %s", colourType).isEqualTo(channels);
            assertThat(image.luma()).as("colour type %s: the same luma as ImageIO's raster gives", colourType)
                    .containsExactly(ImageDecoder.decodeWithImageIO(png).luma(), within(0.0));
        }
    }

    @Test
    void scalesSixteenBitGreyBy257()
            throws Exception
    {
        int[][] samples = {{0, 257, 65535}, {514, 65535, 1}};
        byte[] png = encode(3, 2, GREY, 16, samples, 1000);

        LumaImage image = PngLumaDecoder.decode(png).orElseThrow();

        assertThat(image.luma()).as("16-bit samples / 257").containsExactly(new double[] {0, 1, 255, 2, 255, 1 / 257.0}, within(1e-12));
        assertThat(image.bitDepth()).as("bit depth").isEqualTo(16);
        assertThat(image.luma()).as("as ImageIO").containsExactly(ImageDecoder.decodeWithImageIO(png).luma(), within(0.0));
    }

    @Test
    void decodesWhatImageIoWritesIdentically()
            throws Exception
    {
        Random random = new Random(7);
        for (int type : new int[] {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_USHORT_GRAY}) {
            BufferedImage image = new BufferedImage(33, 21, type);
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    for (int band = 0; band < image.getRaster().getNumBands(); band++) {
                        // smooth gradients plus noise: ImageIO's writer picks different filters per row
                        int max = type == BufferedImage.TYPE_USHORT_GRAY ? 65535 : 255;
                        image.getRaster().setSample(x, y, band, Math.min(max, (x * 7 + y * 3) * max / 300 + random.nextInt(max / 16)));
                    }
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            byte[] png = out.toByteArray();

            assertThat(PngLumaDecoder.decode(png).orElseThrow().luma()).as("image type %s", type)
                    .containsExactly(ImageDecoder.decodeWithImageIO(png).luma(), within(0.0));
        }
    }

    @Test
    void leavesOtherPngKindsAndOtherFormatsToImageIo()
            throws Exception
    {
        BufferedImage palette = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_INDEXED);
        palette.setRGB(1, 1, 0xff0000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(palette, "png", out);
        byte[] palettePng = out.toByteArray();

        assertThat(PngLumaDecoder.decode(palettePng)).as("palette PNG").isEmpty();
        assertThat(ImageDecoder.decode(palettePng).at(1, 1)).as("palette PNG through ImageIO: red").isCloseTo(0.299 * 255, within(1e-9));
        assertThat(PngLumaDecoder.decode(TestImages.greyJpeg(8, 8, 90))).as("JPEG").isEmpty();
        assertThat(PngLumaDecoder.decode("not an image".getBytes(StandardCharsets.UTF_8))).as("text").isEmpty();

        byte[] interlaced = encode(3, 2, GREY, 8, new int[][] {{1, 2, 3}, {4, 5, 6}}, 1000);
        interlaced[8 + 8 + 12] = 1; // IHDR's interlace method byte, then IHDR's CRC updated
        CRC32 crc = new CRC32();
        crc.update(interlaced, 12, 4 + 13);
        putInt(interlaced, 8 + 8 + 13, (int) crc.getValue());
        assertThat(PngLumaDecoder.decode(interlaced)).as("interlaced PNG").isEmpty();
    }

    @Test
    void damagedFilesFailWithAMessageNamingTheDamage()
    {
        int[][] samples = randomSamples(40, 40, 1, 255, 3);
        byte[] png = encode(40, 40, GREY, 8, samples, 64);

        assertThatThrownBy(() -> PngLumaDecoder.decode(Arrays.copyOf(png, png.length / 2)))
                .as("cut in the middle of the image data")
                .isInstanceOf(ImageDecodeException.class)
                .hasMessageStartingWith("Error reading PNG image data: ")
                .hasMessageContaining("truncated file");
        assertThat(catchFormat(() -> PngLumaDecoder.decode(Arrays.copyOf(png, png.length / 2)))).as("format of a damaged PNG").isEqualTo("png");

        byte[] flipped = png.clone();
        flipped[8 + 25 + 8 + 20] ^= 0x10; // a byte inside the first IDAT chunk's data
        assertThatThrownBy(() -> PngLumaDecoder.decode(flipped))
                .as("one flipped bit")
                .isInstanceOf(ImageDecodeException.class)
                .hasMessage("Error reading PNG image data: chunk IDAT at byte 33 fails its CRC check (the file is corrupt)");

        byte[] badFilter = encode(3, 2, GREY, 8, new int[][] {{1, 2, 3}, {4, 5, 6}}, 1000, 9);
        assertThatThrownBy(() -> PngLumaDecoder.decode(badFilter))
                .as("filter type 9")
                .isInstanceOf(ImageDecodeException.class)
                .hasMessage("Error reading PNG image data: row 0 has the unknown filter type 9 (PNG defines 0-4)");

        byte[] noData = Arrays.copyOf(png, 8 + 25);
        assertThatThrownBy(() -> PngLumaDecoder.decode(noData))
                .as("header only")
                .isInstanceOf(ImageDecodeException.class)
                .hasMessage("Error reading PNG image data: the image data ends after 0 of 1640 bytes of pixel rows (a truncated file?)");
    }

    private static String catchFormat(ThrowingRunnable decode)
    {
        try {
            decode.run();
            return null;
        }
        catch (ImageDecodeException e) {
            return e.format().orElse(null);
        }
    }

    private interface ThrowingRunnable
    {
        void run()
                throws ImageDecodeException;
    }

    private static int[][] randomSamples(int height, int width, int channels, int max, long seed)
    {
        Random random = new Random(seed);
        int[][] samples = new int[height][width * channels];
        for (int[] row : samples) {
            for (int i = 0; i < row.length; i++) {
                row[i] = random.nextInt(max + 1);
            }
        }
        return samples;
    }

    private static double[] expectedGrey(int[][] samples, double scale)
    {
        return Arrays.stream(samples).flatMapToInt(Arrays::stream).mapToDouble(value -> value * scale).toArray();
    }

    private static byte[] encode(int width, int height, int colourType, int bitDepth, int[][] samples, int idatChunkSize)
    {
        return encode(width, height, colourType, bitDepth, samples, idatChunkSize, -1);
    }

    /**
     * A PNG by the specification: row y filtered with filter type y % 5 (or {@code forcedFilter}),
     * the deflated rows split into IDAT chunks of {@code idatChunkSize} bytes.
     */
    private static byte[] encode(int width, int height, int colourType, int bitDepth, int[][] samples, int idatChunkSize, int forcedFilter)
    {
        int bytesPerSample = bitDepth / 8;
        int bytesPerPixel = samples[0].length / width * bytesPerSample;
        int rowBytes = width * bytesPerPixel;
        byte[][] raw = new byte[height][rowBytes];
        for (int y = 0; y < height; y++) {
            for (int i = 0; i < samples[y].length; i++) {
                if (bytesPerSample == 2) {
                    raw[y][2 * i] = (byte) (samples[y][i] >> 8);
                    raw[y][2 * i + 1] = (byte) samples[y][i];
                }
                else {
                    raw[y][i] = (byte) samples[y][i];
                }
            }
        }
        ByteArrayOutputStream filtered = new ByteArrayOutputStream();
        for (int y = 0; y < height; y++) {
            int filter = forcedFilter >= 0 ? forcedFilter : y % 5;
            filtered.write(filter);
            for (int i = 0; i < rowBytes; i++) {
                int value = raw[y][i] & 0xff;
                int left = i >= bytesPerPixel ? raw[y][i - bytesPerPixel] & 0xff : 0;
                int up = y > 0 ? raw[y - 1][i] & 0xff : 0;
                int upLeft = y > 0 && i >= bytesPerPixel ? raw[y - 1][i - bytesPerPixel] & 0xff : 0;
                int predictor = switch (filter) {
                    case 1 -> left;
                    case 2 -> up;
                    case 3 -> (left + up) / 2;
                    case 4 -> paeth(left, up, upLeft);
                    default -> 0;
                };
                filtered.write((value - predictor) & 0xff);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(PngChunks.SIGNATURE);
        byte[] header = new byte[13];
        putInt(header, 0, width);
        putInt(header, 4, height);
        header[8] = (byte) bitDepth;
        header[9] = (byte) colourType;
        PngChunks.chunk(png, "IHDR", header);
        byte[] data = PngChunks.deflate(filtered.toByteArray());
        for (int start = 0; start < data.length; start += idatChunkSize) {
            PngChunks.chunk(png, "IDAT", Arrays.copyOfRange(data, start, Math.min(data.length, start + idatChunkSize)));
        }
        PngChunks.chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static int paeth(int left, int up, int upLeft)
    {
        int p = left + up - upLeft;
        int pa = Math.abs(p - left);
        int pb = Math.abs(p - up);
        int pc = Math.abs(p - upLeft);
        return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
    }


    private static void putInt(byte[] bytes, int at, int value)
    {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }
}
