// Shared helpers for the test suite: where the corpus is, temporary folders, running tools.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sqltriage/finding.hpp"
#include "sqltriage/output.hpp"

namespace sqltriage::test {

/// The repository root (tests run with it as working directory).
inline std::filesystem::path source_dir() { return SQLTRIAGE_SOURCE_DIR; }

/// ../shared/corpus relative to the repository root.
inline std::filesystem::path corpus_dir() { return source_dir() / ".." / "shared" / "corpus"; }

inline bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

/// Returns the corpus path when present. When absent: FAILs under CI=true, otherwise
/// WARNs and returns std::nullopt so the caller can skip (Catch2 v2 has no SKIP).
inline std::optional<std::filesystem::path> corpus_or_skip(const std::string& relative = "") {
  auto p = corpus_dir() / relative;
  if (std::filesystem::exists(p)) return p;
  if (running_in_ci()) FAIL("corpus missing under CI=true: " << p.string());
  WARN("corpus not found, skipping: " << p.string());
  return std::nullopt;
}

#define SQLTRIAGE_REQUIRE_CORPUS(var, rel)                 \
  auto var##_opt = ::sqltriage::test::corpus_or_skip(rel); \
  if (!var##_opt) return;                                  \
  const std::filesystem::path var = *var##_opt

/// A fresh temporary folder removed when the object goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// A sink that keeps a whole run in memory, in the order the scan emitted it: findings as
/// their JSON objects (output.hpp's to_json), errors and the end's stats.
class CollectingSink : public FindingSink {
 public:
  void begin(const DocumentHeader&) override {}
  void finding(const Finding& f) override { findings.push_back(to_json(f)); }
  void error(const ErrorEntry& e) override { errors.push_back(e); }
  void end(const RunStats& s) override { stats = s; }

  /// The findings of one type, in emitted order.
  std::vector<nlohmann::ordered_json> of(const std::string& type) const {
    std::vector<nlohmann::ordered_json> out;
    for (const auto& f : findings)
      if (f["type"] == type) out.push_back(f);
    return out;
  }

  std::vector<nlohmann::ordered_json> findings;
  std::vector<ErrorEntry> errors;
  RunStats stats;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  ///< standard output
  std::string err;  ///< standard error
};

/// Writes `bytes` to `path`, creating its parent folders; REQUIREs that the write succeeds.
void write_file(const std::filesystem::path& path, const std::string& bytes);

/// Error entries one per line, "<path> [<code>] <message>": for INFO and messages.
std::string errors_text(const std::vector<ErrorEntry>& errors);

/// The 1-based line of the only occurrence of `needle` in `text` (REQUIREs exactly one).
std::size_t line_of(const std::string& text, const std::string& needle);

/// Runs `command` through /bin/sh, capturing stdout and stderr. Never throws on non-zero exit.
/// ">out 2>err </dev/null" is appended, so a redirection of the last command in `command`
/// (and the stdin of a pipe's last command) is overridden: take r.out, and write files with
/// write_file().
CommandResult run(const std::string& command);

/// Quotes a string for /bin/sh.
std::string shell_quote(const std::string& s);

/// Whether an executable is on PATH.
bool have_tool(const std::string& name);

/// Whether a reference tool can be used: FAILs under CI=true when it is missing, otherwise
/// WARNs and returns false so the caller can skip.
bool tool_or_skip(const std::string& name);

/// Runs the built `sqltriage ARGS` under `timeout`: a hang ends with exit code 124 instead of
/// blocking the suite.
CommandResult run_sqltriage(const std::string& args, int timeout_s = 120);

/// Writes `spec_json` to a file in `dir`, runs `ntfsgen image IMAGE --spec SPEC extra_args`
/// (extra_args e.g. "--disk gpt --size-mb 32") and returns the image's path, a new file in
/// `dir` (ntfs-1.img, ntfs-2.img, ...). REQUIREs that ntfsgen succeeds. The volume offset
/// ntfsgen prints is 0 for `--disk none` and 1048576 for mbr and gpt.
std::filesystem::path ntfsgen_image(const TempDir& dir, const std::string& spec_json,
                                    const std::string& extra_args = "");

/// An empty hive: a regf base block and one hive bin holding the root key ("ROOT", no
/// subkeys or values), its security key and a free cell, written by
/// tests/fixtures/registry/hive_tool.py. hivex only edits existing hives, so tests start
/// from this one.
void write_empty_hive(const std::filesystem::path& path);

/// A hive with the keys and values of `reg` (a .reg text relative to the root: every key,
/// parents included, needs its own [\...] section), written by hivexregedit --merge.
/// REQUIREs that hivexregedit succeeds.
void write_hive(const std::filesystem::path& path, const std::string& reg);

/// hex(1):... for a REG_SZ / hex(2):... for a REG_EXPAND_SZ string (UTF-16LE with its NUL).
std::string reg_string(const std::string& s, int type);

/// A PEM certificate as Windows stores it in a registry certificate store's "Blob" value (a
/// serialized property list: property 3, a SHA-1 hash, then property 32, the DER
/// certificate), written as a .reg hex value ("hex:03,00,..."). Uses openssl in `tmp`.
std::string certificate_store_blob(const std::filesystem::path& pem, const TempDir& tmp);

/// Debian's Microsoft-signed shimx64.efi.signed: from the cache scripts/install-deps.sh
/// fills ($XDG_CACHE_HOME or ~/.cache, then sqltriage/shim-signed/usr/lib/shim/), else
/// /usr/lib/shim/. Missing: FAILs under CI=true, otherwise WARNs and returns std::nullopt.
std::optional<std::filesystem::path> shim_or_skip();

/// The folder of PE fixtures tests/fixtures/pe/make_pes.sh builds (once per test run; see
/// the script's header for the files). std::nullopt (after a WARN) when mingw-w64,
/// osslsigncode or openssl is missing outside CI; FAILs under CI=true.
std::optional<std::filesystem::path> pe_fixtures();

/// The bundled sample evidence, as scripts/make-sample.sh writes it.
struct SampleEvidence {
  std::filesystem::path dir;    ///< the folder make-sample.sh wrote
  std::filesystem::path disk;   ///< disk.raw: the MBR disk image of WEB01's C: drive
  std::filesystem::path aws;    ///< aws/: the AWS exports
  std::filesystem::path noise;  ///< noise.csv: the GreyNoise-style scanner list
  std::filesystem::path root;   ///< root.pem: the test root that signed agent.exe
};

/// The sample evidence of the malicious scenario, or with `quiet` of the quiet one (the same
/// server on an ordinary day), written by scripts/make-sample.sh with this build's ntfsgen
/// into a folder that lives as long as the test process; each scenario is written once per
/// process (about 10 s). std::nullopt (after a WARN) when a tool it needs (mingw-w64,
/// osslsigncode, openssl, hivexregedit, mkntfs) is missing outside CI; FAILs under CI=true.
std::optional<SampleEvidence> sample_evidence(bool quiet);

/// The cells of one tab-separated line.
std::vector<std::string> split_tabs(const std::string& line);

}  // namespace sqltriage::test
