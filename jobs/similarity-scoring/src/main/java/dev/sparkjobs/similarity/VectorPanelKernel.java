package dev.sparkjobs.similarity;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link PanelKernel} on the JDK's Vector API: a panel is two SIMD registers wide (16 floats with
 * AVX2 or AVX-512, 8 with NEON), and four query rows give eight accumulators, each updated by one
 * fused multiply-add per component: per component two loads of the panel and four broadcasts of
 * query components feed eight multiply-adds. Loaded by name only when the JVM has the module
 * {@code jdk.incubator.vector} (see {@link PanelKernel#fastest()}).
 */
final class VectorPanelKernel
        extends PanelKernel
{
    /** 256-bit registers where the CPU has them (AVX-512 too: the same panels, no frequency penalty), else the CPU's own. */
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED.length() >= 8 ? FloatVector.SPECIES_256 : FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final int WIDTH = 2 * LANES;

    @Override
    int width()
    {
        return WIDTH;
    }

    @Override
    String description()
    {
        return "Vector API (" + SPECIES + ", " + WIDTH + " vectors x " + ROWS + " rows)";
    }

    @Override
    long score(float[] queries, int[] rows, float[] floors, float[] panels, int base, float[] bias, int biasBase, int dimension, float[] out)
    {
        FloatVector start0 = FloatVector.fromArray(SPECIES, bias, biasBase).neg();
        FloatVector start1 = FloatVector.fromArray(SPECIES, bias, biasBase + LANES).neg();
        FloatVector a00 = start0;
        FloatVector a01 = start1;
        FloatVector a10 = start0;
        FloatVector a11 = start1;
        FloatVector a20 = start0;
        FloatVector a21 = start1;
        FloatVector a30 = start0;
        FloatVector a31 = start1;
        int o0 = rows[0];
        int o1 = rows[1];
        int o2 = rows[2];
        int o3 = rows[3];
        for (int j = 0, at = base; j < dimension; j++, at += WIDTH) {
            FloatVector g0 = FloatVector.fromArray(SPECIES, panels, at);
            FloatVector g1 = FloatVector.fromArray(SPECIES, panels, at + LANES);
            FloatVector x = FloatVector.broadcast(SPECIES, queries[o0 + j]);
            a00 = g0.fma(x, a00);
            a01 = g1.fma(x, a01);
            x = FloatVector.broadcast(SPECIES, queries[o1 + j]);
            a10 = g0.fma(x, a10);
            a11 = g1.fma(x, a11);
            x = FloatVector.broadcast(SPECIES, queries[o2 + j]);
            a20 = g0.fma(x, a20);
            a21 = g1.fma(x, a21);
            x = FloatVector.broadcast(SPECIES, queries[o3 + j]);
            a30 = g0.fma(x, a30);
            a31 = g1.fma(x, a31);
        }
        // Most panels hold no candidate for any row once the heaps are full: one test for all eight registers.
        boolean any = a00.max(a01).compare(VectorOperators.GE, floors[0])
                .or(a10.max(a11).compare(VectorOperators.GE, floors[1]))
                .or(a20.max(a21).compare(VectorOperators.GE, floors[2]))
                .or(a30.max(a31).compare(VectorOperators.GE, floors[3]))
                .anyTrue();
        if (!any) {
            return 0;
        }
        a00.intoArray(out, 0);
        a01.intoArray(out, LANES);
        a10.intoArray(out, WIDTH);
        a11.intoArray(out, WIDTH + LANES);
        a20.intoArray(out, 2 * WIDTH);
        a21.intoArray(out, 2 * WIDTH + LANES);
        a30.intoArray(out, 3 * WIDTH);
        a31.intoArray(out, 3 * WIDTH + LANES);
        return mask(out, floors, WIDTH);
    }
}
