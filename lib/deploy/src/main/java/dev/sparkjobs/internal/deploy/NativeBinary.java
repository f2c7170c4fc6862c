package dev.sparkjobs.internal.deploy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The operating system and architectures a native library is built for, read from its header
 * (ELF, Mach-O including universal binaries, PE), never from its path, which is often wrong.
 */
record NativeBinary(String format, String os, List<String> architectures)
{
    static final String LINUX = "linux";
    static final String X86_64 = "x86_64";
    static final String AARCH64 = "aarch64";

    NativeBinary
    {
        architectures = List.copyOf(architectures);
    }

    /** The header decides; for ELF, whose OS byte is mostly left at 0, a path naming another Unix corrects "linux". */
    static NativeBinary read(String path, byte[] content)
    {
        NativeBinary binary = read(content);
        String lowerPath = path.toLowerCase(Locale.ROOT);
        if (binary.format().equals("ELF") && binary.os().equals(LINUX)) {
            for (String other : List.of("freebsd", "solaris", "sunos", "aix", "android")) {
                if (lowerPath.contains(other)) {
                    return new NativeBinary(binary.format(), other, binary.architectures());
                }
            }
        }
        return binary;
    }

    static NativeBinary read(byte[] content)
    {
        ByteBuffer bytes = ByteBuffer.wrap(content);
        if (content.length >= 20 && content[0] == 0x7F && content[1] == 'E' && content[2] == 'L' && content[3] == 'F') {
            bytes.order(content[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            String os = (content[7] & 0xFF) == 9 ? "freebsd" : LINUX;
            return new NativeBinary("ELF", os, List.of(elfMachine(Short.toUnsignedInt(bytes.getShort(18)))));
        }
        if (content.length >= 8) {
            int bigEndianMagic = bytes.order(ByteOrder.BIG_ENDIAN).getInt(0);
            if (bigEndianMagic == 0xCAFEBABE) {
                int count = bytes.getInt(4);
                List<String> architectures = new ArrayList<>();
                for (int index = 0; index < count && 8 + 20 * index + 4 <= content.length; index++) {
                    architectures.add(machOCpu(bytes.getInt(8 + 20 * index)));
                }
                return new NativeBinary("Mach-O universal", "darwin", architectures);
            }
            int littleEndianMagic = bytes.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
            if (littleEndianMagic == 0xFEEDFACE || littleEndianMagic == 0xFEEDFACF) {
                return new NativeBinary("Mach-O", "darwin", List.of(machOCpu(bytes.getInt(4))));
            }
        }
        if (content.length >= 0x40 && content[0] == 'M' && content[1] == 'Z') {
            bytes.order(ByteOrder.LITTLE_ENDIAN);
            int header = bytes.getInt(0x3C);
            if (header > 0 && header + 6 <= content.length && bytes.getInt(header) == 0x00004550) {
                return new NativeBinary("PE", "windows", List.of(peMachine(Short.toUnsignedInt(bytes.getShort(header + 4)))));
            }
        }
        return new NativeBinary("unknown", "unknown", List.of("unknown"));
    }

    /** "linux-x86_64", "darwin-aarch64": one per architecture. */
    List<String> platforms()
    {
        return architectures.stream().map(architecture -> os + "-" + architecture).toList();
    }

    private static String elfMachine(int machine)
    {
        return switch (machine) {
            case 0x3E -> X86_64;
            case 0xB7 -> AARCH64;
            case 0x03 -> "x86";
            case 0x28 -> "arm";
            case 0x15 -> "ppc64";
            case 0x16 -> "s390x";
            case 0xF3 -> "riscv64";
            case 0x102 -> "loongarch64";
            default -> "elf-machine-" + machine;
        };
    }

    private static String machOCpu(int cpu)
    {
        return switch (cpu) {
            case 0x01000007 -> X86_64;
            case 0x0100000C -> AARCH64;
            case 7 -> "x86";
            case 12 -> "arm";
            default -> "mach-cpu-" + Integer.toHexString(cpu).toLowerCase(Locale.ROOT);
        };
    }

    private static String peMachine(int machine)
    {
        return switch (machine) {
            case 0x8664 -> X86_64;
            case 0xAA64 -> AARCH64;
            case 0x14C -> "x86";
            default -> "pe-machine-" + Integer.toHexString(machine);
        };
    }
}
