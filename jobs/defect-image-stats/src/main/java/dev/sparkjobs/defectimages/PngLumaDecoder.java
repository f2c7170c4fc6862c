package dev.sparkjobs.defectimages;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import static dev.sparkjobs.defectimages.ImageDecoder.BLUE_WEIGHT;
import static dev.sparkjobs.defectimages.ImageDecoder.GREEN_WEIGHT;
import static dev.sparkjobs.defectimages.ImageDecoder.RED_WEIGHT;

/**
 * Decodes the PNG kinds inspection cameras write (non-interlaced 8-bit grey, grey + alpha, RGB and
 * RGBA; 16-bit grey) straight from the file's bytes to luma: one inflate of the image data into
 * one buffer, the row filters undone in place, luma computed from the samples as
 * {@link ImageDecoder#toLuma} computes it from a decoded raster. It skips ImageIO's image objects
 * and per-row copies, which take most of ImageIO's decode time. Other PNG kinds (palette, 1-4 bit,
 * 16-bit colour, interlaced) are left to ImageIO.
 * <p>
 * Stricter than ImageIO in one way: every chunk's CRC is checked, so a file with flipped bytes is
 * unreadable rather than decoded into pixels the camera never took.
 */
final class PngLumaDecoder
{
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final String FORMAT = "png";
    private static final String ERROR = "Error reading PNG image data: ";

    private static final int GREY = 0;
    private static final int RGB = 2;
    private static final int GREY_ALPHA = 4;
    private static final int RGBA = 6;

    // weight x sample for every 8-bit sample: one load instead of a conversion and a multiplication per channel and pixel
    private static final double[] RED = weighted(RED_WEIGHT);
    private static final double[] GREEN = weighted(GREEN_WEIGHT);
    private static final double[] BLUE = weighted(BLUE_WEIGHT);

    private PngLumaDecoder() {}

    static boolean isPng(byte[] bytes)
    {
        if (bytes.length < SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (bytes[i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The luma of a PNG of a supported kind; empty when {@code bytes} is not a PNG or is a kind
     * this decoder leaves to ImageIO.
     *
     * @throws ImageDecodeException when the file is such a PNG but damaged: truncated, a chunk
     * failing its CRC, corrupt compressed data, an unknown row filter
     */
    static Optional<LumaImage> decode(byte[] bytes)
            throws ImageDecodeException
    {
        return decode(bytes, new DecodeBuffers());
    }

    /** As {@link #decode(byte[])}, into {@code buffers}: the image is valid until their next use. */
    static Optional<LumaImage> decode(byte[] bytes, DecodeBuffers buffers)
            throws ImageDecodeException
    {
        if (!isPng(bytes)) {
            return Optional.empty();
        }
        Chunks chunks = new Chunks(bytes);
        Chunk header = chunks.next();
        if (header == null || !header.is("IHDR") || header.length() < 13) {
            throw damaged("the file has no IHDR header chunk after the PNG signature");
        }
        int width = readInt(bytes, header.data());
        int height = readInt(bytes, header.data() + 4);
        int bitDepth = bytes[header.data() + 8] & 0xff;
        int colourType = bytes[header.data() + 9] & 0xff;
        int interlace = bytes[header.data() + 12] & 0xff;
        int channels = switch (colourType) {
            case GREY -> 1;
            case GREY_ALPHA -> 2;
            case RGB -> 3;
            case RGBA -> 4;
            default -> 0;
        };
        boolean supported = channels > 0 && interlace == 0 && (bitDepth == 8 || (bitDepth == 16 && colourType == GREY));
        if (!supported || width < 1 || height < 1 || (long) width * height * channels * (bitDepth / 8) > Integer.MAX_VALUE / 2) {
            return Optional.empty();
        }
        int bytesPerPixel = channels * bitDepth / 8;
        int rowBytes = width * bytesPerPixel;
        int length = height * (rowBytes + 1);
        byte[] rows = buffers.rows(length);
        inflate(chunks, rows, length);
        unfilter(rows, height, rowBytes, bytesPerPixel);
        double[] luma = buffers.luma(width * height);
        luma(rows, rowBytes + 1, luma, width, height, colourType, bitDepth);
        return Optional.of(new LumaImage(width, height, channels, bitDepth, FORMAT, luma));
    }

    /** Inflates the IDAT chunks, in file order, into exactly the first {@code length} bytes of {@code rows}. */
    private static void inflate(Chunks chunks, byte[] rows, int length)
            throws ImageDecodeException
    {
        Inflater inflater = new Inflater();
        try {
            int filled = 0;
            for (Chunk chunk = chunks.next(); chunk != null && filled < length && !chunk.is("IEND"); chunk = chunks.next()) {
                if (!chunk.is("IDAT")) {
                    continue;
                }
                inflater.setInput(chunks.bytes(), chunk.data(), chunk.length());
                while (filled < length && !inflater.finished()) {
                    int produced = inflater.inflate(rows, filled, length - filled);
                    filled += produced;
                    if (produced == 0) {
                        if (inflater.needsDictionary()) {
                            throw damaged("the compressed image data asks for a preset dictionary, which PNG does not allow");
                        }
                        break; // needs the next IDAT chunk
                    }
                }
            }
            if (filled < length) {
                throw damaged("the image data ends after " + filled + " of " + length + " bytes of pixel rows (a truncated file?)");
            }
        }
        catch (DataFormatException e) {
            throw damaged("corrupt compressed image data (" + e.getMessage() + ")");
        }
        finally {
            inflater.end();
        }
    }

    /** Undoes the PNG row filters in place; each row is one filter-type byte, then the row's bytes. */
    private static void unfilter(byte[] rows, int height, int rowBytes, int bytesPerPixel)
            throws ImageDecodeException
    {
        int stride = rowBytes + 1;
        for (int y = 0; y < height; y++) {
            int start = y * stride + 1;
            int previous = start - stride; // only read when y > 0
            int filter = rows[start - 1];
            switch (filter) {
                case 0 -> { }
                case 1 -> {
                    for (int i = start + bytesPerPixel; i < start + rowBytes; i++) {
                        rows[i] += rows[i - bytesPerPixel];
                    }
                }
                case 2 -> {
                    if (y > 0) {
                        for (int i = 0; i < rowBytes; i++) {
                            rows[start + i] += rows[previous + i];
                        }
                    }
                }
                case 3 -> {
                    for (int i = 0; i < rowBytes; i++) {
                        int left = i >= bytesPerPixel ? rows[start + i - bytesPerPixel] & 0xff : 0;
                        int up = y > 0 ? rows[previous + i] & 0xff : 0;
                        rows[start + i] += (byte) ((left + up) >>> 1);
                    }
                }
                case 4 -> {
                    for (int i = 0; i < rowBytes; i++) {
                        int left = i >= bytesPerPixel ? rows[start + i - bytesPerPixel] & 0xff : 0;
                        int up = y > 0 ? rows[previous + i] & 0xff : 0;
                        int upLeft = i >= bytesPerPixel && y > 0 ? rows[previous + i - bytesPerPixel] & 0xff : 0;
                        rows[start + i] += (byte) paeth(left, up, upLeft);
                    }
                }
                default -> throw damaged("row " + y + " has the unknown filter type " + (filter & 0xff) + " (PNG defines 0-4)");
            }
        }
    }

    private static int paeth(int left, int up, int upLeft)
    {
        int estimate = left + up - upLeft;
        int toLeft = Math.abs(estimate - left);
        int toUp = Math.abs(estimate - up);
        int toUpLeft = Math.abs(estimate - upLeft);
        if (toLeft <= toUp && toLeft <= toUpLeft) {
            return left;
        }
        return toUp <= toUpLeft ? up : upLeft;
    }

    /** Fills {@code luma} (width x height values) from the unfiltered rows, {@code stride} bytes each with their filter byte. */
    private static void luma(byte[] rows, int stride, double[] luma, int width, int height, int colourType, int bitDepth)
    {
        if (bitDepth == 16) {
            // as ImageDecoder.toLuma: samples scaled by 255 / 65535, i.e. divided by 257
            double scale = 255.0 / 65535;
            for (int y = 0; y < height; y++) {
                int at = y * stride + 1;
                int offset = y * width;
                for (int x = 0; x < width; x++) {
                    luma[offset + x] = (((rows[at] & 0xff) << 8) | (rows[at + 1] & 0xff)) * scale;
                    at += 2;
                }
            }
            return;
        }
        if (colourType == GREY || colourType == GREY_ALPHA) {
            int channels = colourType == GREY ? 1 : 2;
            for (int y = 0; y < height; y++) {
                int at = y * stride + 1;
                int offset = y * width;
                for (int x = 0; x < width; x++) {
                    luma[offset + x] = rows[at + x * channels] & 0xff;
                }
            }
            return;
        }
        int channels = colourType == RGB ? 3 : 4;
        for (int y = 0; y < height; y++) {
            int at = y * stride + 1;
            int offset = y * width;
            for (int x = 0; x < width; x++) {
                // the products of ImageDecoder.toLuma, looked up, added in its order: the same doubles
                luma[offset + x] = RED[rows[at] & 0xff] + GREEN[rows[at + 1] & 0xff] + BLUE[rows[at + 2] & 0xff];
                at += channels;
            }
        }
    }

    private static double[] weighted(double weight)
    {
        double[] products = new double[256];
        for (int value = 0; value < products.length; value++) {
            products[value] = weight * value;
        }
        return products;
    }

    private static ImageDecodeException damaged(String reason)
    {
        return new ImageDecodeException(FORMAT, ERROR + reason);
    }

    private static int readInt(byte[] bytes, int at)
    {
        return ((bytes[at] & 0xff) << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8) | (bytes[at + 3] & 0xff);
    }

    private record Chunk(String type, int data, int length)
    {
        boolean is(String name)
        {
            return type.equals(name);
        }
    }

    /** The chunks after the signature, each checked against its CRC. */
    private static final class Chunks
    {
        private final byte[] bytes;
        private final CRC32 crc = new CRC32();
        private int position = SIGNATURE.length;

        Chunks(byte[] bytes)
        {
            this.bytes = bytes;
        }

        byte[] bytes()
        {
            return bytes;
        }

        /** The next chunk, or null at the end of the file. */
        Chunk next()
                throws ImageDecodeException
        {
            if (position == bytes.length) {
                return null;
            }
            if (bytes.length - position < 12) {
                throw damaged("the file ends inside a chunk header at byte " + position + " of " + bytes.length + " (a truncated file?)");
            }
            long length = readInt(bytes, position) & 0xffffffffL;
            String type = new String(bytes, position + 4, 4, StandardCharsets.ISO_8859_1);
            int data = position + 8;
            if (length > bytes.length - data - 4) {
                throw damaged("chunk " + type + " at byte " + position + " declares " + length + " bytes but the file ends "
                        + (bytes.length - data) + " bytes later (a truncated file?)");
            }
            crc.reset();
            crc.update(bytes, position + 4, 4 + (int) length);
            int end = data + (int) length;
            if ((int) crc.getValue() != readInt(bytes, end)) {
                throw damaged("chunk " + type + " at byte " + position + " fails its CRC check (the file is corrupt)");
            }
            position = end + 4;
            return new Chunk(type, data, (int) length);
        }
    }
}
