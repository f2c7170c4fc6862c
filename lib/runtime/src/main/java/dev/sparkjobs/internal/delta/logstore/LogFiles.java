package dev.sparkjobs.internal.delta.logstore;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/** The bytes of a Delta log file: one action per line, each line ended by a newline (as Delta's own stores write them). */
final class LogFiles
{
    private LogFiles() {}

    static byte[] content(Iterator<String> actions)
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (actions.hasNext()) {
            bytes.writeBytes((actions.next() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
