// Readable names of the PE header's numbers (PE Format: "Machine Types", "Windows
// Subsystem", "Characteristics", "Section Flags"), spelled as winnt.h spells them without
// their IMAGE_FILE_MACHINE_ / IMAGE_SUBSYSTEM_ / IMAGE_FILE_ / IMAGE_SCN_ prefixes.
#include <array>
#include <cstdio>
#include <string_view>

#include "sqltriage/pe.hpp"

namespace sqltriage::pe {

namespace {

template <typename T>
struct Name {
  T value;
  std::string_view name;
};

std::string hex(std::uint32_t v, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*x", digits, v);
  return buf;
}

constexpr std::array kMachines = {
    Name<std::uint16_t>{0x0000, "UNKNOWN"},     Name<std::uint16_t>{0x014C, "I386"},
    Name<std::uint16_t>{0x0162, "R3000"},       Name<std::uint16_t>{0x0166, "R4000"},
    Name<std::uint16_t>{0x0168, "R10000"},      Name<std::uint16_t>{0x0169, "WCEMIPSV2"},
    Name<std::uint16_t>{0x0184, "ALPHA"},       Name<std::uint16_t>{0x01A2, "SH3"},
    Name<std::uint16_t>{0x01A3, "SH3DSP"},      Name<std::uint16_t>{0x01A6, "SH4"},
    Name<std::uint16_t>{0x01A8, "SH5"},         Name<std::uint16_t>{0x01C0, "ARM"},
    Name<std::uint16_t>{0x01C2, "THUMB"},       Name<std::uint16_t>{0x01C4, "ARMNT"},
    Name<std::uint16_t>{0x01D3, "AM33"},        Name<std::uint16_t>{0x01F0, "POWERPC"},
    Name<std::uint16_t>{0x01F1, "POWERPCFP"},   Name<std::uint16_t>{0x0200, "IA64"},
    Name<std::uint16_t>{0x0266, "MIPS16"},      Name<std::uint16_t>{0x0284, "ALPHA64"},
    Name<std::uint16_t>{0x0366, "MIPSFPU"},     Name<std::uint16_t>{0x0466, "MIPSFPU16"},
    Name<std::uint16_t>{0x0520, "TRICORE"},     Name<std::uint16_t>{0x0EBC, "EBC"},
    Name<std::uint16_t>{0x5032, "RISCV32"},     Name<std::uint16_t>{0x5064, "RISCV64"},
    Name<std::uint16_t>{0x5128, "RISCV128"},    Name<std::uint16_t>{0x6232, "LOONGARCH32"},
    Name<std::uint16_t>{0x6264, "LOONGARCH64"}, Name<std::uint16_t>{0x8664, "AMD64"},
    Name<std::uint16_t>{0x9041, "M32R"},        Name<std::uint16_t>{0xA641, "ARM64EC"},
    Name<std::uint16_t>{0xA64E, "ARM64X"},      Name<std::uint16_t>{0xAA64, "ARM64"},
};

constexpr std::array kSubsystems = {
    Name<std::uint16_t>{0, "UNKNOWN"},
    Name<std::uint16_t>{1, "NATIVE"},
    Name<std::uint16_t>{2, "WINDOWS_GUI"},
    Name<std::uint16_t>{3, "WINDOWS_CUI"},
    Name<std::uint16_t>{5, "OS2_CUI"},
    Name<std::uint16_t>{7, "POSIX_CUI"},
    Name<std::uint16_t>{8, "NATIVE_WINDOWS"},
    Name<std::uint16_t>{9, "WINDOWS_CE_GUI"},
    Name<std::uint16_t>{10, "EFI_APPLICATION"},
    Name<std::uint16_t>{11, "EFI_BOOT_SERVICE_DRIVER"},
    Name<std::uint16_t>{12, "EFI_RUNTIME_DRIVER"},
    Name<std::uint16_t>{13, "EFI_ROM"},
    Name<std::uint16_t>{14, "XBOX"},
    Name<std::uint16_t>{16, "WINDOWS_BOOT_APPLICATION"},
};

constexpr std::array kCharacteristics = {
    Name<std::uint16_t>{0x0001, "RELOCS_STRIPPED"},
    Name<std::uint16_t>{0x0002, "EXECUTABLE_IMAGE"},
    Name<std::uint16_t>{0x0004, "LINE_NUMS_STRIPPED"},
    Name<std::uint16_t>{0x0008, "LOCAL_SYMS_STRIPPED"},
    Name<std::uint16_t>{0x0010, "AGGRESIVE_WS_TRIM"},
    Name<std::uint16_t>{0x0020, "LARGE_ADDRESS_AWARE"},
    Name<std::uint16_t>{0x0080, "BYTES_REVERSED_LO"},
    Name<std::uint16_t>{0x0100, "32BIT_MACHINE"},
    Name<std::uint16_t>{0x0200, "DEBUG_STRIPPED"},
    Name<std::uint16_t>{0x0400, "REMOVABLE_RUN_FROM_SWAP"},
    Name<std::uint16_t>{0x0800, "NET_RUN_FROM_SWAP"},
    Name<std::uint16_t>{0x1000, "SYSTEM"},
    Name<std::uint16_t>{0x2000, "DLL"},
    Name<std::uint16_t>{0x4000, "UP_SYSTEM_ONLY"},
    Name<std::uint16_t>{0x8000, "BYTES_REVERSED_HI"},
};

constexpr std::array kSectionFlags = {
    Name<std::uint32_t>{0x00000008, "TYPE_NO_PAD"},
    Name<std::uint32_t>{0x00000020, "CNT_CODE"},
    Name<std::uint32_t>{0x00000040, "CNT_INITIALIZED_DATA"},
    Name<std::uint32_t>{0x00000080, "CNT_UNINITIALIZED_DATA"},
    Name<std::uint32_t>{0x00000100, "LNK_OTHER"},
    Name<std::uint32_t>{0x00000200, "LNK_INFO"},
    Name<std::uint32_t>{0x00000800, "LNK_REMOVE"},
    Name<std::uint32_t>{0x00001000, "LNK_COMDAT"},
    Name<std::uint32_t>{0x00008000, "GPREL"},
    Name<std::uint32_t>{0x01000000, "LNK_NRELOC_OVFL"},
    Name<std::uint32_t>{0x02000000, "MEM_DISCARDABLE"},
    Name<std::uint32_t>{0x04000000, "MEM_NOT_CACHED"},
    Name<std::uint32_t>{0x08000000, "MEM_NOT_PAGED"},
    Name<std::uint32_t>{0x10000000, "MEM_SHARED"},
    Name<std::uint32_t>{0x20000000, "MEM_EXECUTE"},
    Name<std::uint32_t>{0x40000000, "MEM_READ"},
    Name<std::uint32_t>{0x80000000, "MEM_WRITE"},
};

template <typename T, std::size_t N>
std::vector<std::string> flag_names(const std::array<Name<T>, N>& table, T value, int digits) {
  std::vector<std::string> out;
  T rest = value;
  for (const auto& f : table)
    if ((value & f.value) == f.value) {
      out.emplace_back(f.name);
      rest = static_cast<T>(rest & ~f.value);
    }
  if (rest != 0) out.push_back(hex(rest, digits));
  return out;
}

}  // namespace

std::string machine_name(std::uint16_t machine) {
  for (const auto& m : kMachines)
    if (m.value == machine) return std::string(m.name);
  return hex(machine, 4);
}

std::string subsystem_name(std::uint16_t subsystem) {
  for (const auto& s : kSubsystems)
    if (s.value == subsystem) return std::string(s.name);
  return hex(subsystem, 4);
}

std::vector<std::string> characteristics_names(std::uint16_t characteristics) {
  return flag_names(kCharacteristics, characteristics, 4);
}

std::vector<std::string> section_characteristics_names(std::uint32_t characteristics) {
  // Bits 20-23 are IMAGE_SCN_ALIGN_*: a 4-bit power of two, not flags.
  auto out = flag_names(kSectionFlags, characteristics & ~0x00F00000u, 8);
  if (const std::uint32_t align = (characteristics >> 20) & 0xF; align != 0)
    out.push_back("ALIGN_" + std::to_string(1u << (align - 1)) + "BYTES");
  return out;
}

}  // namespace sqltriage::pe
