package dev.sparkjobs.defectimages;

import java.util.Locale;

/** Why an image is unusable, checked in this order; {@link #OK} when it is usable. */
public enum QualityFlag
{
    UNREADABLE,
    BLURRY,
    UNDEREXPOSED,
    OVEREXPOSED,
    OK;

    public static final double MIN_BRIGHTNESS = 40;
    public static final double MAX_BRIGHTNESS = 215;

    public static QualityFlag of(ImageFeatures features, double minSharpness)
    {
        if (features.sharpness() != null && features.sharpness() < minSharpness) {
            return BLURRY;
        }
        if (features.brightness() < MIN_BRIGHTNESS) {
            return UNDEREXPOSED;
        }
        if (features.brightness() > MAX_BRIGHTNESS) {
            return OVEREXPOSED;
        }
        return OK;
    }

    public String value()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isLowQuality()
    {
        return this == BLURRY || this == UNDEREXPOSED || this == OVEREXPOSED;
    }
}
