// Which AWS export a file is, from its first bytes, and the export files under the inputs.
#include <algorithm>
#include <array>
#include <string_view>
#include <system_error>

#include "core/byte_stream.hpp"
#include "sqltriage/aws_exports.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::aws {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kSniffBytes = 64 * 1024;
constexpr int kMaxDepth = 32;

/// Up to kSniffBytes of the file's (inflated) text.
std::string head_text(const std::shared_ptr<const ByteSource>& source, const std::string& display) {
  std::unique_ptr<stream::ByteStream> in;
  if (stream::is_gzip(*source)) {
    try {
      in = stream::gzip_stream(source, display);
    } catch (const ArtifactError&) {
      return {};  // gzip magic but no deflate member: not an export
    }
  } else {
    in = stream::plain_stream(source);
  }
  std::string text(kSniffBytes, '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const std::size_t n = in->read(text.data() + got, text.size() - got);
    if (n == 0) break;
    got += n;
  }
  text.resize(got);
  return text;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/// The first key of the object starting at text[pos] ('{'), or "" when there is none.
std::string first_key(std::string_view text, std::size_t pos) {
  ++pos;
  while (pos < text.size() && is_space(text[pos])) ++pos;
  if (pos >= text.size() || text[pos] != '"') return {};
  std::string key;
  for (++pos; pos < text.size() && text[pos] != '"'; ++pos) {
    if (text[pos] == '\\') return key;  // no export key needs escapes
    key += text[pos];
    if (key.size() > 64) return {};
  }
  return key;
}

ExportKind classify_json_object(std::string_view text, std::size_t pos) {
  const std::string key = first_key(text, pos);
  static constexpr std::array<std::string_view, 4> kCloudTrail = {"Records", "Events",
                                                                  "eventVersion", "eventTime"};
  static constexpr std::array<std::string_view, 19> kIam = {"Reservations",
                                                            "InstanceProfile",
                                                            "PolicyNames",
                                                            "AttachedPolicies",
                                                            "RoleName",
                                                            "PolicyVersion",
                                                            "Policy",
                                                            "Role",
                                                            "UserDetailList",
                                                            "RoleDetailList",
                                                            "GroupDetailList",
                                                            "Policies",
                                                            "Version",
                                                            "Statement",
                                                            "Id",
                                                            "PolicyDocument",
                                                            "InstanceProfiles",
                                                            "IamInstanceProfileAssociations",
                                                            "Roles"};
  if (std::find(kCloudTrail.begin(), kCloudTrail.end(), key) != kCloudTrail.end())
    return ExportKind::cloudtrail;
  if (key == "awsAccountId" && text.find("\"digestStartTime\"") != std::string_view::npos)
    return ExportKind::cloudtrail_digest;
  if (std::find(kIam.begin(), kIam.end(), key) != kIam.end()) return ExportKind::iam;
  return ExportKind::unknown;
}

/// Whether `token` looks like an IPv4 or IPv6 literal, or '-'.
bool address_like(std::string_view token) {
  if (token == "-") return true;
  if (token.empty() || token.size() > 45) return false;
  return std::all_of(token.begin(), token.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' ||
           c == ':';
  });
}

ExportKind classify_text(std::string_view text) {
  std::size_t start = 0;
  while (start < text.size()) {  // the first non-empty line
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
      start = end + 1;
      continue;
    }
    std::vector<std::string_view> tokens;
    for (std::size_t p = 0; p < line.size();) {
      while (p < line.size() && (line[p] == ' ' || line[p] == '\t')) ++p;
      std::size_t q = p;
      while (q < line.size() && line[q] != ' ' && line[q] != '\t') ++q;
      if (q > p) tokens.push_back(line.substr(p, q - p));
      p = q;
    }
    const auto has = [&](std::string_view name) {
      return std::find(tokens.begin(), tokens.end(), name) != tokens.end();
    };
    // A header: field names only ("version", "pkt-srcaddr", "flow-direction"), naming an address.
    const bool names_only = std::all_of(tokens.begin(), tokens.end(), [](std::string_view t) {
      return t[0] >= 'a' && t[0] <= 'z' && std::all_of(t.begin(), t.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
             });
    });
    if (names_only && (has("srcaddr") || has("dstaddr"))) return ExportKind::flowlogs;
    if (tokens.size() == 14 && tokens[0] == "2" && address_like(tokens[3]) &&
        address_like(tokens[4]) &&
        (tokens[12] == "ACCEPT" || tokens[12] == "REJECT" || tokens[12] == "-"))
      return ExportKind::flowlogs;
    return ExportKind::unknown;
  }
  return ExportKind::unknown;
}

bool is_symlink_or_special(const fs::file_status& st) {
  return fs::is_symlink(st) || fs::is_fifo(st) || fs::is_socket(st) || fs::is_block_file(st) ||
         fs::is_character_file(st);
}

std::string special_kind(const fs::file_status& st) {
  if (fs::is_symlink(st)) return "a symbolic link (not followed)";
  if (fs::is_fifo(st)) return "a FIFO";
  if (fs::is_socket(st)) return "a socket";
  return "a device";
}

void classify_into(const fs::path& path, bool given, std::vector<ExportFile>& out,
                   std::vector<ErrorEntry>& errors) {
  try {
    auto source = open_host_file(path);
    out.push_back({path, classify_export(source, path.string()), given});
  } catch (const ArtifactError& e) {
    errors.push_back(make_error(e, "open_failed"));
  } catch (const std::exception& e) {
    errors.push_back(make_error(path.string(), "open_failed", e.what()));
  }
}

void walk(const fs::path& dir, int depth, std::vector<ExportFile>& out,
          std::vector<ErrorEntry>& errors) {
  if (depth > kMaxDepth) {
    errors.push_back(make_error(dir.string(), "open_failed",
                                "more than " + std::to_string(kMaxDepth) +
                                    " folder levels below the input: not walked further"));
    return;
  }
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    errors.push_back(make_error(dir.string(), "open_failed", "cannot list: " + ec.message()));
    return;
  }
  std::vector<fs::path> entries;
  for (const auto end = fs::directory_iterator(); it != end; it.increment(ec)) {
    if (ec) {
      errors.push_back(make_error(dir.string(), "open_failed", "cannot list: " + ec.message()));
      break;
    }
    entries.push_back(it->path());
  }
  std::sort(entries.begin(), entries.end());
  for (const auto& p : entries) {
    const auto st = fs::symlink_status(p, ec);
    if (ec) {
      errors.push_back(make_error(p.string(), "open_failed", ec.message()));
    } else if (is_symlink_or_special(st)) {
      errors.push_back(
          make_error(p.string(), "open_failed", special_kind(st) + ": not read as an export"));
    } else if (fs::is_directory(st)) {
      walk(p, depth + 1, out, errors);
    } else if (fs::is_regular_file(st)) {
      classify_into(p, false, out, errors);
    }
  }
}

}  // namespace

bool is_instance_id(std::string_view text) {
  if ((text.size() != 10 && text.size() != 19) || text.substr(0, 2) != "i-") return false;
  return std::all_of(text.begin() + 2, text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

const char* to_string(ExportKind kind) {
  switch (kind) {
    case ExportKind::iam:
      return "iam";
    case ExportKind::cloudtrail:
      return "cloudtrail";
    case ExportKind::cloudtrail_digest:
      return "cloudtrail_digest";
    case ExportKind::flowlogs:
      return "flowlogs";
    case ExportKind::unknown:
      break;
  }
  return "unknown";
}

ExportKind classify_export(const std::shared_ptr<const ByteSource>& source,
                           const std::string& display) {
  std::string text;
  try {
    text = head_text(source, display);
  } catch (const std::system_error& e) {
    throw ArtifactError(display, std::string("cannot read: ") + e.what());
  }
  std::size_t pos = 0;
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) pos = 3;
  while (pos < text.size() && is_space(text[pos])) ++pos;
  if (pos >= text.size()) return ExportKind::unknown;
  if (text[pos] == '{') return classify_json_object(text, pos);
  if (text[pos] == '[') {
    // `describe-instances --query 'Reservations[*].Instances[*].IamInstanceProfile'`
    return text.find(":instance-profile/") != std::string::npos ? ExportKind::iam
                                                                : ExportKind::unknown;
  }
  return classify_text(std::string_view(text).substr(pos));
}

std::vector<ExportFile> find_exports(const std::vector<fs::path>& inputs,
                                     std::vector<ErrorEntry>& errors) {
  std::vector<ExportFile> out;
  for (const auto& input : inputs) {
    std::error_code ec;
    const auto st = fs::symlink_status(input, ec);
    if (ec || !fs::exists(st)) {
      errors.push_back(make_error(input.string(), "open_failed",
                                  ec ? ec.message() : std::string("no such file or folder")));
    } else if (fs::is_directory(st)) {
      walk(input, 0, out, errors);
    } else if (fs::is_symlink(st)) {
      // A link named on the command line is the analyst's choice: follow it once.
      const auto target = fs::status(input, ec);
      if (fs::is_directory(target))
        walk(input, 0, out, errors);
      else if (fs::is_regular_file(target))
        classify_into(input, true, out, errors);
      else
        errors.push_back(make_error(input.string(), "open_failed",
                                    "a link to something that is not a file or folder"));
    } else if (fs::is_regular_file(st)) {
      classify_into(input, true, out, errors);
    } else {
      errors.push_back(
          make_error(input.string(), "open_failed", special_kind(st) + ": not read as an export"));
    }
  }
  return out;
}

}  // namespace sqltriage::aws
