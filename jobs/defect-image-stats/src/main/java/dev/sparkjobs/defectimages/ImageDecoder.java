package dev.sparkjobs.defectimages;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG and JPEG bytes into luma: Y = 0.299 R + 0.587 G + 0.114 B for
 * colour images, the grey value as is for grey images, samples of more than 8 bits scaled to
 * 0..255 (16-bit divided by 257), alpha ignored.
 */
public final class ImageDecoder
{
    public static final double RED_WEIGHT = 0.299;
    public static final double GREEN_WEIGHT = 0.587;
    public static final double BLUE_WEIGHT = 0.114;

    // a double of luma and up to 4 bytes of samples per pixel, held at once while an image is decoded
    private static final int BYTES_PER_PIXEL = 12;

    static {
        // decoding from memory: ImageIO's disk cache would only add temporary files per image
        ImageIO.setUseCache(false);
    }

    private ImageDecoder() {}

    /**
     * The luma of a PNG or JPEG: the PNG kinds cameras write by {@link PngLumaDecoder}, everything
     * else by javax.imageio; images of more than the default {@code decode.max-pixels} are refused.
     */
    public static LumaImage decode(byte[] bytes)
            throws ImageDecodeException
    {
        return decode(bytes, new DecodeBuffers(), DefectImageStatsSettings.MAX_PIXELS.defaultValue());
    }

    /** As {@link #decode(byte[], DecodeBuffers, long)} with the default {@code decode.max-pixels}. */
    static LumaImage decode(byte[] bytes, DecodeBuffers buffers)
            throws ImageDecodeException
    {
        return decode(bytes, buffers, DefectImageStatsSettings.MAX_PIXELS.defaultValue());
    }

    /**
     * As {@link #decode(byte[])}; a PNG decoded by {@link PngLumaDecoder} goes into {@code buffers} and is valid until their next use.
     * An empty file, a PNG or JPEG whose header is cut off, and an image of more than {@code maxPixels} pixels are refused
     * before any buffer is allocated for their pixels.
     */
    static LumaImage decode(byte[] bytes, DecodeBuffers buffers, long maxPixels)
            throws ImageDecodeException
    {
        if (bytes.length == 0) {
            throw new ImageDecodeException(null, "the file is empty (0 bytes): it was created but its data never written"
                    + " (an interrupted upload or copy?); copy the image again from the camera");
        }
        Optional<ImageHeader> header = ImageHeader.read(bytes);
        if (header.isPresent()) {
            requireAtMost(header.get().format(), header.get().width(), header.get().height(), maxPixels);
        }
        Optional<LumaImage> png = PngLumaDecoder.decode(bytes, buffers);
        if (png.isPresent()) {
            return png.get();
        }
        return decodeWithImageIO(bytes, maxPixels);
    }

    /** The luma of a PNG or JPEG decoded by javax.imageio (the plain-Java baseline of the benchmark uses this). */
    public static LumaImage decodeWithImageIO(byte[] bytes)
            throws ImageDecodeException
    {
        return decodeWithImageIO(bytes, DefectImageStatsSettings.MAX_PIXELS.defaultValue());
    }

    private static LumaImage decodeWithImageIO(byte[] bytes, long maxPixels)
            throws ImageDecodeException
    {
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new ImageDecodeException(null, "not a PNG or JPEG image: no decoder recognises its first bytes (" + bytes.length + " bytes)");
            }
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toLowerCase(Locale.ROOT);
            try {
                reader.setInput(input, true, true);
                // the size from the reader's header, for formats ImageHeader does not read (GIF, BMP, TIFF under a .png name)
                requireAtMost(format, reader.getWidth(0), reader.getHeight(0), maxPixels);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    // a truncated JPEG decodes with grey filler and only a warning: its pixels are not the camera's
                    throw new ImageDecodeException(format, "decoder warning: " + String.join("; ", warnings));
                }
                return toLuma(image, format);
            }
            catch (IOException | RuntimeException e) {
                throw new ImageDecodeException(format, describe(e));
            }
            finally {
                reader.dispose();
            }
        }
        catch (IOException e) {
            throw new ImageDecodeException(null, describe(e));
        }
    }

    private static void requireAtMost(String format, long width, long height, long maxPixels)
            throws ImageDecodeException
    {
        long pixels = width * height;
        if (pixels > maxPixels) {
            throw new ImageDecodeException(format, String.format(Locale.ROOT,
                    "the %s header declares %dx%d = %d pixels, more than the limit of %d (%s): refused before decoding,"
                            + " which would take about %.1f GB of memory (a decompression bomb or a corrupt header?);"
                            + " raise %s if images this large are real",
                    format.toUpperCase(Locale.ROOT), width, height, pixels, maxPixels, DefectImageStatsSettings.MAX_PIXELS.name(),
                    pixels * BYTES_PER_PIXEL / 1e9, DefectImageStatsSettings.MAX_PIXELS.name()));
        }
    }

    static LumaImage toLuma(BufferedImage image, String format)
    {
        int width = image.getWidth();
        int height = image.getHeight();
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        int channels = model.getNumComponents();
        int bitDepth = model.getComponentSize(0);
        double[] luma = new double[width * height];
        int colourSpace = model.getColorSpace().getType();
        // samples are grey or R, G, B only in those colour spaces: the 4 samples of a CMYK JPEG are not R, G, B and alpha
        if (model instanceof ComponentColorModel && raster.getNumBands() == channels
                && (colourSpace == ColorSpace.TYPE_GRAY || colourSpace == ColorSpace.TYPE_RGB)) {
            boolean grey = colourSpace == ColorSpace.TYPE_GRAY;
            double scale = 255.0 / ((1L << raster.getSampleModel().getSampleSize(0)) - 1);
            int[] row = new int[width * channels];
            for (int y = 0; y < height; y++) {
                raster.getPixels(0, y, width, 1, row);
                int offset = y * width;
                for (int x = 0; x < width; x++) {
                    int base = x * channels;
                    luma[offset + x] = grey
                            ? row[base] * scale
                            : RED_WEIGHT * (row[base] * scale) + GREEN_WEIGHT * (row[base + 1] * scale) + BLUE_WEIGHT * (row[base + 2] * scale);
                }
            }
        }
        else {
            // palette, packed and CMYK images: the colour model gives 8-bit sRGB per pixel
            for (int y = 0; y < height; y++) {
                int offset = y * width;
                for (int x = 0; x < width; x++) {
                    int rgb = image.getRGB(x, y);
                    luma[offset + x] = RED_WEIGHT * ((rgb >> 16) & 0xff) + GREEN_WEIGHT * ((rgb >> 8) & 0xff) + BLUE_WEIGHT * (rgb & 0xff);
                }
            }
        }
        return new LumaImage(width, height, channels, bitDepth, format, luma);
    }

    /** The decoder's message with its causes, e.g. "Error reading PNG image data: Unexpected end of ZLIB input stream". */
    static String describe(Throwable failure)
    {
        StringBuilder message = new StringBuilder();
        for (Throwable current = failure; current != null; current = current.getCause() == current ? null : current.getCause()) {
            String part = current.getMessage() == null ? current.getClass().getSimpleName() : current.getMessage();
            if (message.indexOf(part) < 0) {
                if (!message.isEmpty()) {
                    message.append(": ");
                }
                message.append(part);
            }
        }
        return message.toString();
    }
}
