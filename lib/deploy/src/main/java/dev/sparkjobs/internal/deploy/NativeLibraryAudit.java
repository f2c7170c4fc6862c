package dev.sparkjobs.internal.deploy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.regex.Pattern;

/**
 * Graviton readiness audit: lists every native library (.so, .dylib, .dll, .jnilib) inside the
 * given jars (and jars nested in them) with the platforms each binary is built for, and fails when
 * a library has no linux-x86_64 or no linux-aarch64 build, since the image runs on both.
 * Needs only the JDK: {@code java -cp app/target/spark-jobs.jar
 * dev.sparkjobs.internal.deploy.NativeLibraryAudit [--ignore NAME]... JAR...}.
 */
public final class NativeLibraryAudit
{
    static final List<String> REQUIRED_PLATFORMS = List.of(NativeBinary.LINUX + "-" + NativeBinary.X86_64, NativeBinary.LINUX + "-" + NativeBinary.AARCH64);

    private static final Set<String> PLATFORM_WORDS = Set.of("linux", "linux32", "linux64", "osx", "mac", "macos", "macosx", "darwin",
            "win", "win32", "win64", "windows", "freebsd", "solaris", "sunos", "aix", "android", "musl", "x86", "x64", "amd64", "i386", "i686",
            "64", "32", "aarch", "aarch64", "arm", "arm64", "armv7", "armhf", "ppc64", "ppc64le", "s390x", "riscv64", "loongarch64", "mips64");

    private static final Pattern NATIVE = Pattern.compile(".*\\.(so(\\.[0-9]+)*|dylib|dll|jnilib)$", Pattern.CASE_INSENSITIVE);

    /** One native binary found: which jar, where inside it, and what it is built for. */
    record Finding(String jar, String entry, String library, NativeBinary binary) {}

    /** The findings and, per library, the required platforms it lacks. */
    record Report(List<Finding> findings, Map<String, Set<String>> missing)
    {
        boolean passed()
        {
            return missing.isEmpty();
        }
    }

    private NativeLibraryAudit() {}

    public static void main(String... arguments)
    {
        List<String> ignored = new ArrayList<>();
        List<Path> jars = new ArrayList<>();
        for (int index = 0; index < arguments.length; index++) {
            if (arguments[index].equals("--ignore") && index + 1 < arguments.length) {
                ignored.add(arguments[++index]);
            }
            else {
                jars.add(Path.of(arguments[index]));
            }
        }
        if (jars.isEmpty()) {
            System.err.println("Usage: NativeLibraryAudit [--ignore LIBRARY]... JAR...");
            System.exit(2);
        }
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar)) {
                System.err.println("Cannot audit " + jar + ": no such file. Build the application jar first (./mvnw -DskipTests package).");
                System.exit(2);
            }
        }
        Report report = audit(jars, Set.copyOf(ignored));
        print(report, System.out);
        System.exit(report.passed() ? 0 : 1);
    }

    static Report audit(List<Path> jars, Set<String> ignoredLibraries)
    {
        List<Finding> findings = new ArrayList<>();
        for (Path jar : jars) {
            try (InputStream in = Files.newInputStream(jar)) {
                scan(jar.getFileName().toString(), in, findings);
            }
            catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + jar, e);
            }
        }
        Map<String, Set<String>> platformsByLibrary = new TreeMap<>();
        for (Finding finding : findings) {
            platformsByLibrary.computeIfAbsent(key(finding), library -> new TreeSet<>()).addAll(finding.binary().platforms());
        }
        Map<String, Set<String>> missing = new TreeMap<>();
        platformsByLibrary.forEach((library, platforms) -> {
            if (ignoredLibraries.contains(library)) {
                return;
            }
            Set<String> lacking = new TreeSet<>(REQUIRED_PLATFORMS);
            lacking.removeAll(platforms);
            if (!lacking.isEmpty()) {
                missing.put(library, lacking);
            }
        });
        return new Report(List.copyOf(findings), missing);
    }

    static void print(Report report, PrintStream out)
    {
        out.println("Native libraries (Graviton readiness audit; every library needs " + String.join(" and ", REQUIRED_PLATFORMS) + "):");
        if (report.findings().isEmpty()) {
            out.println("  (none: the jars hold no native code)");
        }
        else {
            int jarWidth = Math.max(3, report.findings().stream().mapToInt(finding -> finding.jar().length()).max().orElse(0));
            int libraryWidth = Math.max(7, report.findings().stream().mapToInt(finding -> finding.library().length()).max().orElse(0));
            int platformWidth = Math.max(8, report.findings().stream().mapToInt(finding -> String.join(",", finding.binary().platforms()).length()).max().orElse(0));
            String row = "  %-" + jarWidth + "s  %-" + libraryWidth + "s  %-" + platformWidth + "s  %s%n";
            out.printf(row, "jar", "library", "platform", "entry");
            for (Finding finding : report.findings()) {
                out.printf(row, finding.jar(), finding.library(), String.join(",", finding.binary().platforms()), finding.entry());
            }
        }
        if (report.passed()) {
            out.println("PASS: every native library has linux-x86_64 and linux-aarch64 builds.");
        }
        else {
            report.missing().forEach((library, lacking) -> out.println("FAIL: " + library + " (in " + jarsOf(report, library) + ") has no "
                    + String.join(" and no ", lacking) + " build; the image would break on those nodes. Upgrade the dependency to a release that ships both, "
                    + "exclude it, or pass --ignore " + library + " if it is never loaded on Linux."));
        }
    }

    private static String jarsOf(Report report, String library)
    {
        return String.join(", ", report.findings().stream().filter(finding -> finding.library().equals(library)).map(Finding::jar).distinct().toList());
    }

    private static void scan(String jar, InputStream in, List<Finding> findings)
            throws IOException
    {
        JarInputStream entries = new JarInputStream(in, false);
        for (JarEntry entry = entries.getNextJarEntry(); entry != null; entry = entries.getNextJarEntry()) {
            if (entry.isDirectory()) {
                continue;
            }
            String name = entry.getName();
            if (name.toLowerCase(Locale.ROOT).endsWith(".jar")) {
                scan(jar + "!/" + name, new ByteArrayInputStream(entries.readAllBytes()), findings);
            }
            else if (NATIVE.matcher(name).matches()) {
                findings.add(new Finding(jar, name, libraryName(name), NativeBinary.read(name, entries.readAllBytes())));
            }
        }
    }

    /**
     * The library's name without platform words, so that builds for several platforms group
     * together even when the platform is part of the file or jar name:
     * "org/xerial/snappy/native/Linux/aarch64/libsnappyjava.so" -> "snappyjava",
     * "librocksdbjni-linux-aarch64.so" -> "rocksdbjni", "libnetty_transport_native_epoll_aarch_64.so" -> "netty-transport-native-epoll".
     */
    static String libraryName(String entry)
    {
        String file = entry.substring(entry.lastIndexOf('/') + 1);
        String base = file.replaceFirst("(?i)\\.(so(\\.[0-9]+)*|dylib|dll|jnilib)$", "");
        if (base.startsWith("lib") && base.length() > 3) {
            base = base.substring(3);
        }
        List<String> words = new ArrayList<>();
        for (String word : base.toLowerCase(Locale.ROOT).split("[-_]")) {
            if (!PLATFORM_WORDS.contains(word) && !word.isEmpty()) {
                words.add(word);
            }
        }
        return words.isEmpty() ? base : String.join("-", words);
    }

    private static String key(Finding finding)
    {
        return finding.library();
    }
}
