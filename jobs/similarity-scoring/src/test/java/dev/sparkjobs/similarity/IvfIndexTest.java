package dev.sparkjobs.similarity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The pure-Java pieces of the IVF index: the bounded heap, vectors, the two-level quantiser, the block layout and exact top-k in a block. */
class IvfIndexTest
{
    @Test
    void topKKeepsTheBestAndBreaksTiesById()
    {
        TopK best = new TopK(3);
        best.offer("e", 0.1f);
        best.offer("d", 0.9f);
        best.offer("c", 0.5f);
        best.offer("b", 0.5f);
        best.offer("a", 0.2f);
        assertThat(best.sorted()).containsExactly(new TopK.Neighbor("d", 0.9f), new TopK.Neighbor("b", 0.5f), new TopK.Neighbor("c", 0.5f));
        TopK merged = new TopK(2);
        merged.merge(best.toBytes());
        assertThat(merged.sorted()).containsExactly(new TopK.Neighbor("d", 0.9f), new TopK.Neighbor("b", 0.5f));
    }

    @Test
    void blockKernelFindsTheExactTopKAcrossTilesWithTiesAndWithoutSelf()
    {
        // 600 genuine vectors span three tiles (256 + 256 + 88); dimension 37 leaves a remainder after groups of 4.
        int dimension = 37;
        int genuine = 600;
        Random random = new Random(11);
        float[][] vectors = new float[genuine][];
        String[] ids = new String[genuine];
        for (int i = 0; i < genuine; i++) {
            double[] values = new double[dimension];
            for (int j = 0; j < dimension; j++) {
                values[j] = random.nextGaussian();
            }
            vectors[i] = Vectors.normalised(values);
            ids[i] = String.format("g%04d", (i * 7919) % genuine);
        }
        // exact duplicates in other tiles: equal cosines, so the smaller id must come first
        vectors[300] = vectors[10].clone();
        vectors[550] = vectors[10].clone();
        int queries = 40;
        float[] batch = new float[queries * dimension];
        String[] queryIds = new String[queries];
        for (int q = 0; q < queries; q++) {
            // queries near genuine vectors (one of them the duplicated one), and query 0 is genuine vector 10 itself (same id)
            float[] near = vectors[q == 1 ? 10 : random.nextInt(genuine)];
            double[] values = new double[dimension];
            for (int j = 0; j < dimension; j++) {
                values[j] = near[j] + (q == 0 ? 0 : 0.3 * random.nextGaussian());
            }
            System.arraycopy(Vectors.normalised(values), 0, batch, q * dimension, dimension);
            queryIds[q] = q == 0 ? ids[10] : "q" + q;
        }
        byte[][] bytes = new byte[genuine][];
        for (int i = 0; i < genuine; i++) {
            bytes[i] = Vectors.toBytes(vectors[i]);
        }
        BlockKernel kernel = new BlockKernel(ids, bytes, dimension);
        int k = 7;
        BlockKernel.Heaps heaps = kernel.search(batch, queryIds, queries, k);
        for (int q = 0; q < queries; q++) {
            // independent brute force in double precision, sorted by cosine then id
            List<double[]> all = new java.util.ArrayList<>();
            for (int i = 0; i < genuine; i++) {
                if (ids[i].equals(queryIds[q])) {
                    continue;
                }
                double dot = 0;
                for (int j = 0; j < dimension; j++) {
                    dot += (double) batch[q * dimension + j] * vectors[i][j];
                }
                all.add(new double[] {dot, i});
            }
            all.sort((a, b) -> a[0] != b[0] ? Double.compare(b[0], a[0]) : ids[(int) a[1]].compareTo(ids[(int) b[1]]));
            List<String> expected = all.subList(0, k).stream().map(entry -> ids[(int) entry[1]]).toList();
            TopK found = new TopK(k);
            for (int n = 0; n < heaps.size(q); n++) {
                found.offer(kernel.id(heaps.index(q, n)), heaps.cosine(q, n));
            }
            List<TopK.Neighbor> sorted = found.sorted();
            assertThat(sorted.stream().map(TopK.Neighbor::id).toList()).as("top-%d of query %s", k, queryIds[q]).isEqualTo(expected);
            for (int n = 0; n < k; n++) {
                assertThat((double) sorted.get(n).cosine()).as("cosine %d of query %s", n, queryIds[q]).isCloseTo(all.get(n)[0], within(1e-5));
            }
        }
        assertThat(heaps.size(0)).as("a query never finds itself, but still k others").isEqualTo(k);
    }

    @Test
    void vectorsNormaliseAndRoundTrip()
    {
        float[] unit = Vectors.normalised(new double[] {3, 4});
        assertThat(unit).containsExactly(0.6f, 0.8f);
        assertThat(Vectors.fromBytes(Vectors.toBytes(unit))).containsExactly(0.6f, 0.8f);
        assertThat(Vectors.normalised(new double[] {0, 0})).isNull();
        assertThat(Vectors.normalised(new double[] {3e200, 4e200})).as("squares overflow a double").containsExactly(0.6f, 0.8f);
        assertThat(Vectors.normalised(new double[] {3e-200, 4e-200})).as("squares underflow a double").containsExactly(0.6f, 0.8f);
        assertThat(Vectors.normalised(new double[] {1, Double.NaN})).isNull();
        assertThat(Vectors.normalised(new double[] {1, Double.NEGATIVE_INFINITY})).isNull();
        assertThat(Vectors.dot(new float[] {1, 2, 3, 4, 5}, new float[] {5, 4, 3, 2, 1})).isEqualTo(35f);
    }

    @Test
    void quantiserProbesNearestCentroidsFirst()
    {
        IvfQuantiser quantiser = new IvfQuantiser(2, new float[][] {{1, 0}, {0, 1}, {-1, 0}, {0.7f, 0.7f}});
        assertThat(quantiser.nearest(new float[] {0.96f, 0.28f})).isEqualTo(0);
        // squared distances from (0.96, 0.28): list 0: 0.16, list 3: 0.2234, list 1: 1.44, list 2: 3.84
        assertThat(quantiser.nearest(new float[] {0.96f, 0.28f}, 3)).containsExactly(0, 3, 1);
        assertThat(quantiser.nearest(new float[] {0.96f, 0.28f}, 10)).containsExactly(0, 3, 1, 2);
    }

    @Test
    void listsAreAllocatedToCellsInProportionToTheirSamplePoints()
    {
        // 10 lists over points 50, 30, 20, 0: exactly 5, 3, 2, 0
        assertThat(IvfQuantiser.allocate(10, new long[] {50, 30, 20, 0})).containsExactly(5, 3, 2, 0);
        // 4 lists over 7, 2, 3 (total 12): exact 2.33, 0.67, 1.0 -> floors 2, max(1, 0) = 1, 1 = 4
        assertThat(IvfQuantiser.allocate(4, new long[] {7, 2, 3})).containsExactly(2, 1, 1);
        // 5 lists over 7, 2, 3: exact 2.92, 0.83, 1.25 -> floors 2, 1, 1 = 4; the largest remainder (0.92) gets the fifth
        assertThat(IvfQuantiser.allocate(5, new long[] {7, 2, 3})).containsExactly(3, 1, 1);
        assertThat(IvfQuantiser.allocate(3, new long[] {0, 0})).containsExactly(0, 0);
    }

    @Test
    void localKMeansWithOneCentroidIsTheMeanAndKeepsThePointsWhenKIsNotSmaller()
    {
        List<float[]> points = List.of(new float[] {0, 0}, new float[] {1, 0}, new float[] {2, 3});
        float[][] one = IvfQuantiser.localKMeans(points, 1, 3, 7);
        assertThat(one).hasDimensions(1, 2);
        assertThat(one[0][0]).isCloseTo(1f, within(1e-6f));
        assertThat(one[0][1]).isCloseTo(1f, within(1e-6f));
        assertThat(IvfQuantiser.localKMeans(points, 5, 3, 7)).as("k >= points: the points themselves").hasDimensions(3, 2);
        assertThat(IvfQuantiser.localKMeans(List.of(), 2, 3, 7)).isEmpty();
    }

    @Test
    void twoLevelQuantiserComparesOnlyTheListsOfTheNearestCells()
    {
        // cells (1, 0) and (-1, 0); cell 0 holds lists 0: (1, 0.1) and 1: (0.9, -0.3); cell 1 holds lists 2: (-1, 0) and 3: (-0.8, 0.5)
        IvfQuantiser quantiser = new IvfQuantiser(2, new float[][] {{1, 0}, {-1, 0}},
                new float[][] {{1, 0.1f}, {0.9f, -0.3f}, {-1, 0}, {-0.8f, 0.5f}}, new int[] {0, 2, 4}, 1);
        assertThat(quantiser.cells()).isEqualTo(2);
        assertThat(quantiser.cellOf(1)).isZero();
        assertThat(quantiser.cellOf(3)).isEqualTo(1);
        float[] query = {0.96f, 0.28f};
        // squared distances: list 0: 0.0016 + 0.0324 = 0.034; list 1: 0.0036 + 0.3364 = 0.34; list 3: 3.0976 + 0.0484 = 3.146; list 2: 3.8416 + 0.0784 = 3.92
        assertThat(quantiser.nearest(query)).isZero();
        assertThat(quantiser.nearest(query, 2)).as("one coarse probe: the lists of cell 0 only").containsExactly(0, 1);
        assertThat(quantiser.nearest(query, 3)).as("cell 0 holds fewer lists than asked for: cell 1 is searched too").containsExactly(0, 1, 3);
        assertThat(quantiser.nearest(query, 4)).as("probes = lists: every list").containsExactly(0, 1, 3, 2);
        // (-0.1, 0.99) is nearer cell 1 (distance 0.81 + 0.98 = 1.79 against 1.21 + 0.98 = 2.19) although list 0 would be nearer than list 2
        assertThat(quantiser.nearest(new float[] {-0.1f, 0.99f})).as("routed through its nearest cell").isEqualTo(3);
    }

    @Test
    void layoutPacksTheListsOfACellIntoBlocksAndSplitsLargeLists()
    {
        IvfQuantiser quantiser = new IvfQuantiser(1, new float[][] {{1}, {-1}}, new float[][] {{1}, {0.9f}, {0.8f}, {-1}, {-0.9f}},
                new int[] {0, 3, 5}, 1);
        // block size 8: cell 0: list 0 (3) and list 1 (4) share block 0 (7 <= 8); list 2 (12 > 8) gets blocks 1 and 2;
        // cell 1 starts a new block: lists 3 (2) and 4 (2) share block 3
        IvfSearch.Layout layout = IvfSearch.Layout.pack(quantiser, new long[] {3, 4, 12, 2, 2}, 8);
        assertThat(layout.firstBlock()).containsExactly(0, 0, 1, 3, 3);
        assertThat(layout.chunks()).containsExactly(1, 1, 2, 1, 1);
        assertThat(layout.blocks()).isEqualTo(4);
        assertThat(layout.route(new int[] {2, 0, 1})).containsExactly(java.util.Map.entry(0, List.of(0, 1)), java.util.Map.entry(1, List.of(2)),
                java.util.Map.entry(2, List.of(2)));
        // a list that would overflow the open block starts a new one
        IvfSearch.Layout tight = IvfSearch.Layout.pack(quantiser, new long[] {5, 4, 1, 2, 2}, 8);
        assertThat(tight.firstBlock()).containsExactly(0, 1, 1, 2, 2);
    }

    @Test
    void aQueryIsScoredOnlyAgainstTheListsItProbesInABlock()
    {
        // block 7 holds list 5: A (1, 0), B (0, 1) and list 9: C (0.6, 0.8); query (0.8, 0.6): cosines A 0.8, B 0.6, C 0.96
        List<org.apache.spark.sql.Row> genuine = List.of(
                org.apache.spark.sql.RowFactory.create(7L, 9, "C", Vectors.toBytes(new float[] {0.6f, 0.8f})),
                org.apache.spark.sql.RowFactory.create(7L, 5, "A", Vectors.toBytes(new float[] {1, 0})),
                org.apache.spark.sql.RowFactory.create(7L, 5, "B", Vectors.toBytes(new float[] {0, 1})));
        byte[] query = Vectors.toBytes(new float[] {0.8f, 0.6f});
        List<org.apache.spark.sql.Row> queries = List.of(
                org.apache.spark.sql.RowFactory.create(7L, "only-5", query, IvfSearch.encode(List.of(5))),
                org.apache.spark.sql.RowFactory.create(7L, "both", query, IvfSearch.encode(List.of(9, 5))));
        java.util.Map<String, List<String>> found = new java.util.HashMap<>();
        java.util.Map<String, List<Float>> cosines = new java.util.HashMap<>();
        IvfSearch.scoreBlock(queries.iterator(), genuine.iterator(), 2, 2).forEachRemaining(row -> {
            TopK best = new TopK(2);
            best.merge((byte[]) row.get(1));
            found.put(row.getString(0), best.sorted().stream().map(TopK.Neighbor::id).toList());
            cosines.put(row.getString(0), best.sorted().stream().map(TopK.Neighbor::cosine).toList());
        });
        assertThat(found).containsEntry("only-5", List.of("A", "B")).containsEntry("both", List.of("C", "A"));
        assertThat(cosines.get("both").get(0)).isCloseTo(0.96f, within(1e-6f));
        assertThat(cosines.get("only-5").get(1)).isCloseTo(0.6f, within(1e-6f));
    }
}
