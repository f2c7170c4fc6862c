package dev.sparkjobs.defectimages;

import java.util.Optional;

/**
 * The width and height a PNG (IHDR) or JPEG (SOFn frame header) declares, read from the file's
 * first bytes without decoding anything: the size is checked against the pixel limit before a
 * decoder allocates buffers for it. A few hundred bytes can declare 25000x25000 pixels, and a
 * decoder that believes them allocates gigabytes before it finds out the data is not there.
 */
record ImageHeader(String format, long width, long height)
{
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int PNG_IHDR_END = 8 + 8 + 8; // signature, chunk length and type, width and height

    long pixels()
    {
        return width * height;
    }

    /**
     * The size a PNG or JPEG declares; empty when the bytes are neither (ImageIO then decides what
     * they are).
     *
     * @throws ImageDecodeException when the file is a PNG or JPEG whose header is cut off or has no size
     */
    static Optional<ImageHeader> read(byte[] bytes)
            throws ImageDecodeException
    {
        if (startsWith(bytes, PNG_SIGNATURE)) {
            return Optional.of(png(bytes));
        }
        if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8) {
            return Optional.of(jpeg(bytes));
        }
        return Optional.empty();
    }

    private static ImageHeader png(byte[] bytes)
            throws ImageDecodeException
    {
        if (bytes.length < PNG_IHDR_END) {
            throw new ImageDecodeException("png", "the PNG header is truncated: the file ends after " + bytes.length
                    + " bytes, before the image size in its IHDR chunk (bytes 16-23); the file was cut off, copy it again from the camera");
        }
        if (bytes[12] != 'I' || bytes[13] != 'H' || bytes[14] != 'D' || bytes[15] != 'R') {
            throw new ImageDecodeException("png", "the PNG has no IHDR header chunk after its signature, so its size is unknown (a corrupt file)");
        }
        return new ImageHeader("png", unsignedInt(bytes, 16), unsignedInt(bytes, 20));
    }

    /**
     * Walks the markers after SOI as a decoder does (segments skipped by their length, fill bytes
     * and garbage between segments skipped up to the next 0xFF) to the first frame header:
     * SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
     */
    private static ImageHeader jpeg(byte[] bytes)
            throws ImageDecodeException
    {
        int position = 2;
        while (true) {
            while (position < bytes.length && (bytes[position] & 0xff) != 0xff) {
                position++;
            }
            while (position < bytes.length && (bytes[position] & 0xff) == 0xff) {
                position++;
            }
            if (position >= bytes.length) {
                throw jpegTruncated(bytes, "before its frame header (SOFn), which gives the image size");
            }
            int marker = bytes[position] & 0xff;
            int segment = position - 1;
            position++;
            if (marker == 0x01 || marker == 0xd8 || (marker >= 0xd0 && marker <= 0xd7)) {
                continue; // no length: TEM, SOI, RSTn
            }
            if (marker == 0xd9 || marker == 0xda) {
                throw new ImageDecodeException("jpeg", "the JPEG has no frame header (SOFn) before its " + (marker == 0xd9 ? "end (EOI)" : "image data (SOS)")
                        + " at byte " + segment + ", so its size is unknown (a corrupt file)");
            }
            if (position + 2 > bytes.length) {
                throw jpegTruncated(bytes, "inside the length of the segment at byte " + segment);
            }
            int length = ((bytes[position] & 0xff) << 8) | (bytes[position + 1] & 0xff);
            if (isFrameHeader(marker)) {
                // length (2), sample precision (1), height (2), width (2)
                if (position + 7 > bytes.length) {
                    throw jpegTruncated(bytes, String.format("inside its frame header (SOF%d) at byte %d, before the image size", marker - 0xc0, segment));
                }
                long height = ((bytes[position + 3] & 0xff) << 8) | (bytes[position + 4] & 0xff);
                long width = ((bytes[position + 5] & 0xff) << 8) | (bytes[position + 6] & 0xff);
                if (height == 0 || width == 0) {
                    // height 0 defers the height to a DNL marker after the first scan: the size is not known up front
                    throw new ImageDecodeException("jpeg", String.format("the JPEG frame header (SOF%d) at byte %d declares %dx%d pixels:"
                            + " a size of 0 (a height given later by a DNL marker) is not supported", marker - 0xc0, segment, width, height));
                }
                return new ImageHeader("jpeg", width, height);
            }
            if (length < 2) {
                throw new ImageDecodeException("jpeg", String.format("the JPEG segment 0xFF%02X at byte %d has the impossible length %d (a corrupt file)",
                        marker, segment, length));
            }
            position += length;
        }
    }

    private static boolean isFrameHeader(int marker)
    {
        return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
    }

    private static ImageDecodeException jpegTruncated(byte[] bytes, String where)
    {
        return new ImageDecodeException("jpeg", "the JPEG header is truncated: the file ends after " + bytes.length + " bytes, " + where
                + "; the file was cut off, copy it again from the camera");
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix)
    {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static long unsignedInt(byte[] bytes, int at)
    {
        return ((long) (bytes[at] & 0xff) << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8) | (bytes[at + 3] & 0xff);
    }
}
