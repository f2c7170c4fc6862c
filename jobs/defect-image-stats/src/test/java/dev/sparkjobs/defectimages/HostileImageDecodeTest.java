package dev.sparkjobs.defectimages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

/** Files that must not take a task down: empty, decompression bombs, headers that lie. */
class HostileImageDecodeTest
{
    private static final long LIMIT = 50_000_000;

    @Test
    void anEmptyFileSaysItIsEmpty()
    {
        assertThatThrownBy(() -> ImageDecoder.decode(new byte[0], new DecodeBuffers(), LIMIT)).as("0 bytes")
                .isInstanceOf(ImageDecodeException.class)
                .hasMessage("the file is empty (0 bytes): it was created but its data never written (an interrupted upload or copy?);"
                        + " copy the image again from the camera");
    }

    @Test
    void bombsAreRefusedFromTheirHeaderBeforeAnyBufferIsAllocated()
    {
        // 25000 x 25000 = 625,000,000 pixels x 12 bytes = 7.5 GB; 60000 x 60000 = 3,600,000,000 x 12 = 43.2 GB
        assertThatThrownBy(() -> ImageDecoder.decode(HostileImages.jpegBomb(25_000, 25_000), new DecodeBuffers(), LIMIT)).as("JPEG bomb")
                .isInstanceOf(ImageDecodeException.class)
                .hasMessage("the JPEG header declares 25000x25000 = 625000000 pixels, more than the limit of 50000000 (decode.max-pixels):"
                        + " refused before decoding, which would take about 7.5 GB of memory (a decompression bomb or a corrupt header?);"
                        + " raise decode.max-pixels if images this large are real")
                .satisfies(failure -> assertThat(((ImageDecodeException) failure).format()).as("format").contains("jpeg"));
        assertThatThrownBy(() -> ImageDecoder.decode(HostileImages.pngBomb(60_000, 60_000), new DecodeBuffers(), LIMIT)).as("PNG bomb")
                .isInstanceOf(ImageDecodeException.class)
                .hasMessage("the PNG header declares 60000x60000 = 3600000000 pixels, more than the limit of 50000000 (decode.max-pixels):"
                        + " refused before decoding, which would take about 43.2 GB of memory (a decompression bomb or a corrupt header?);"
                        + " raise decode.max-pixels if images this large are real");
        // 8000 x 8000 = 64,000,000 pixels: under int overflow, over the default; the job's own PNG decoder would allocate 64 MB of rows first
        assertThatThrownBy(() -> ImageDecoder.decode(HostileImages.pngBomb(8_000, 8_000))).as("the default limit")
                .isInstanceOf(ImageDecodeException.class)
                .hasMessageStartingWith("the PNG header declares 8000x8000 = 64000000 pixels, more than the limit of 50000000 (decode.max-pixels)");
    }

    @Test
    void theLimitIsInclusive()
            throws Exception
    {
        byte[] sixteenPixels = TestImages.grey(ImageFeaturesTest.HAND_IMAGE);
        assertThat(ImageDecoder.decode(sixteenPixels, new DecodeBuffers(), 16).luma()).as("4x4 under a limit of 16").hasSize(16);
        assertThatThrownBy(() -> ImageDecoder.decode(sixteenPixels, new DecodeBuffers(), 15)).as("4x4 over a limit of 15")
                .isInstanceOf(ImageDecodeException.class)
                .hasMessageStartingWith("the PNG header declares 4x4 = 16 pixels, more than the limit of 15 (decode.max-pixels)");
        byte[] jpeg = TestImages.greyJpeg(16, 8, 120);
        assertThat(ImageDecoder.decode(jpeg, new DecodeBuffers(), 128).luma()).as("16x8 JPEG under a limit of 128").hasSize(128);
        assertThatThrownBy(() -> ImageDecoder.decode(jpeg, new DecodeBuffers(), 127)).as("16x8 JPEG over a limit of 127")
                .isInstanceOf(ImageDecodeException.class)
                .hasMessageStartingWith("the JPEG header declares 16x8 = 128 pixels, more than the limit of 127 (decode.max-pixels)");
    }

    @Test
    void otherFormatsImageIoReadsAreHeldToTheLimitByTheReadersHeader()
            throws Exception
    {
        // a GIF named .png decodes through ImageIO; its size comes from ImageIO's reader before it reads pixels
        ByteArrayOutputStream gif = new ByteArrayOutputStream();
        assertThat(ImageIO.write(new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_INDEXED), "gif", gif)).as("GIF writer").isTrue();
        assertThat(ImageDecoder.decode(gif.toByteArray(), new DecodeBuffers(), 15).width()).as("5x3 GIF under a limit of 15").isEqualTo(5);
        assertThatThrownBy(() -> ImageDecoder.decode(gif.toByteArray(), new DecodeBuffers(), 14)).as("5x3 GIF over a limit of 14")
                .isInstanceOf(ImageDecodeException.class)
                .hasMessageStartingWith("the GIF header declares 5x3 = 15 pixels, more than the limit of 14 (decode.max-pixels)");
    }

    @Test
    void aHeaderSmallerThanTheDataDecodesTheDeclaredSizeOrFailsCleanly()
            throws Exception
    {
        // 2 rows of 16 samples declared as 4x4: its 4 rows of 1 + 4 bytes are the first 20 bytes of the data, filter bytes included
        int[][] samples = {
                {1, 2, 3, 4, 0, 6, 7, 8, 9, 0, 11, 12, 13, 14, 0, 16},
                {11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26}};
        LumaImage small = ImageDecoder.decode(HostileImages.greyPng(4, 4, samples), new DecodeBuffers(), LIMIT);
        assertThat(new int[] {small.width(), small.height()}).as("the declared size").containsExactly(4, 4);
        assertThat(small.luma()).as("rows: filter 0 then 4 samples; the last row holds the second row's filter byte 0")
                .containsExactly(1, 2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 16, 0, 11, 12);
        LumaImage viaImageIo = ImageDecoder.decodeWithImageIO(HostileImages.greyPng(4, 4, samples));
        assertThat(viaImageIo.luma()).as("ImageIO reads the same 4x4").containsExactly(small.luma(), within(0.0));

        byte[] jpeg = TestImages.greyJpeg(64, 64, 90);
        int frame = frameHeader(jpeg);
        ByteBuffer.wrap(jpeg).putShort(frame + 5, (short) 8).putShort(frame + 7, (short) 8);
        // libjpeg decodes the one 8x8 block the header asks for, then finds the rest of the scan before EOI and warns
        assertThatThrownBy(() -> ImageDecoder.decode(jpeg, new DecodeBuffers(), LIMIT)).as("a JPEG whose SOF0 says 8x8 over 64x64 of data")
                .isInstanceOf(ImageDecodeException.class)
                .hasMessageStartingWith("decoder warning: Corrupt JPEG data: ")
                .hasMessageEndingWith(" extraneous bytes before marker 0xd9");
    }

    @Test
    void aCmykJpegDecodesThroughItsColourModel()
            throws Exception
    {
        byte[] jpeg = HostileImages.cmykJpeg();
        LumaImage image = ImageDecoder.decode(jpeg, new DecodeBuffers(), LIMIT);
        assertThat(new Object[] {image.width(), image.height(), image.channels(), image.format()}).as("shape")
                .containsExactly(8, 8, 4, "jpeg");
        // independently: ImageIO's own conversion of each pixel to sRGB, then the luma weights
        BufferedImage reference = ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                int rgb = reference.getRGB(x, y);
                double expected = 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
                assertThat(image.at(x, y)).as("luma at %s,%s", x, y).isCloseTo(expected, within(1e-9));
            }
        }
        // by hand, CMYK to linear RGB (1 - C)(1 - K), then sRGB: K = 64/255 gives 0.749 -> 224.5 for every channel on the left;
        // on the right C = 224/255 makes red 0.122 x 0.749 = 0.091 -> 85.1, luma 0.299 x 85.1 + 0.701 x 224.5 = 182.8 (JPEG rounding aside)
        assertThat(image.at(0, 4)).as("no cyan: grey of 25%% black").isCloseTo(224.5, within(3.0));
        assertThat(image.at(7, 4)).as("cyan 224: less red").isCloseTo(182.8, within(3.0));
    }

    private static int frameHeader(byte[] jpeg)
    {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xc0) {
                return i;
            }
        }
        throw new AssertionError("no SOF0 in the JPEG");
    }
}
