package dev.sparkjobs.similarity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dot-product kernels (plain Java and Vector API), the block kernel built on them and the
 * quantiser's batch routing, each against an independent double-precision loop.
 */
class KernelTest
{
    static Stream<PanelKernel> kernels()
    {
        return Stream.of(new PanelKernel.Plain(), new VectorPanelKernel());
    }

    @Test
    void theTestJvmRunsTheVectorApiKernel()
    {
        // surefire starts the JVM with add-modules jdk.incubator.vector and C2: the job's fast path is the one tested by the run tests
        assertThat(PanelKernel.fastest()).isInstanceOf(VectorPanelKernel.class);
        assertThat(PanelKernel.optimisingCompiler()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void panelScoresAreDotProductsLessBiasAndTheMaskComparesThemWithEachRowsFloor(PanelKernel kernel)
    {
        Random random = new Random(3);
        int width = kernel.width();
        for (int dimension : new int[] {1, 3, 16, 37, 128}) {
            int queryCount = 9;
            float[] queries = gaussian(random, queryCount * dimension);
            // two panels back to back; the second is scored, so the offset (base) matters
            float[] panels = gaussian(random, 2 * width * dimension);
            float[] bias = gaussian(random, 2 * width);
            int[] rows = {5 * dimension, 0, 8 * dimension, 5 * dimension};
            double[][] expected = new double[PanelKernel.ROWS][width];
            for (int r = 0; r < PanelKernel.ROWS; r++) {
                for (int l = 0; l < width; l++) {
                    double dot = 0;
                    for (int j = 0; j < dimension; j++) {
                        dot += (double) queries[rows[r] + j] * panels[width * dimension + j * width + l];
                    }
                    expected[r][l] = dot - bias[width + l];
                }
            }
            // floors: row 0 admits everything, row 1 nothing, rows 2 and 3 about half (the median of their expected scores)
            float[] floors = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, median(expected[2]), median(expected[3])};
            float[] out = new float[PanelKernel.ROWS * width];
            long mask = kernel.score(queries, rows, floors, panels, width * dimension, bias, width, dimension, out);
            for (int r = 0; r < PanelKernel.ROWS; r++) {
                for (int l = 0; l < width; l++) {
                    boolean set = (mask & (1L << (r * width + l))) != 0;
                    double distance = Math.abs(expected[r][l] - floors[r]);
                    if (r != 1 && distance > 1e-4) {
                        assertThat(set).as("%s, dimension %d: row %d lane %d, score %s against floor %s", kernel.description(), dimension, r, l,
                                expected[r][l], floors[r]).isEqualTo(expected[r][l] >= floors[r]);
                    }
                    if (r == 1) {
                        assertThat(set).as("row 1 (floor +infinity) lane %d", l).isFalse();
                    }
                    if (r != 1) {
                        assertThat((double) out[r * width + l]).as("%s, dimension %d: score of row %d lane %d", kernel.description(), dimension, r, l)
                                .isCloseTo(expected[r][l], within(1e-4 * Math.sqrt(dimension)));
                    }
                }
            }
        }
    }

    @Test
    void panelMaskIsZeroWhenNoScoreReachesItsFloor()
    {
        for (PanelKernel kernel : kernels().toList()) {
            int width = kernel.width();
            float[] panels = new float[width * 2];
            float[] queries = {1, 1};
            java.util.Arrays.fill(panels, 0.5f);
            float[] out = new float[PanelKernel.ROWS * width];
            // every score is 0.5 + 0.5 = 1 exactly (no bias): a floor just above 1 admits none, a floor of 1 admits all
            float above = Math.nextUp(1f);
            assertThat(kernel.score(queries, new int[] {0, 0, 0, 0}, new float[] {above, above, above, above}, panels, 0, new float[width], 0, 2, out))
                    .as(kernel.description()).isZero();
            assertThat(kernel.score(queries, new int[] {0, 0, 0, 0}, new float[] {1, 1, 1, 1}, panels, 0, new float[width], 0, 2, out))
                    .as(kernel.description()).isEqualTo(PanelKernel.ROWS * width == 64 ? -1L : (1L << (PanelKernel.ROWS * width)) - 1);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void blockKernelFindsEachQuerysTopKInTheListsItSearchesWithTiesAndWithoutSelf(PanelKernel kernel)
    {
        // lists of 0, 1, width + 3 and 300 vectors (more than a tile, a padded last panel); dimension 37 is not a multiple of anything
        int dimension = 37;
        int[] listStarts = {0, 0, 1, 1 + kernel.width() + 3, 1 + kernel.width() + 3 + 300};
        int size = listStarts[listStarts.length - 1];
        Random random = new Random(17);
        float[][] vectors = new float[size][];
        String[] ids = new String[size];
        for (int i = 0; i < size; i++) {
            vectors[i] = unit(gaussian(random, dimension));
            ids[i] = String.format("g%04d", (i * 7919) % size);
        }
        // exact duplicates within list 3 and across lists 2 and 3: equal cosines, the smaller id first
        vectors[200] = vectors[40].clone();
        vectors[250] = vectors[40].clone();
        vectors[5] = vectors[60].clone();
        int queries = 23;
        float[] batch = new float[queries * dimension];
        String[] queryIds = new String[queries];
        for (int q = 0; q < queries; q++) {
            float[] near = vectors[q == 1 ? 40 : q == 2 ? 60 : random.nextInt(size)];
            float[] noisy = new float[dimension];
            for (int j = 0; j < dimension; j++) {
                noisy[j] = near[j] + (q == 0 ? 0 : 0.3f * (float) random.nextGaussian());
            }
            System.arraycopy(unit(noisy), 0, batch, q * dimension, dimension);
            // query 0 is genuine vector 40 itself (same id): never its own neighbour
            queryIds[q] = q == 0 ? ids[40] : "q" + q;
        }
        float[] matrix = new float[size * dimension];
        for (int i = 0; i < size; i++) {
            System.arraycopy(vectors[i], 0, matrix, i * dimension, dimension);
        }
        BlockKernel block = new BlockKernel(kernel, ids, matrix, null, listStarts, dimension);
        int k = 7;
        // every query searches lists 2 and 3; odd queries list 1 as well; list 0 is empty
        BlockKernel.Heaps heaps = block.heaps(queries, k);
        int[] all = java.util.stream.IntStream.range(0, queries).toArray();
        int[] odd = java.util.stream.IntStream.range(0, queries).filter(q -> q % 2 == 1).toArray();
        block.search(heaps, batch, queryIds, all, queries, 0);
        block.search(heaps, batch, queryIds, odd, odd.length, 1);
        block.search(heaps, batch, queryIds, all, queries, 2);
        block.search(heaps, batch, queryIds, all, queries, 3);
        for (int q = 0; q < queries; q++) {
            List<double[]> candidates = new ArrayList<>();
            for (int i = q % 2 == 1 ? listStarts[1] : listStarts[2]; i < size; i++) {
                if (!ids[i].equals(queryIds[q])) {
                    double dot = 0;
                    for (int j = 0; j < dimension; j++) {
                        dot += (double) batch[q * dimension + j] * vectors[i][j];
                    }
                    candidates.add(new double[] {dot, i});
                }
            }
            candidates.sort(Comparator.<double[]>comparingDouble(entry -> -entry[0]).thenComparing(entry -> ids[(int) entry[1]]));
            List<String> expected = candidates.subList(0, k).stream().map(entry -> ids[(int) entry[1]]).toList();
            int[] found = heaps.sortedIndices(q);
            assertThat(java.util.Arrays.stream(found).mapToObj(i -> ids[i]).toList()).as("%s: top-%d of query %s", kernel.description(), k, queryIds[q])
                    .isEqualTo(expected);
            for (int n = 0; n < heaps.size(q); n++) {
                int index = block.index(heaps.index(q, n));
                double dot = 0;
                for (int j = 0; j < dimension; j++) {
                    dot += (double) batch[q * dimension + j] * vectors[index][j];
                }
                assertThat((double) heaps.cosine(q, n)).as("cosine of %s for query %s", ids[index], queryIds[q]).isCloseTo(dot, within(1e-5));
                assertThat(block.id(heaps.index(q, n))).isEqualTo(ids[index]);
            }
        }
        assertThat(block.size()).isEqualTo(size);
        assertThat(block.lists()).isEqualTo(4);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void biasedScoresRankCentroidsByEuclideanDistanceAndTiesGoToTheLowerIndex(PanelKernel kernel)
    {
        // centroids of different norms: the nearest by distance is not the one of highest dot product
        float[] centroids = {
                3, 0, // 0: dot with (1, 0) 3, distance^2 4
                1.2f, 0, // 1: dot 1.2, distance^2 0.04
                0, 1, // 2: distance^2 2
                1.2f, 0, // 3: a copy of 1: tied, index 1 first
        };
        float[] bias = new float[4];
        for (int c = 0; c < 4; c++) {
            bias[c] = (centroids[2 * c] * centroids[2 * c] + centroids[2 * c + 1] * centroids[2 * c + 1]) / 2;
        }
        BlockKernel block = new BlockKernel(kernel, null, centroids, bias, new int[] {0, 4}, 2);
        BlockKernel.Heaps heaps = block.search(new float[] {1, 0}, null, 1, 4);
        assertThat(heaps.sortedIndices(0)).as("%s: by squared distance 0.04, 0.04, 2, 4", kernel.description()).containsExactly(1, 3, 2, 0);
    }

    @Test
    void batchRoutingPicksTheNearestListsOfTheNearestCellsAsAnIndependentLoopDoes()
    {
        Random random = new Random(23);
        int dimension = 24;
        int cells = 9;
        float[][] cellCentroids = new float[cells][];
        List<float[]> listCentroids = new ArrayList<>();
        int[] cellStarts = new int[cells + 1];
        for (int cell = 0; cell < cells; cell++) {
            cellCentroids[cell] = unit(gaussian(random, dimension));
            cellStarts[cell] = listCentroids.size();
            // cells of 1 to 13 lists around their centroid; cell 4 holds a single list, so a vector near it needs more cells for 8 probes
            int lists = cell == 4 ? 1 : 1 + random.nextInt(13);
            for (int list = 0; list < lists; list++) {
                float[] centroid = new float[dimension];
                for (int j = 0; j < dimension; j++) {
                    centroid[j] = cellCentroids[cell][j] + 0.4f * (float) random.nextGaussian();
                }
                listCentroids.add(centroid);
            }
        }
        cellStarts[cells] = listCentroids.size();
        int coarseProbes = 1;
        IvfQuantiser quantiser = new IvfQuantiser(dimension, cellCentroids, listCentroids.toArray(float[][]::new), cellStarts, coarseProbes);
        int count = 70;
        float[] batch = new float[count * dimension];
        for (int q = 0; q < count; q++) {
            float[] near = q % 10 == 0 ? cellCentroids[4] : listCentroids.get(random.nextInt(listCentroids.size()));
            for (int j = 0; j < dimension; j++) {
                batch[q * dimension + j] = near[j] + 0.3f * (float) random.nextGaussian();
            }
        }
        int probes = 8;
        int[][] routed = quantiser.nearest(batch, count, probes);
        for (int q = 0; q < count; q++) {
            float[] vector = java.util.Arrays.copyOfRange(batch, q * dimension, (q + 1) * dimension);
            // independently: cells by squared distance; visit coarseProbes of them, doubling while they hold fewer than probes lists
            Integer[] cellOrder = java.util.stream.IntStream.range(0, cells).boxed().toArray(Integer[]::new);
            java.util.Arrays.sort(cellOrder, Comparator.comparingDouble(cell -> squaredDistance(vector, cellCentroids[cell])));
            int visit = coarseProbes;
            while (lists(cellStarts, cellOrder, visit) < probes && visit < cells) {
                visit = Math.min(cells, visit * 2);
            }
            List<Integer> candidates = new ArrayList<>();
            for (int n = 0; n < visit; n++) {
                for (int list = cellStarts[cellOrder[n]]; list < cellStarts[cellOrder[n] + 1]; list++) {
                    candidates.add(list);
                }
            }
            candidates.sort(Comparator.comparingDouble(list -> squaredDistance(vector, listCentroids.get(list))));
            int[] expected = candidates.subList(0, Math.min(probes, candidates.size())).stream().mapToInt(Integer::intValue).toArray();
            assertThat(routed[q]).as("vector %d (%d cells visited)", q, visit).containsExactly(expected);
            assertThat(quantiser.nearest(vector, probes)).as("one vector alone, vector %d", q).containsExactly(expected);
        }
    }

    private static int lists(int[] cellStarts, Integer[] cellOrder, int visit)
    {
        int lists = 0;
        for (int n = 0; n < visit; n++) {
            lists += cellStarts[cellOrder[n] + 1] - cellStarts[cellOrder[n]];
        }
        return lists;
    }

    private static double squaredDistance(float[] left, float[] right)
    {
        double sum = 0;
        for (int j = 0; j < left.length; j++) {
            double difference = (double) left[j] - right[j];
            sum += difference * difference;
        }
        return sum;
    }

    private static float median(double[] values)
    {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return (float) ((sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2);
    }

    private static float[] gaussian(Random random, int count)
    {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static float[] unit(float[] values)
    {
        double norm = 0;
        for (float value : values) {
            norm += (double) value * value;
        }
        float[] unit = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            unit[i] = (float) (values[i] / Math.sqrt(norm));
        }
        return unit;
    }
}
