package dev.sparkjobs.defectimages;

import java.util.Optional;

/** A file that could not be decoded, with the decoder's message and the format it was recognised as (if any). */
public final class ImageDecodeException
        extends Exception
{
    private final String format;

    public ImageDecodeException(String format, String message)
    {
        super(message);
        this.format = format;
    }

    public Optional<String> format()
    {
        return Optional.ofNullable(format);
    }
}
