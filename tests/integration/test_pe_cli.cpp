// `sqltriage pe` end to end, through the built binary, on Windows programs built and signed by
// tests/fixtures/pe/make_pes.sh, put into folders, evidence roots and NTFS images.
//
// Independent references: sha256sum and md5sum for hashes, osslsigncode verify for whether a
// signature holds, `openssl x509` for certificate thumbprints, hivexregedit for the root
// store hive. The checks' expectations come from docs/pe.md and docs/checks.md.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using sqltriage::test::CommandResult;
using sqltriage::test::run;
using sqltriage::test::run_sqltriage;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;

std::string q(const fs::path& p) { return shell_quote(p.string()); }

Json pe(const std::string& args, int expected_exit = 0) {
  const auto r = run_sqltriage("pe " + args, 180);
  INFO("sqltriage pe " << args << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == expected_exit);
  Json doc;
  REQUIRE_NOTHROW(doc = Json::parse(r.out));
  return doc;
}

std::vector<Json> files_of(const Json& doc) {
  std::vector<Json> out;
  for (const auto& f : doc.at("findings"))
    if (f.at("type") == "pe.file") out.push_back(f);
  return out;
}

std::set<std::string> check_ids(const Json& f) {
  std::set<std::string> out;
  for (const auto& c : f.at("checks")) out.insert(c.at("id").get<std::string>());
  return out;
}

/// First word of a tool's output line, e.g. the digest sha256sum prints.
std::string first_word(const std::string& command) {
  const auto r = run(command);
  REQUIRE(r.exit_code == 0);
  return r.out.substr(0, r.out.find_first_of(" \n"));
}

/// SHA-1 thumbprint of a PEM certificate, upper-case hex without colons (as Windows names
/// the registry key holding it).
std::string thumbprint(const fs::path& pem) {
  const auto r = run("openssl x509 -in " + q(pem) + " -noout -fingerprint -sha1");
  REQUIRE(r.exit_code == 0);
  std::string hex;
  for (char c : r.out.substr(r.out.find('=') + 1))
    if (std::isxdigit(static_cast<unsigned char>(c))) hex += c;
  return hex;
}

/// A SOFTWARE hive whose ROOT store holds `pem`.
void write_root_store(const fs::path& hive, const fs::path& pem, const TempDir& tmp) {
  const std::string key =
      "[\\Microsoft\\SystemCertificates\\ROOT\\Certificates\\" + thumbprint(pem) + "]";
  sqltriage::test::write_hive(
      hive,
      "[\\Microsoft]\n\n[\\Microsoft\\SystemCertificates]\n\n"
      "[\\Microsoft\\SystemCertificates\\ROOT]\n\n"
      "[\\Microsoft\\SystemCertificates\\ROOT\\Certificates]\n\n" +
          key + "\n\"Blob\"=" + sqltriage::test::certificate_store_blob(pem, tmp) + "\n\n");
}

}  // namespace

TEST_CASE("pe: a Microsoft look-alike as a loose file", "[pe][cli]") {
  const auto fx = sqltriage::test::pe_fixtures();
  if (!fx) return;
  TempDir tmp;
  const fs::path file = tmp.path() / "sqlserver.exe";
  fs::copy_file(*fx / "impostor.exe", file);
  const auto doc = pe(q(file) + " --no-system-roots");
  CHECK(doc.at("command") == "pe");
  CHECK(doc.at("evidence")[0].at("kind") == "file");
  const auto files = files_of(doc);
  REQUIRE(files.size() == 1);
  const auto& f = files[0];
  const auto& d = f.at("data");
  CHECK(d.at("Path") == file.string());
  CHECK(d.at("Size") == fs::file_size(file));
  CHECK(d.at("Hashes").at("SHA256") == first_word("sha256sum " + q(file)));
  CHECK(d.at("Hashes").at("MD5") == first_word("md5sum " + q(file)));
  CHECK(d.at("VersionInfo").at("OriginalFilename") == "sqlservr.exe");
  CHECK(d.at("VersionInfo").at("CompanyName") == "Microsoft Corporation");
  CHECK(d.at("Authenticode").at("Signed") == false);
  CHECK(check_ids(f) == std::set<std::string>{"lookalike_name", "original_name_mismatch",
                                              "microsoft_claim_unsigned"});
  CHECK(f.at("severity") == "high");
  CHECK(f.at("summary").get<std::string>().find("OriginalFilename sqlservr.exe") !=
        std::string::npos);
  // --fail-on turns the high finding into exit code 1.
  pe(q(file) + " --no-system-roots --fail-on high", 1);
}

TEST_CASE("pe: signatures verified and trusted as osslsigncode judges them", "[pe][cli]") {
  const auto fx = sqltriage::test::pe_fixtures();
  if (!fx) return;
  const auto root = *fx / "root.pem";
  const auto ossl_ok = [&](const std::string& name) {
    return run("osslsigncode verify -in " + q(*fx / name) + " -CAfile " + q(root)).exit_code == 0;
  };
  for (const std::string name : {"signed.exe", "tampered.exe", "untrusted.exe"}) {
    INFO(name);
    const auto with_root = files_of(pe(q(*fx / name) + " --no-system-roots --ca-file " + q(root)));
    REQUIRE(with_root.size() == 1);
    const auto& a = with_root[0].at("data").at("Authenticode");
    CHECK(a.at("Signed") == true);
    // The independent tool says whether the signature holds and chains to root.pem.
    const bool holds = ossl_ok(name);
    CHECK(a.at("Verified").get<bool>() == (name != "tampered.exe"));
    CHECK((a.at("Verified").get<bool>() && a.at("Trusted").get<bool>()) == holds);
    if (name == "signed.exe") {
      CHECK(a.at("Signatures")[0].at("TrustSource").get<std::string>().find("--ca-file") !=
            std::string::npos);
      CHECK(a.at("Signatures")[0].at("Signer").at("Thumbprint") == [&] {
        std::string t = thumbprint(*fx / "leaf.pem");
        std::transform(t.begin(), t.end(), t.begin(), ::tolower);
        return t;
      }());
      // Signed and trusted: only the name differs from OriginalFilename (plain.exe).
      CHECK(check_ids(with_root[0]) == std::set<std::string>{"original_name_mismatch"});
    }
    if (name == "tampered.exe") CHECK(check_ids(with_root[0]).count("signature_invalid") == 1);
  }
  // Without any trust source the signature still verifies but is not trusted.
  const auto bare = files_of(pe(q(*fx / "signed.exe") + " --no-system-roots"));
  REQUIRE(bare.size() == 1);
  CHECK(bare[0].at("data").at("Authenticode").at("Verified") == true);
  CHECK(bare[0].at("data").at("Authenticode").at("Trusted") == false);
  CHECK_FALSE(bare[0]
                  .at("data")
                  .at("Authenticode")
                  .at("Signatures")[0]
                  .at("TrustDetail")
                  .get<std::string>()
                  .empty());
}

TEST_CASE("pe: look-alikes fire and the real names in their real folders stay quiet, in an image",
          "[pe][cli][image]") {
  const auto fx = sqltriage::test::pe_fixtures();
  if (!fx) return;
  if (!sqltriage::test::tool_or_skip("hivexregedit")) return;
  TempDir tmp;
  // The evidence's own ROOT store trusts the "Microsoft Corporation" signer's root: it
  // stands in for a genuine Microsoft binary.
  const fs::path hive = tmp.path() / "SOFTWARE";
  write_root_store(hive, *fx / "lookalike-root.pem", tmp);
  const std::string binn =
      "\\\\Program Files\\\\Microsoft SQL Server\\\\MSSQL15.MSSQLSERVER\\\\MSSQL\\\\Binn";
  const auto image =
      sqltriage::test::ntfsgen_image(tmp,
                                     std::string(R"({"label": "WEB01", "entries": [
        {"file": "\\ProgramData\\sqlserver.exe", "from": )") +
                                         Json((*fx / "impostor.exe").string()).dump() + R"(},
        {"file": ")" + binn + R"(\\sqlservr.exe", "from": )" +
                                         Json((*fx / "ms-named.exe").string()).dump() + R"(},
        {"file": "\\Windows\\Temp\\sqlservr.exe", "from": )" +
                                         Json((*fx / "ms-named.exe").string()).dump() + R"(},
        {"file": "\\Windows\\System32\\config\\SOFTWARE", "from": )" +
                                         Json(hive.string()).dump() + R"(}
      ]})",
                                     "--disk gpt --size-mb 32");
  const auto doc = pe(q(image) + " --target sqlserver.exe --target SQLSERVR.EXE --no-system-roots");
  CHECK(doc.at("evidence")[0].at("kind") == "image");
  const auto files = files_of(doc);
  REQUIRE(files.size() == 3);
  std::map<std::string, Json> by_path;
  for (const auto& f : files) by_path[f.at("data").at("Path").get<std::string>()] = f;
  const auto& dropped = by_path.at("C:\\ProgramData\\sqlserver.exe");
  CHECK(check_ids(dropped) == std::set<std::string>{"lookalike_name", "original_name_mismatch",
                                                    "microsoft_claim_unsigned"});
  const auto& real = by_path.at(
      "C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe");
  CHECK(real.at("checks").empty());
  CHECK(real.at("severity") == "info");
  const auto& sig = real.at("data").at("Authenticode").at("Signatures")[0];
  CHECK(sig.at("Trusted") == true);
  CHECK(sig.at("TrustSource").get<std::string>().find("registry ROOT") != std::string::npos);
  const auto& misplaced = by_path.at("C:\\Windows\\Temp\\sqlservr.exe");
  CHECK(check_ids(misplaced) == std::set<std::string>{"known_name_wrong_folder"});
  CHECK(misplaced.at("severity") == "high");
  // The same bytes as the host file: hashes of a file read from inside the image.
  CHECK(dropped.at("data").at("Hashes").at("SHA256") ==
        first_word("sha256sum " + q(*fx / "impostor.exe")));
  // An evidence root needs a target: a usage error, before any output.
  const auto no_target = run_sqltriage("pe " + q(image) + " --no-system-roots");
  CHECK(no_target.exit_code == 2);
  CHECK(no_target.out.empty());
  CHECK(no_target.err.find("--target") != std::string::npos);
  // A target named twice, by name and by path, is one file.
  CHECK(files_of(pe(q(image) + " --target sqlserver.exe --target "
                               "'C:\\ProgramData\\sqlserver.exe' --no-system-roots"))
            .size() == 1);
}

TEST_CASE("pe: every file of a folder, PE or not, in name order", "[pe][cli]") {
  const auto fx = sqltriage::test::pe_fixtures();
  if (!fx) return;
  TempDir tmp;
  const fs::path dir = tmp.path() / "dropped";
  fs::create_directories(dir);
  fs::copy_file(*fx / "plain.exe", dir / "b-plain.exe");
  std::ofstream(dir / "a-notes.txt") << "not a program\n";
  std::ofstream(dir / "c-empty.bin");
  const auto doc = pe(q(dir) + " --no-system-roots");
  const auto files = files_of(doc);
  REQUIRE(files.size() == 3);
  CHECK(files[0].at("data").at("FileType") == "not a PE file");
  CHECK(files[0].at("data").at("Hashes").at("SHA256") ==
        first_word("sha256sum " + q(dir / "a-notes.txt")));
  CHECK(files[1].at("data").at("PE").at("PdbPath") == "C:\\build\\plain.pdb");
  CHECK(files[2].at("data").at("Size") == 0);
  CHECK(files[2].at("data").at("Hashes").at("MD5") ==
        first_word("md5sum " + q(dir / "c-empty.bin")));
  // --target filters a folder.
  CHECK(files_of(pe(q(dir) + " --target B-PLAIN.EXE --no-system-roots")).size() == 1);
}

TEST_CASE("pe: hash sets name the set and the verdict", "[pe][cli]") {
  const auto fx = sqltriage::test::pe_fixtures();
  if (!fx) return;
  TempDir tmp;
  const auto sha256 = first_word("sha256sum " + q(*fx / "plain.exe"));
  const auto md5 = first_word("md5sum " + q(*fx / "plain.exe"));
  std::ofstream(tmp.path() / "iocs.txt") << "# iocs of case 42\n" << sha256 << " dropper\n";
  std::ofstream(tmp.path() / "allow.txt") << md5 << "\n";
  const auto files =
      files_of(pe(q(*fx / "plain.exe") + " --no-system-roots --hashes " +
                  q(tmp.path() / "iocs.txt") + " --hashes good:" + q(tmp.path() / "allow.txt")));
  REQUIRE(files.size() == 1);
  const auto& hits = files[0].at("data").at("HashSets");
  REQUIRE(hits.size() == 2);
  CHECK(hits[0].at("Set") == "iocs.txt");
  CHECK(hits[0].at("Verdict") == "known-bad");
  CHECK(hits[0].at("Algorithm") == "sha256");
  CHECK(hits[1].at("Verdict") == "known-good");
  CHECK(hits[1].at("Algorithm") == "md5");
  CHECK(files[0].at("severity") == "critical");
  CHECK(check_ids(files[0]).count("hashset_known_bad") == 1);
  // A missing hash set is a usage error, before any output.
  const auto r =
      run_sqltriage("pe " + q(*fx / "plain.exe") + " --hashes " + q(tmp.path() / "absent.txt"));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("absent.txt") != std::string::npos);
}

TEST_CASE("pe: --vt-query answers which known samples carry an OriginalFilename", "[pe][cli]") {
  TempDir tmp;
  const fs::path reports = tmp.path() / "vt.jsonl";
  // Two v2 reports shaped like the investigation's, written by this test.
  std::ofstream(reports)
      << R"({"md5": "40593f27c042bf07c86a659b8745999d", "sha1": "1111111111111111111111111111111111111111", "sha256": "1111111111111111111111111111111111111111111111111111111111111111", "positives": 0, "total": 60, "submission_names": ["dhserver", "sqlserver.exe"], "additional_info": {"sigcheck": {"original name": "sqlserver.exe", "verified": "Signed", "signers": "Unisys Corporation; Symantec Class 3 SHA256 Code Signing CA; VeriSign", "product": "ODBC Access"}}})"
      << "\n"
      << R"({"md5": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "sha1": "2222222222222222222222222222222222222222", "sha256": "2222222222222222222222222222222222222222222222222222222222222222", "positives": 41, "total": 60, "submission_names": ["x.exe"], "additional_info": {"sigcheck": {"original name": "other.exe", "verified": "Unsigned"}}})"
      << "\n";
  const auto doc = pe("--vt-reports " + q(reports) + " --vt-query original-name=SQLSERVER.EXE");
  REQUIRE(doc.at("findings").size() == 1);
  const auto& f = doc.at("findings")[0];
  CHECK(f.at("type") == "pe.vt_match");
  CHECK(f.at("data").at("MD5") == "40593f27c042bf07c86a659b8745999d");
  CHECK(f.at("data").at("SignedVerified") == true);
  CHECK(f.at("artifact").at("record") == 1);
  const auto bad = run_sqltriage("pe --vt-reports " + q(reports) + " --vt-query colour=blue");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("colour") != std::string::npos);
  // A report file with nothing usable: no match, and the lines not understood are an error
  // entry naming the file.
  const fs::path junk = tmp.path() / "junk.jsonl";
  std::ofstream(junk) << "{\"md5\": \"not-a-hash\"}\n";
  const auto none = pe("--vt-reports " + q(junk) + " --vt-query original-name=sqlserver.exe");
  CHECK(none.at("findings").empty());
  REQUIRE(none.at("errors").size() == 1);
  CHECK(none.at("errors")[0].at("artifact").at("path") == junk.string());
}

TEST_CASE("pe: damaged and foreign files are reported, never fatal", "[pe][cli][bad_input]") {
  const auto fx = sqltriage::test::pe_fixtures();
  if (!fx) return;
  TempDir tmp;
  const fs::path dir = tmp.path() / "bad";
  fs::create_directories(dir);
  std::ofstream(dir / "empty.exe");
  fs::copy_file("/bin/true", dir / "elf.exe");
  // Headers cut inside the section table.
  {
    std::ifstream in(*fx / "plain.exe", std::ios::binary);
    std::vector<char> bytes(0x190);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::ofstream(dir / "cut.exe", std::ios::binary).write(bytes.data(), in.gcount());
  }
  fs::copy_file(*fx / "plain.exe", dir / "whole.exe");
  // Starts like a program, but e_lfanew points past the end of the file.
  {
    std::ifstream in(*fx / "plain.exe", std::ios::binary);
    std::vector<char> bytes(0x200);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes[0x3C] = bytes[0x3D] = bytes[0x3E] = static_cast<char>(0xFF);
    bytes[0x3F] = 0x7F;
    std::ofstream(dir / "lfanew.exe", std::ios::binary).write(bytes.data(), in.gcount());
  }
  REQUIRE(run("mkfifo " + q(dir / "pipe.exe")).exit_code == 0);
  const auto doc = pe(q(dir) + " --no-system-roots");
  const auto files = files_of(doc);
  REQUIRE(files.size() == 5);  // every regular file still gets its hashes
  const auto error_for = [&](const std::string& name) -> Json {
    for (const auto& e : doc.at("errors"))
      if (e.at("artifact").at("path").get<std::string>().ends_with(name)) return e;
    return Json();
  };
  CHECK(files[3].at("data").at("FileType") == "MZ file, not a readable PE");  // lfanew.exe
  REQUIRE_FALSE(error_for("lfanew.exe").is_null());
  CHECK(error_for("lfanew.exe").at("artifact").at("offset") == 0x3C);  // the e_lfanew field
  CHECK(error_for("lfanew.exe").at("message").get<std::string>().find("0x7fffffff") !=
        std::string::npos);
  CHECK(error_for("lfanew.exe").at("code") == "truncated");
  REQUIRE_FALSE(error_for("pipe.exe").is_null());  // skipped, and said so
  CHECK(error_for("pipe.exe").at("message").get<std::string>().find("not a regular file") !=
        std::string::npos);
  for (const auto& f : files)
    CHECK_FALSE(f.at("data").at("Hashes").at("SHA256").get<std::string>().empty());
  bool cut_reported = false;
  for (const auto& e : doc.at("errors"))
    if (e.at("artifact").at("path").get<std::string>().find("cut.exe") != std::string::npos) {
      cut_reported = true;
      CHECK(e.at("artifact").contains("offset"));
    }
  CHECK(cut_reported);
  CHECK(files[1].at("data").at("FileType") == "not a PE file");  // elf.exe
  // An empty folder, and a target that names nothing in a folder, say so.
  fs::create_directories(tmp.path() / "empty");
  const auto empty = pe(q(tmp.path() / "empty"), 3);
  REQUIRE(empty.at("errors").size() == 1);
  CHECK(empty.at("errors")[0].at("code") == "missing");
  const auto nothing = pe(q(dir) + " --target nothing.exe --no-system-roots", 3);
  REQUIRE(nothing.at("errors").size() == 1);
  CHECK(nothing.at("errors")[0].at("artifact").at("path") == "nothing.exe");
}

TEST_CASE("pe: Debian's Microsoft-signed shim verifies, trust needs a root", "[pe][cli][shim]") {
  const auto shim = sqltriage::test::shim_or_skip();
  if (!shim) return;
  const auto files = files_of(pe(q(*shim) + " --no-system-roots"));
  REQUIRE(files.size() == 1);
  const auto& d = files[0].at("data");
  CHECK(d.at("FileType").get<std::string>().find("EFI_APPLICATION") != std::string::npos);
  CHECK(d.at("Authenticode").at("Verified") == true);
  CHECK(d.at("Authenticode").at("Trusted") == false);
  CHECK(d.at("Hashes").at("SHA256") == first_word("sha256sum " + q(*shim)));
}
