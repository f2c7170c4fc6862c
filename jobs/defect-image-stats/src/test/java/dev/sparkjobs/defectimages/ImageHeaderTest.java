package dev.sparkjobs.defectimages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The size a PNG or JPEG header declares, read without decoding, from bytes made by hand. */
class ImageHeaderTest
{
    @Test
    void readsTheSizeOfAPngFromItsIhdrChunk()
            throws Exception
    {
        assertThat(ImageHeader.read(HostileImages.pngBomb(60_000, 50_000))).as("IHDR of a PNG without pixel data")
                .contains(new ImageHeader("png", 60_000, 50_000));
        assertThat(ImageHeader.read(HostileImages.pngBomb(-1, 2))).as("widths are unsigned 32-bit numbers")
                .contains(new ImageHeader("png", 4_294_967_295L, 2));
        assertThat(ImageHeader.read(TestImages.grey(ImageFeaturesTest.HAND_IMAGE))).as("a PNG written by ImageIO")
                .contains(new ImageHeader("png", 4, 4));
    }

    @Test
    void readsTheSizeOfAJpegFromItsFrameHeader()
            throws Exception
    {
        assertThat(ImageHeader.read(HostileImages.jpegBomb(25_000, 24_000))).as("SOI, SOF0, EOI")
                .contains(new ImageHeader("jpeg", 25_000, 24_000));
        assertThat(ImageHeader.read(TestImages.greyJpeg(16, 8, 120))).as("a JPEG written by ImageIO: APP0 and DQT before SOF0")
                .contains(new ImageHeader("jpeg", 16, 8));
        // DHT (C4), JPG (C8) and DAC (CC) are in the C0-CF range but are no frame headers; fill bytes may precede a marker
        byte[] progressive = ByteBuffer.allocate(2 + 3 * 6 + 2 + 9 + 2)
                .put((byte) 0xff).put((byte) 0xd8)
                .put((byte) 0xff).put((byte) 0xc4).putShort((short) 4).putShort((short) 0x7fff)
                .put((byte) 0xff).put((byte) 0xc8).putShort((short) 4).putShort((short) 0x7fff)
                .put((byte) 0xff).put((byte) 0xcc).putShort((short) 4).putShort((short) 0x7fff)
                .put((byte) 0xff).put((byte) 0xff)
                .put((byte) 0xff).put((byte) 0xc2).putShort((short) 11).put((byte) 8).putShort((short) 200).putShort((short) 300)
                .put((byte) 0xff).put((byte) 0xd9)
                .array();
        assertThat(ImageHeader.read(progressive)).as("SOF2 after DHT, JPG and DAC segments and fill bytes")
                .contains(new ImageHeader("jpeg", 300, 200));
    }

    @Test
    void otherBytesHaveNoHeaderToRead()
            throws Exception
    {
        assertThat(ImageHeader.read("GIF89a".getBytes(StandardCharsets.ISO_8859_1))).as("GIF: left to ImageIO").isEmpty();
        assertThat(ImageHeader.read(new byte[] {(byte) 0x89, 'P', 'N'})).as("three bytes of a PNG signature").isEmpty();
    }

    @Test
    void aTruncatedHeaderSaysWhereTheFileEnds()
    {
        byte[] png = TestImages.grey(ImageFeaturesTest.HAND_IMAGE);
        assertThatThrownBy(() -> ImageHeader.read(Arrays.copyOf(png, 20))).as("PNG cut inside IHDR")
                .isInstanceOf(ImageDecodeException.class)
                .hasMessage("the PNG header is truncated: the file ends after 20 bytes, before the image size in its IHDR chunk (bytes 16-23);"
                        + " the file was cut off, copy it again from the camera");
        byte[] jpeg = HostileImages.jpegBomb(25_000, 25_000);
        assertThatThrownBy(() -> ImageHeader.read(Arrays.copyOf(jpeg, 8))).as("JPEG cut inside SOF0")
                .isInstanceOf(ImageDecodeException.class)
                .hasMessage("the JPEG header is truncated: the file ends after 8 bytes, inside its frame header (SOF0) at byte 2,"
                        + " before the image size; the file was cut off, copy it again from the camera");
        assertThatThrownBy(() -> ImageHeader.read(Arrays.copyOf(jpeg, 2))).as("JPEG of SOI only")
                .isInstanceOf(ImageDecodeException.class)
                .hasMessage("the JPEG header is truncated: the file ends after 2 bytes, before its frame header (SOFn), which gives the image size;"
                        + " the file was cut off, copy it again from the camera");
    }

    @Test
    void aJpegWithoutAFrameHeaderOrWithASizeOfZeroIsRefused()
    {
        byte[] scanFirst = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xda, 0, 2, (byte) 0xff, (byte) 0xd9};
        assertThatThrownBy(() -> ImageHeader.read(scanFirst)).as("SOS before any SOF")
                .isInstanceOf(ImageDecodeException.class)
                .hasMessage("the JPEG has no frame header (SOFn) before its image data (SOS) at byte 2, so its size is unknown (a corrupt file)");
        assertThatThrownBy(() -> ImageHeader.read(HostileImages.jpegBomb(640, 0))).as("height 0: given later by a DNL marker")
                .isInstanceOf(ImageDecodeException.class)
                .hasMessage("the JPEG frame header (SOF0) at byte 2 declares 640x0 pixels: a size of 0 (a height given later by a DNL marker) is not supported");
    }
}
