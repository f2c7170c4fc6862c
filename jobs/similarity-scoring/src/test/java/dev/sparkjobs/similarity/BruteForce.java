package dev.sparkjobs.similarity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent exact nearest-neighbour search for tests: double precision, full sort, no heap,
 * no blocking.
 */
final class BruteForce
{
    record Item(String id, double[] embedding) {}

    record Match(String id, double cosine) {}

    private BruteForce() {}

    /** For each query, the k genuine items of highest cosine, excluding the query itself; best first. */
    static Map<String, List<Match>> topK(List<Item> queries, List<Item> genuine, int k)
    {
        List<double[]> genuineUnits = genuine.stream().map(item -> unit(item.embedding())).toList();
        Map<String, List<Match>> result = new HashMap<>();
        for (Item query : queries) {
            double[] unit = unit(query.embedding());
            List<Match> all = new ArrayList<>();
            for (int i = 0; i < genuine.size(); i++) {
                if (!genuine.get(i).id().equals(query.id())) {
                    double dot = 0;
                    for (int d = 0; d < unit.length; d++) {
                        dot += unit[d] * genuineUnits.get(i)[d];
                    }
                    all.add(new Match(genuine.get(i).id(), dot));
                }
            }
            all.sort(Comparator.comparingDouble(Match::cosine).reversed());
            result.put(query.id(), List.copyOf(all.subList(0, Math.min(k, all.size()))));
        }
        return result;
    }

    static double[] unit(double[] values)
    {
        double norm = 0;
        for (double value : values) {
            norm += value * value;
        }
        norm = Math.sqrt(norm);
        double[] unit = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            unit[i] = values[i] / norm;
        }
        return unit;
    }
}
