package dev.sparkjobs.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Graviton readiness audit on hand-made binaries (headers per the ELF, Mach-O and PE specifications) and on a real jar. */
class NativeLibraryAuditTest
{
    // e_machine values from the ELF specification / Linux elf-em.h
    private static final int EM_X86_64 = 62;
    private static final int EM_AARCH64 = 183;

    @TempDir
    Path folder;

    @Test
    void headersAreReadNotPaths()
    {
        assertThat(NativeBinary.read(elf(EM_X86_64)).platforms()).containsExactly("linux-x86_64");
        assertThat(NativeBinary.read(elf(EM_AARCH64)).platforms()).containsExactly("linux-aarch64");
        assertThat(NativeBinary.read(machO(0x0100000C)).platforms()).containsExactly("darwin-aarch64");
        assertThat(NativeBinary.read(universal(0x01000007, 0x0100000C)).platforms()).containsExactly("darwin-x86_64", "darwin-aarch64");
        assertThat(NativeBinary.read(pe(0x8664)).platforms()).containsExactly("windows-x86_64");
        assertThat(NativeBinary.read("native/freebsd/amd64/libz.so", elf(EM_X86_64)).platforms()).containsExactly("freebsd-x86_64");
        assertThat(NativeBinary.read("text".getBytes(StandardCharsets.UTF_8)).platforms()).containsExactly("unknown-unknown");
    }

    @Test
    void libraryNamesDropPlatformWords()
    {
        assertThat(NativeLibraryAudit.libraryName("org/xerial/snappy/native/Linux/aarch64/libsnappyjava.so")).isEqualTo("snappyjava");
        assertThat(NativeLibraryAudit.libraryName("librocksdbjni-linux-aarch64-musl.so")).isEqualTo("rocksdbjni");
        assertThat(NativeLibraryAudit.libraryName("META-INF/native/libnetty_transport_native_epoll_aarch_64.so")).isEqualTo("netty-transport-native-epoll");
        assertThat(NativeLibraryAudit.libraryName("win/amd64/zstd.dll")).isEqualTo("zstd");
    }

    @Test
    void aLibraryWithBothLinuxBuildsPassesAndOneWithoutArm64Fails()
            throws IOException
    {
        Path good = jar("good.jar", Map.of(
                "native/linux-x86_64/libfast.so", elf(EM_X86_64),
                "native/linux-aarch64/libfast.so", elf(EM_AARCH64),
                "native/osx/libfast.dylib", universal(0x01000007, 0x0100000C)));
        Path bad = jar("x86-only.jar", Map.of(
                "lib/linux64/libslow.so", elf(EM_X86_64),
                "lib/win64/slow.dll", pe(0x8664)));
        NativeLibraryAudit.Report report = NativeLibraryAudit.audit(List.of(good, bad), Set.of());
        assertThat(report.findings()).hasSize(5);
        assertThat(report.missing()).as("libraries lacking a Linux build").isEqualTo(Map.of("slow", Set.of("linux-aarch64")));
        String printed = print(report);
        assertThat(printed).containsPattern("good\\.jar +fast +linux-aarch64 +native/linux-aarch64/libfast\\.so")
                .containsPattern("x86-only\\.jar +slow +linux-x86_64 +lib/linux64/libslow\\.so")
                .contains("FAIL: slow (in x86-only.jar) has no linux-aarch64 build")
                .contains("--ignore slow");
        assertThat(NativeLibraryAudit.audit(List.of(good, bad), Set.of("slow")).passed()).as("with --ignore slow").isTrue();
    }

    @Test
    void nestedJarsAreSearchedToo()
            throws IOException
    {
        Path inner = jar("inner.jar", Map.of("libnested.so", elf(EM_AARCH64)));
        Path outer = jar("outer.jar", Map.of("BOOT-INF/lib/inner.jar", Files.readAllBytes(inner)));
        NativeLibraryAudit.Report report = NativeLibraryAudit.audit(List.of(outer), Set.of());
        assertThat(report.findings()).singleElement().satisfies(finding -> assertThat(finding.jar()).isEqualTo("outer.jar!/BOOT-INF/lib/inner.jar"));
        assertThat(report.missing()).isEqualTo(Map.of("nested", Set.of("linux-x86_64")));
    }

    @Test
    void aRealJarFromMavenCentral()
            throws URISyntaxException
    {
        // snappy-java (on Spark's classpath) ships builds for many platforms, Linux x86_64 and aarch64 among them
        Path snappy = Path.of(org.xerial.snappy.Snappy.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        NativeLibraryAudit.Report report = NativeLibraryAudit.audit(List.of(snappy), Set.of());
        assertThat(report.findings().stream().filter(finding -> finding.entry().equals("org/xerial/snappy/native/Linux/aarch64/libsnappyjava.so")))
                .singleElement().satisfies(finding -> assertThat(finding.binary().platforms()).containsExactly("linux-aarch64"));
        assertThat(report.findings().stream().filter(finding -> finding.entry().equals("org/xerial/snappy/native/Linux/x86_64/libsnappyjava.so")))
                .singleElement().satisfies(finding -> assertThat(finding.binary().platforms()).containsExactly("linux-x86_64"));
        assertThat(report.passed()).as(print(report)).isTrue();
    }

    private Path jar(String name, Map<String, byte[]> entries)
            throws IOException
    {
        Path jar = folder.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (Map.Entry<String, byte[]> entry : new java.util.TreeMap<>(entries).entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        return jar;
    }

    private static String print(NativeLibraryAudit.Report report)
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        NativeLibraryAudit.print(report, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A 64-bit little-endian ELF header: magic, class 2, data 1, version 1, OS ABI 0, then e_machine at byte 18. */
    private static byte[] elf(int machine)
    {
        ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        header.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0});
        header.putShort(16, (short) 3);
        header.putShort(18, (short) machine);
        return header.array();
    }

    /** A thin 64-bit Mach-O header: magic 0xFEEDFACF little-endian, then cputype. */
    private static byte[] machO(int cpu)
    {
        return ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putInt(0xFEEDFACF).putInt(cpu).array();
    }

    /** A universal (fat) Mach-O header: big-endian 0xCAFEBABE, count, then 20-byte fat_arch records starting with cputype. */
    private static byte[] universal(int... cpus)
    {
        ByteBuffer header = ByteBuffer.allocate(8 + 20 * cpus.length).order(ByteOrder.BIG_ENDIAN).putInt(0xCAFEBABE).putInt(cpus.length);
        for (int cpu : cpus) {
            header.putInt(cpu).putInt(0).putInt(0).putInt(0).putInt(0);
        }
        return header.array();
    }

    /** A PE file: "MZ", e_lfanew at 0x3C pointing at "PE\0\0" followed by the machine. */
    private static byte[] pe(int machine)
    {
        ByteBuffer file = ByteBuffer.allocate(0x100).order(ByteOrder.LITTLE_ENDIAN);
        file.put(0, (byte) 'M').put(1, (byte) 'Z').putInt(0x3C, 0x80);
        file.put(0x80, (byte) 'P').put(0x81, (byte) 'E').putShort(0x84, (short) machine);
        return file.array();
    }
}
