package dev.sparkjobs.defectimages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading an image's bytes from a local file (one NIO read, no Hadoop checksum layer). */
class ImageFileReadTest
{
    @TempDir
    Path work;

    @Test
    void readsTheWholeFile()
            throws Exception
    {
        byte[] bytes = new byte[300_000]; // more than one Hadoop buffer
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Path image = Files.write(work.resolve("a.png"), bytes);

        assertThat(DecodeImages.read(image.toUri().toString(), new Configuration())).as("bytes read from %s", image).isEqualTo(bytes);
    }

    @Test
    void aFileDeletedAfterItWasListedSaysSo()
    {
        String location = work.resolve("listed-then-deleted.png").toUri().toString();

        assertThatThrownBy(() -> DecodeImages.read(location, new Configuration())).as("reading a file that is gone")
                .isInstanceOf(FileNotFoundException.class)
                .hasMessage(location + " does not exist any more (deleted after it was listed?)");
    }
}
