package dev.sparkjobs.defectimages;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;

import javax.imageio.ImageIO;

/**
 * A synthetic inspection image: a textured surface (sine pattern plus noise), optionally blurred,
 * dark or blown out, with scratches, spots or cracks drawn into it and into its mask, so the defect
 * area is known exactly.
 */
final class SyntheticImage
{
    enum Look
    {
        NORMAL,
        BLURRED,
        DARK,
        BLOWN_OUT
    }

    private final int size;
    private final double[] grey;
    private final boolean[] mask;
    private final double level;

    private SyntheticImage(int size, double[] grey, boolean[] mask, double level)
    {
        this.size = size;
        this.grey = grey;
        this.mask = mask;
        this.level = level;
    }

    /** A surface with the look, and a defect of the type unless it is null (drawn before a blur, so it is blurred too). */
    static SyntheticImage surface(int size, Look look, String defectType, SplittableRandom random)
    {
        double level = switch (look) {
            case DARK -> 14 + random.nextDouble(10);
            case BLOWN_OUT -> 238 + random.nextDouble(6);
            default -> 105 + random.nextDouble(50);
        };
        double noise = look == Look.NORMAL || look == Look.BLURRED ? 6 : 4;
        double amplitude = look == Look.NORMAL || look == Look.BLURRED ? 10 : 3;
        double frequencyX = 0.05 + random.nextDouble(0.2);
        double frequencyY = 0.05 + random.nextDouble(0.2);
        double phase = random.nextDouble(Math.PI * 2);
        double[] grey = new double[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                grey[y * size + x] = level + amplitude * Math.sin(x * frequencyX + y * frequencyY + phase) + noise * random.nextGaussian();
            }
        }
        SyntheticImage image = new SyntheticImage(size, grey, new boolean[size * size], level);
        if (defectType != null) {
            image.drawDefect(defectType, random);
        }
        if (look == Look.BLURRED) {
            image.boxBlur(3);
            image.boxBlur(3);
        }
        return image;
    }

    private void boxBlur(int radius)
    {
        double[] blurred = new double[grey.length];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double sum = 0;
                int count = 0;
                for (int dy = -radius; dy <= radius; dy++) {
                    for (int dx = -radius; dx <= radius; dx++) {
                        int nx = x + dx;
                        int ny = y + dy;
                        if (nx >= 0 && nx < size && ny >= 0 && ny < size) {
                            sum += grey[ny * size + nx];
                            count++;
                        }
                    }
                }
                blurred[y * size + x] = sum / count;
            }
        }
        System.arraycopy(blurred, 0, grey, 0, grey.length);
    }

    /** Draws one defect of the type; spots come in one or two blobs, so masks have several regions. */
    private void drawDefect(String type, SplittableRandom random)
    {
        switch (type) {
            case "scratch" -> {
                double angle = random.nextDouble(Math.PI);
                double length = size / 4.0 + random.nextDouble(size / 4.0);
                int x0 = size / 4 + random.nextInt(size / 2);
                int y0 = size / 4 + random.nextInt(size / 2);
                line(x0, y0, (int) Math.round(x0 + Math.cos(angle) * length / 2), (int) Math.round(y0 + Math.sin(angle) * length / 2), -70);
            }
            case "spot" -> {
                int spots = 1 + random.nextInt(2);
                for (int spot = 0; spot < spots; spot++) {
                    int radius = 2 + random.nextInt(Math.max(2, size / 20));
                    int cx = radius + 2 + (spot * size / 2) + random.nextInt(Math.max(1, size / 2 - 2 * radius - 4));
                    int cy = radius + 2 + random.nextInt(Math.max(1, size - 2 * radius - 4));
                    disk(cx, cy, radius, -60);
                }
            }
            default -> {
                int x = size / 4 + random.nextInt(size / 2);
                int y = size / 4 + random.nextInt(size / 2);
                for (int segment = 0; segment < 4; segment++) {
                    int nx = Math.min(size - 2, Math.max(1, x + random.nextInt(size / 4 + 1) - size / 8));
                    int ny = Math.min(size - 2, Math.max(1, y + random.nextInt(size / 8 + 1) + 2));
                    line(x, y, nx, ny, -80);
                    x = nx;
                    y = ny;
                }
            }
        }
    }

    private void line(int x0, int y0, int x1, int y1, double change)
    {
        int steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0));
        for (int i = 0; i <= steps; i++) {
            int x = steps == 0 ? x0 : x0 + Math.round((float) (x1 - x0) * i / steps);
            int y = steps == 0 ? y0 : y0 + Math.round((float) (y1 - y0) * i / steps);
            mark(x, y, change);
        }
    }

    private void disk(int cx, int cy, int radius, double change)
    {
        for (int y = cy - radius; y <= cy + radius; y++) {
            for (int x = cx - radius; x <= cx + radius; x++) {
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius) {
                    mark(x, y, change);
                }
            }
        }
    }

    private void mark(int x, int y, double change)
    {
        if (x < 0 || y < 0 || x >= size || y >= size || mask[y * size + x]) {
            return;
        }
        mask[y * size + x] = true;
        // a dark mark on a bright surface, a bright one on a dark surface
        grey[y * size + x] = level > 128 ? level + change : level - change;
    }

    long defectPixels()
    {
        long count = 0;
        for (boolean defect : mask) {
            count += defect ? 1 : 0;
        }
        return count;
    }

    /** 8-bit grey or RGB PNG (RGB: a tint of the grey surface). */
    byte[] png(boolean colour)
    {
        BufferedImage image = new BufferedImage(size, size, colour ? BufferedImage.TYPE_3BYTE_BGR : BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double value = grey[y * size + x];
                if (colour) {
                    raster.setSample(x, y, 0, clip(value + 12));
                    raster.setSample(x, y, 1, clip(value));
                    raster.setSample(x, y, 2, clip(value - 12));
                }
                else {
                    raster.setSample(x, y, 0, clip(value));
                }
            }
        }
        return encode(image);
    }

    /** The mask as an 8-bit grey PNG: 255 on defect pixels, 0 elsewhere. */
    byte[] maskPng()
    {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = image.getRaster();
        for (int i = 0; i < mask.length; i++) {
            raster.setSample(i % size, i / size, 0, mask[i] ? 255 : 0);
        }
        return encode(image);
    }

    private static int clip(double value)
    {
        return (int) Math.max(0, Math.min(255, Math.round(value)));
    }

    static byte[] encode(BufferedImage image)
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
