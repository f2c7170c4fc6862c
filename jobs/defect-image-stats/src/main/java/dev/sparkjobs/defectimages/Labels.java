package dev.sparkjobs.defectimages;

/** Inspection labels, and the label of images without an inspection row. */
final class Labels
{
    static final String OK = "ok";
    static final String DEFECT = "defect";
    static final String UNLABELED = "unlabeled";

    private Labels() {}
}
