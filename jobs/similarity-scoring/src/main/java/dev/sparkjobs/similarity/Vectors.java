package dev.sparkjobs.similarity;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Dense float vectors: L2 normalisation, dot products, and a compact binary form. Vectors travel
 * through Spark as binary (4 little-endian bytes per component) rather than array&lt;float&gt;, so
 * that shuffles and per-block math never box a component.
 */
public final class Vectors
{
    private Vectors() {}

    /**
     * The unit vector of {@code values}, or null when they are all zero or one is not finite. The
     * values are first divided by the largest magnitude, so that finite values whose squares
     * overflow (1e200) or underflow (1e-200) a double still have their direction.
     */
    public static float[] normalised(double[] values)
    {
        double largest = 0;
        for (double value : values) {
            if (!Double.isFinite(value)) {
                return null;
            }
            largest = Math.max(largest, Math.abs(value));
        }
        if (largest == 0) {
            return null;
        }
        double squares = 0;
        for (double value : values) {
            double scaled = value / largest;
            squares += scaled * scaled;
        }
        double norm = Math.sqrt(squares);
        float[] unit = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            unit[i] = (float) (values[i] / largest / norm);
        }
        return unit;
    }

    /** Dot product; four accumulators let the JIT pipeline the loop. */
    public static float dot(float[] left, float[] right)
    {
        return dot(left, right, 0);
    }

    /** Dot product of {@code left} with the vector stored at {@code offset} of a row-major matrix. */
    public static float dot(float[] left, float[] matrix, int offset)
    {
        int length = left.length;
        float sum0 = 0;
        float sum1 = 0;
        float sum2 = 0;
        float sum3 = 0;
        int i = 0;
        for (; i + 3 < length; i += 4) {
            sum0 += left[i] * matrix[offset + i];
            sum1 += left[i + 1] * matrix[offset + i + 1];
            sum2 += left[i + 2] * matrix[offset + i + 2];
            sum3 += left[i + 3] * matrix[offset + i + 3];
        }
        for (; i < length; i++) {
            sum0 += left[i] * matrix[offset + i];
        }
        return (sum0 + sum1) + (sum2 + sum3);
    }

    public static byte[] toBytes(float[] vector)
    {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }

    public static float[] fromBytes(byte[] bytes)
    {
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }

    /** Copies the vector stored in {@code bytes} into row {@code row} of a row-major matrix. */
    public static void copyInto(byte[] bytes, float[] matrix, int row, int dimension)
    {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(matrix, row * dimension, dimension);
    }
}
