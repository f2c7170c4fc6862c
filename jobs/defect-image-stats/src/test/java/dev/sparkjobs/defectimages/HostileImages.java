package dev.sparkjobs.defectimages;

import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Hostile image files made byte by byte: headers that claim sizes their data does not have. */
final class HostileImages
{
    private HostileImages() {}

    /** A PNG signature, an IHDR chunk (8-bit grey) claiming {@code width x height}, with a valid CRC, and IEND: no pixel data. */
    static byte[] pngBomb(int width, int height)
    {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(PngChunks.SIGNATURE);
        PngChunks.chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0).array());
        PngChunks.chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    /** SOI, a baseline frame header (SOF0, one grey component) claiming {@code width x height}, EOI. */
    static byte[] jpegBomb(int width, int height)
    {
        return ByteBuffer.allocate(2 + 13 + 2)
                .put((byte) 0xff).put((byte) 0xd8)
                .put((byte) 0xff).put((byte) 0xc0).putShort((short) 11).put((byte) 8).putShort((short) height).putShort((short) width)
                .put((byte) 1).put((byte) 1).put((byte) 0x11).put((byte) 0)
                .put((byte) 0xff).put((byte) 0xd9)
                .array();
    }

    /**
     * An 8-bit grey PNG whose IHDR declares {@code width x height} over the rows of {@code samples}
     * (each row with filter type 0, all in one IDAT chunk), whatever their size.
     */
    static byte[] greyPng(int width, int height, int[][] samples)
    {
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        for (int[] row : samples) {
            rows.write(0);
            for (int sample : row) {
                rows.write(sample);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(PngChunks.SIGNATURE);
        PngChunks.chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0).array());
        PngChunks.chunk(png, "IDAT", PngChunks.deflate(rows.toByteArray()));
        PngChunks.chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    /**
     * An 8x8 CMYK JPEG as Adobe software writes them (an APP14 "Adobe" segment, transform 0: CMYK
     * without colour transform, samples stored inverted): cyan rising from 0 on the left to 224 on the
     * right, magenta and yellow 0, black 64.
     */
    static byte[] cmykJpeg()
    {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 8, 8, 4, null);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                raster.setPixel(x, y, new int[] {255 - x * 32, 255, 255, 255 - 64});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        try (ImageOutputStream output = ImageIO.createImageOutputStream(encoded)) {
            writer.setOutput(output);
            writer.write(null, new IIOImage(raster, null, null), null);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        finally {
            writer.dispose();
        }
        byte[] jpeg = encoded.toByteArray();
        byte[] adobe = {(byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        return ByteBuffer.allocate(jpeg.length + adobe.length).put(jpeg, 0, 2).put(adobe).put(jpeg, 2, jpeg.length - 2).array();
    }
}
