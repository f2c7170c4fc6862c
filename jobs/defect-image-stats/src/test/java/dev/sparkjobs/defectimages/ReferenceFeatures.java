package dev.sparkjobs.defectimages;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import javax.imageio.ImageIO;

/**
 * An independent, deliberately plain implementation of the feature definitions for the tests:
 * ImageIO.read, one getSample call per pixel and band, textbook formulas.
 */
final class ReferenceFeatures
{
    final double brightness;
    final double contrast;
    final double sharpness;
    final double underexposed;
    final double overexposed;

    ReferenceFeatures(byte[] png)
            throws IOException
    {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        int width = image.getWidth();
        int height = image.getHeight();
        int bits = image.getColorModel().getComponentSize(0);
        double[][] y = new double[height][width];
        for (int row = 0; row < height; row++) {
            for (int column = 0; column < width; column++) {
                if (image.getColorModel().getNumColorComponents() == 1) {
                    y[row][column] = bits == 16 ? image.getRaster().getSample(column, row, 0) / 257.0 : image.getRaster().getSample(column, row, 0);
                }
                else {
                    y[row][column] = 0.299 * image.getRaster().getSample(column, row, 0)
                            + 0.587 * image.getRaster().getSample(column, row, 1)
                            + 0.114 * image.getRaster().getSample(column, row, 2);
                }
            }
        }
        double total = 0;
        int dark = 0;
        int bright = 0;
        for (double[] row : y) {
            for (double value : row) {
                total += value;
                dark += value <= 5 ? 1 : 0;
                bright += value >= 250 ? 1 : 0;
            }
        }
        int pixels = width * height;
        brightness = total / pixels;
        double squares = 0;
        for (double[] row : y) {
            for (double value : row) {
                squares += Math.pow(value - brightness, 2);
            }
        }
        contrast = Math.sqrt(squares / pixels);
        underexposed = (double) dark / pixels;
        overexposed = (double) bright / pixels;
        int[][] kernel = {{0, 1, 0}, {1, -4, 1}, {0, 1, 0}};
        double[] responses = new double[(width - 2) * (height - 2)];
        int at = 0;
        for (int row = 1; row < height - 1; row++) {
            for (int column = 1; column < width - 1; column++) {
                double response = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        response += kernel[dy + 1][dx + 1] * y[row + dy][column + dx];
                    }
                }
                responses[at++] = response;
            }
        }
        double mean = java.util.Arrays.stream(responses).average().orElseThrow();
        sharpness = java.util.Arrays.stream(responses).map(response -> Math.pow(response - mean, 2)).sum() / responses.length;
    }
}
