// The independent references the pe tests compare with, run in the test: pefile (through
// /usr/bin/python3, which has python3-pefile) and `yara -D` (libyara's pe module).
#pragma once

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support.hpp"

namespace sqltriage::test::pe_oracle {

/// /usr/bin/python3 with pefile: FAILs under CI=true when missing, else WARNs and false.
inline bool pefile_or_skip() {
  if (run("/usr/bin/python3 -c 'import pefile'").exit_code == 0) return true;
  if (running_in_ci()) FAIL("python3-pefile missing under CI=true");
  WARN("python3-pefile not found, skipping");
  return false;
}

/// What pefile says about a file, as JSON.
inline nlohmann::json pefile_facts(const std::filesystem::path& file) {
  static const char* kScript = R"PY(
import json, sys, pefile
p = pefile.PE(sys.argv[1])
out = {
  'machine': p.FILE_HEADER.Machine,
  'machine_name': pefile.MACHINE_TYPE.get(p.FILE_HEADER.Machine, ''),
  'subsystem_name': pefile.SUBSYSTEM_TYPE.get(p.OPTIONAL_HEADER.Subsystem, ''),
  'timestamp': p.FILE_HEADER.TimeDateStamp,
  'characteristics': p.FILE_HEADER.Characteristics,
  'is_dll': p.is_dll(),
  'image_base': p.OPTIONAL_HEADER.ImageBase,
  'entry_point': p.OPTIONAL_HEADER.AddressOfEntryPoint,
  'checksum': p.OPTIONAL_HEADER.CheckSum,
  'linker': [p.OPTIONAL_HEADER.MajorLinkerVersion, p.OPTIONAL_HEADER.MinorLinkerVersion],
  'pe32_plus': p.OPTIONAL_HEADER.Magic == 0x20b,
  'sections': [{'name': s.Name.rstrip(b'\0').decode('latin1'), 'va': s.VirtualAddress,
                'vsize': s.Misc_VirtualSize, 'raw_offset': s.PointerToRawData,
                'raw_size': s.SizeOfRawData, 'characteristics': s.Characteristics,
                'entropy': s.get_entropy()} for s in p.sections],
  'imports': [[e.dll.decode('latin1'), len(e.imports)]
              for e in getattr(p, 'DIRECTORY_ENTRY_IMPORT', [])],
  'imphash': p.get_imphash(),
  'overlay_offset': p.get_overlay_data_start_offset(),
  'size': len(p.__data__),
  'clr': p.OPTIONAL_HEADER.DATA_DIRECTORY[14].VirtualAddress != 0,
  'security': [p.OPTIONAL_HEADER.DATA_DIRECTORY[4].VirtualAddress,
               p.OPTIONAL_HEADER.DATA_DIRECTORY[4].Size],
  'pdb': None, 'strings': [], 'language': None, 'file_version': None, 'product_version': None,
}
for d in getattr(p, 'DIRECTORY_ENTRY_DEBUG', []):
  if d.struct.Type == 2 and hasattr(d.entry, 'PdbFileName'):
    out['pdb'] = d.entry.PdbFileName.rstrip(b'\0').decode('latin1')
    break
for fi in getattr(p, 'FileInfo', []):
  for e in fi:
    if e.Key == b'StringFileInfo' and e.StringTable:
      t = e.StringTable[0]
      out['language'] = t.LangID.decode()
      out['strings'] = [[k.decode(), v.decode()] for k, v in t.entries.items()]
if hasattr(p, 'VS_FIXEDFILEINFO'):
  f = p.VS_FIXEDFILEINFO[0]
  v = lambda ms, ls: '%d.%d.%d.%d' % (ms >> 16, ms & 0xffff, ls >> 16, ls & 0xffff)
  out['file_version'] = v(f.FileVersionMS, f.FileVersionLS)
  out['product_version'] = v(f.ProductVersionMS, f.ProductVersionLS)
rich = p.parse_rich_header()
out['rich'] = rich['values'] if rich else None
print(json.dumps(out))
)PY";
  TempDir tmp;
  const auto script = tmp.path() / "facts.py";
  { std::ofstream(script) << kScript; }
  const auto r =
      run("/usr/bin/python3 " + shell_quote(script.string()) + " " + shell_quote(file.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

/// The parts of `yara -D` output the tests use.
struct YaraDump {
  std::map<std::string, std::string> top;  ///< "\tkey = value" lines of the pe module
  std::vector<std::pair<std::string, std::string>> version_info;  ///< version_info_list
  std::vector<std::map<std::string, std::string>> sections;
  std::map<std::string, std::string> overlay;
};

inline std::string unquote(std::string v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') return v.substr(1, v.size() - 2);
  return v;
}

/// Runs yara with `rule` (a rule text) on `file`, with extra `options`.
inline CommandResult run_yara(const std::string& rule, const std::filesystem::path& file,
                              const std::string& options = "") {
  TempDir tmp;
  const auto path = tmp.path() / "rule.yar";
  { std::ofstream(path) << rule; }
  return run("yara " + options + " " + shell_quote(path.string()) + " " +
             shell_quote(file.string()));
}

inline YaraDump yara_dump(const std::filesystem::path& file) {
  const auto r = run_yara("import \"pe\" rule a { condition: true }", file, "-D");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  YaraDump d;
  std::istringstream in(r.out);
  std::string line, block;
  std::string pending_key;
  while (std::getline(in, line)) {
    std::size_t tabs = 0;
    while (tabs < line.size() && line[tabs] == '\t') ++tabs;
    const std::string body = line.substr(tabs);
    const auto eq = body.find(" = ");
    if (tabs == 1) {
      block = eq == std::string::npos ? body : "";
      if (eq != std::string::npos) d.top[body.substr(0, eq)] = unquote(body.substr(eq + 3));
      continue;
    }
    if (block == "sections" && tabs == 2 && body.front() == '[') d.sections.emplace_back();
    if (block == "sections" && tabs == 3 && eq != std::string::npos && !d.sections.empty())
      d.sections.back()[body.substr(0, eq)] = unquote(body.substr(eq + 3));
    if (block == "overlay" && tabs == 2 && eq != std::string::npos)
      d.overlay[body.substr(0, eq)] = body.substr(eq + 3);
    if (block == "version_info_list" && tabs == 3 && eq != std::string::npos) {
      if (body.substr(0, eq) == "key")
        pending_key = unquote(body.substr(eq + 3));
      else
        d.version_info.emplace_back(pending_key, unquote(body.substr(eq + 3)));
    }
  }
  return d;
}

/// Whether yara's pe.imphash() of `file` equals `imphash`.
inline bool yara_imphash_is(const std::filesystem::path& file, const std::string& imphash) {
  const auto r =
      run_yara("import \"pe\" rule same { condition: pe.imphash() == \"" + imphash + "\" }", file);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out.rfind("same ", 0) == 0;
}

}  // namespace sqltriage::test::pe_oracle
