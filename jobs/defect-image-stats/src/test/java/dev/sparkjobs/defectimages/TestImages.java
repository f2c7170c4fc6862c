package dev.sparkjobs.defectimages;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import javax.imageio.ImageIO;

/** Tiny images with known pixels, written as PNG (or JPEG) by the tests. */
final class TestImages
{
    private TestImages() {}

    /** 8-bit grey; {@code rows[y][x]} is the grey value. */
    static byte[] grey(int[][] rows)
    {
        return png(image(rows, BufferedImage.TYPE_BYTE_GRAY, 1, (pixel, band) -> pixel[0]));
    }

    /** 16-bit grey. */
    static byte[] grey16(int[][] rows)
    {
        return png(image(rows, BufferedImage.TYPE_USHORT_GRAY, 1, (pixel, band) -> pixel[0]));
    }

    /** 8-bit RGB; {@code pixels[y][x]} = {r, g, b}. */
    static byte[] rgb(int[][][] pixels)
    {
        return png(image(pixels, BufferedImage.TYPE_3BYTE_BGR, 3));
    }

    /** 8-bit RGBA; {@code pixels[y][x]} = {r, g, b, a}. */
    static byte[] rgba(int[][][] pixels)
    {
        return png(image(pixels, BufferedImage.TYPE_4BYTE_ABGR, 4));
    }

    /** A uniform grey JPEG. */
    static byte[] greyJpeg(int width, int height, int value)
    {
        int[][] rows = new int[height][width];
        for (int[] row : rows) {
            Arrays.fill(row, value);
        }
        return encode(image(rows, BufferedImage.TYPE_BYTE_GRAY, 1, (pixel, band) -> pixel[0]), "jpeg");
    }

    static int[][][] uniform(int width, int height, int... pixel)
    {
        int[][][] pixels = new int[height][width][];
        for (int[][] row : pixels) {
            Arrays.fill(row, pixel);
        }
        return pixels;
    }

    static void write(Path file, byte[] bytes)
    {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Sample
    {
        int of(int[] pixel, int band);
    }

    private static BufferedImage image(int[][] rows, int type, int bands, Sample sample)
    {
        int[][][] pixels = new int[rows.length][rows[0].length][];
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < rows[0].length; x++) {
                pixels[y][x] = new int[] {rows[y][x]};
            }
        }
        return image(pixels, type, bands);
    }

    private static BufferedImage image(int[][][] pixels, int type, int bands)
    {
        BufferedImage image = new BufferedImage(pixels[0].length, pixels.length, type);
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < pixels.length; y++) {
            for (int x = 0; x < pixels[0].length; x++) {
                for (int band = 0; band < bands; band++) {
                    raster.setSample(x, y, band, pixels[y][x][band]);
                }
            }
        }
        return image;
    }

    private static byte[] png(BufferedImage image)
    {
        return encode(image, "png");
    }

    private static byte[] encode(BufferedImage image, String format)
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, bytes)) {
                throw new IllegalStateException("no " + format + " writer for image type " + image.getType());
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
