#include "cli/common.hpp"

#include <sys/stat.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "sqltriage/weblog_analysis.hpp"

namespace sqltriage::cli {

void add_common_options(CLI::App& cmd, CommonOptions& o, bool with_time, bool with_target) {
  cmd.add_option("-o,--output", o.output, "Write the findings document to FILE instead of stdout")
      ->type_name("FILE");
  cmd.add_flag("--jsonl", o.jsonl, "JSON Lines: one object per line, streamed");
  cmd.add_option("--fail-on", o.fail_on,
                 "Exit 1 when a finding is at least this severe (info|low|medium|high|critical)")
      ->type_name("SEVERITY");
  if (with_time) {
    cmd.add_option("--since", o.since,
                   "Only events at or after TIME (ISO-8601, UTC unless an offset is given)")
        ->type_name("TIME");
    cmd.add_option("--until", o.until, "Only events at or before TIME")->type_name("TIME");
    cmd.add_option("--pivot", o.pivot, "Centre of a time window (ISO-8601)")->type_name("TIME");
    cmd.add_option("--window", o.window,
                   "Half-width of the --pivot window, e.g. 30m, 2h, 1d (default 2h)")
        ->type_name("DURATION");
  }
  if (with_target) {
    cmd.add_option("--target", o.target,
                   "Only records naming this file: a basename (sqlserver.exe) or a full path")
        ->type_name("NAME|PATH");
  }
  cmd.add_option("--partition", o.partition,
                 "Disk image: read the N-th partition (1-based, partition-table order) instead of "
                 "the NTFS partition found automatically")
      ->type_name("N");
  cmd.add_option("--offset", o.offset, "Disk image: the NTFS volume starts at this byte offset")
      ->type_name("BYTES")
      ->check([](const std::string& v) -> std::string {
        if (!v.empty() && v.find_first_not_of("0123456789") == std::string::npos) return {};
        return "--offset needs a byte count (decimal digits), got '" + v + "'";
      });
  cmd.add_option("--threads", o.threads, "Worker threads (default and 0: the number of cores)")
      ->type_name("N");
}

void add_time_options(CLI::App& cmd, CommonOptions& o, const std::string& inside) {
  cmd.add_option(
         "--pivot", o.pivot,
         "Centre of the investigation window (ISO-8601, UTC unless an offset is given): " + inside)
      ->type_name("TIME");
  cmd.add_option("--window", o.window,
                 "Half-width of the --pivot window, e.g. 30m, 2h, 1d (default 2h)")
      ->type_name("DURATION");
  cmd.add_option("--since", o.since, "Start of the investigation window instead")
      ->type_name("TIME");
  cmd.add_option("--until", o.until, "End of the investigation window")->type_name("TIME");
}

EvidenceOptions evidence_options(const CommonOptions& o) {
  if (o.partition && o.offset) throw UsageError("--partition and --offset exclude each other");
  if (o.partition && *o.partition == 0) throw UsageError("--partition counts from 1");
  return EvidenceOptions{o.partition, o.offset};
}

TimeRange time_range(const CommonOptions& o) {
  TimeRange r;
  auto parse_time = [](const std::string& text, const char* option) {
    auto t = parse_iso8601(text);
    if (!t) throw UsageError(std::string(option) + ": not an ISO-8601 time: " + text);
    return *t;
  };
  if (!o.since.empty()) r.since = parse_time(o.since, "--since");
  if (!o.until.empty()) r.until = parse_time(o.until, "--until");
  if (!o.window.empty() && o.pivot.empty()) throw UsageError("--window needs --pivot");
  if (!o.pivot.empty()) {
    if (r.since || r.until) throw UsageError("--pivot cannot be combined with --since/--until");
    Filetime pivot = parse_time(o.pivot, "--pivot");
    r.pivot = pivot;
    std::uint64_t half = 2 * 3600 * kTicksPerSecond;
    if (!o.window.empty()) {
      auto d = parse_duration(o.window);
      if (!d) throw UsageError("--window: not a duration (use e.g. 30m, 2h, 1d): " + o.window);
      half = *d;
    }
    r.since = pivot > half ? pivot - half : 0;
    r.until = pivot + half < pivot ? UINT64_MAX : pivot + half;
  }
  if (r.since && r.until && *r.since > *r.until) throw UsageError("--since is after --until");
  return r;
}

std::shared_ptr<const weblog::NoiseFilter> read_noise(const std::string& path) {
  constexpr std::uintmax_t kMaxNoiseBytes = 256ull << 20;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw UsageError("--noise: '" + path + "' is not a readable file");
  if (std::filesystem::file_size(path, ec) > kMaxNoiseBytes)
    throw UsageError("--noise: '" + path + "' is larger than 256 MiB");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) throw UsageError("--noise: '" + path + "' cannot be read");
  try {
    return std::make_shared<const weblog::NoiseFilter>(
        weblog::NoiseFilter::parse(text.str(), path));
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--noise: ") + e.what());
  }
}

std::string hash_set_file(const std::string& spec) {
  if (spec.rfind("good:", 0) == 0) return spec.substr(5);
  if (spec.rfind("bad:", 0) == 0) return spec.substr(4);
  return spec;
}

void check_targets(const std::vector<std::string>& targets) {
  for (const auto& t : targets)
    if (t.find_first_not_of("\\/: ") == std::string::npos)
      throw UsageError("--target needs a file name or path, got '" + t + "'");
}

std::uint64_t parse_bytes(const std::string& text, const std::string& option, bool allow_zero) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, value);
  unsigned shift = 0;
  if (ec == std::errc() && p + 1 == end) {
    switch (*p) {
      case 'k':
      case 'K':
        shift = 10;
        break;
      case 'm':
      case 'M':
        shift = 20;
        break;
      case 'g':
      case 'G':
        shift = 30;
        break;
      default:
        ec = std::errc::invalid_argument;
    }
    ++p;
  }
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && (value >> (63 - shift)) != 0))
    throw UsageError(option + ": '" + text + "' is too large");
  if (ec != std::errc() || p != end || text.empty() || (value == 0 && !allow_zero))
    throw UsageError(option + ": '" + text + "' is not a size such as 4096, 512K, 32M or 2G" +
                     (allow_zero ? "" : " (more than 0)"));
  return value << shift;
}

std::optional<Severity> fail_on(const CommonOptions& o) {
  if (o.fail_on.empty()) return std::nullopt;
  auto s = parse_severity(o.fail_on);
  if (!s)
    throw UsageError("--fail-on: unknown severity '" + o.fail_on +
                     "' (use info, low, medium, high or critical)");
  return s;
}

std::string inside_evidence(const std::string& path, const std::vector<std::string>& inputs) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // A symbolic link is written through, even when what it names does not exist yet (which
  // weakly_canonical leaves unresolved): follow the chain first.
  fs::path followed = fs::absolute(path, ec);
  for (int hops = 0; hops < 40 && !ec && fs::is_symlink(fs::symlink_status(followed, ec)); ++hops) {
    const fs::path to = fs::read_symlink(followed, ec);
    followed = to.is_absolute() ? to : followed.parent_path() / to;
  }
  const fs::path target = fs::weakly_canonical(followed, ec);
  if (ec) return {};
  // A file with other names may be evidence under one of them (a hard link into an evidence
  // folder cannot be told from the folder's side without walking it): never truncate one.
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink > 1)
    return "a file with " + std::to_string(st.st_nlink - 1) +
           " other hard link(s), which may be evidence under another name";
  for (const auto& input : inputs) {
    const fs::path in = fs::weakly_canonical(input, ec);
    if (ec) continue;
    // The same file by another name: a hard link compares equal only by device and inode.
    std::error_code eq;
    if (target == in || fs::equivalent(target, in, eq))
      return "an evidence or input file (" + input + ")";
    const auto rel = target.lexically_relative(in);
    if (!rel.empty() && *rel.begin() != ".." && fs::is_directory(in, ec))
      return "inside the evidence " + input;
  }
  return {};
}

Output::Output(const CommonOptions& o, const std::vector<std::string>& evidence) {
  std::ostream* out = &std::cout;
  if (!o.output.empty() && o.output != "-") {
    // Opening it would destroy or change evidence (or an input such as a rule file).
    if (const auto where = inside_evidence(o.output, evidence); !where.empty())
      throw UsageError("--output: " + o.output + " is " + where +
                       "; evidence and inputs are never written");
    file_.open(o.output, std::ios::binary | std::ios::trunc);
    if (!file_) throw UsageError("--output: cannot create " + o.output);
    out = &file_;
  }
  sink_ = o.jsonl ? make_jsonl_writer(*out) : make_json_writer(*out);
  out_ = out;
  name_ = o.output.empty() || o.output == "-" ? "standard output" : o.output;
}

void Output::finish() {
  out_->flush();
  if (out_->fail()) throw UsageError("cannot write the findings document to " + name_);
}

int exit_code(bool nothing_readable, Severity max_severity, std::optional<Severity> threshold) {
  if (nothing_readable) return kExitEvidence;
  if (threshold && max_severity >= *threshold) return kExitFailOn;
  return kExitOk;
}

}  // namespace sqltriage::cli
