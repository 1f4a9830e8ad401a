// `sqltriage webshell`: find the web roots of each evidence argument, walk them, scan their
// script files with the YARA rules on a pool of threads, run the heuristics, emit findings in
// path order.
#include "sqltriage/webshell_scan.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "artifacts/ntfs/volume.hpp"
#include "core/ascii.hpp"
#include "pipeline/mft/locate.hpp"
#include "pipeline/mft/owner_names.hpp"
#include "pipeline/open_inputs.hpp"
#include "pipeline/ordered_work.hpp"
#include "pipeline/webshell/file_finding.hpp"
#include "pipeline/webshell/walk.hpp"
#include "sqltriage/checks.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/mft.hpp"
#include "sqltriage/ntfs_security.hpp"
#include "sqltriage/web_roots.hpp"

namespace sqltriage {

namespace {

using nlohmann::ordered_json;
using pipeline::emit_counted;
using pipeline::webshell::Candidate;
using pipeline::webshell::RootFiles;
using pipeline::webshell::RootView;

/// libyara scans one rule set from at most 32 threads at once.
constexpr unsigned kMaxYaraThreads = 32;

/// What an image's files need for their MFT facts.
struct ImageContext {
  std::shared_ptr<ntfs::Volume> volume;
  std::unique_ptr<mft::EntrySource> entries;
  std::unique_ptr<mft::PathResolver> paths;
  std::unique_ptr<ntfs::SecurityDescriptorStream> sds;
  pipeline::webshell::VolumeContext walk;
};

class WebshellScan {
 public:
  WebshellScan(const WebshellScanOptions& options, std::shared_ptr<const yara::RuleSet> rules,
               FindingSink& sink)
      : opt_(options), rules_(std::move(rules)), sink_(sink) {
    unsigned n = opt_.threads ? opt_.threads : std::max(1u, std::thread::hardware_concurrency());
    threads_ = std::min(n, kMaxYaraThreads);
    checks_.since = opt_.since;
    checks_.until = opt_.until;
    walk_.all_files = opt_.all_files;
    limits_.max_size = opt_.max_size;
    limits_.timeout_s = opt_.timeout_s;
  }

  ScanOutcome run(const std::string& command) {
    auto run = pipeline::start_run(command, opt_.inputs, opt_.evidence);
    sink_.begin(run.header);
    for (const auto& e : run.early) emit_counted(sink_, outcome_, e);
    for (const auto& ev : run.evidence) scan_evidence(*ev);
    outcome_.nothing_readable = run.evidence.empty() || roots_walked_ == 0;
    pipeline::finish_run(run, sink_, outcome_);
    return outcome_;
  }

 private:
  /// Emits an error once per evidence argument: the web-root search and the account names
  /// (which read IIS's configuration for app-pool identities) may meet the same damage.
  void error(const ErrorEntry& e) {
    if (!reported_.insert(e.artifact.path + '\n' + e.code + '\n' + e.message).second) return;
    emit_counted(sink_, outcome_, e);
  }

  void scan_evidence(const Evidence& ev) {
    walked_.clear();  // roots nest within one evidence argument, not across them
    reported_.clear();
    const auto kind = ev.kind();
    if (!opt_.webroots.empty() && !ev.has_windows_layout())
      error(make_error(ev.path().string(), "missing",
                       "--webroot applies to evidence roots and disk images; this " + kind +
                           " is scanned as a web root itself"));
    if (kind == "file") {
      const std::string path = ev.path().string();
      std::error_code ec;
      if (!std::filesystem::is_regular_file(ev.path(), ec)) {
        error(make_error(path, "open_failed",
                         "not a regular file (FIFO, socket or device): not read"));
        return;
      }
      Candidate c;
      c.display_path = path;
      c.relative_path = ev.path().filename().string();
      c.host_path = ev.path();
      c.kind = pipeline::webshell::file_kind(c.relative_path);
      c.size = std::filesystem::file_size(ev.path(), ec);
      auto walk = [&](const pipeline::webshell::FolderSink& sink) {
        RootFiles files;
        files.root_display = path;  // the file is its own root
        files.seen = files.to_scan = 1;
        files.bytes = c.size;
        std::vector<Candidate> one;
        one.push_back(std::move(c));
        sink(std::move(one));
        return files;
      };
      scan_root(webroots::WebRoot{path, "given", "", "", "argument"}, walk, nullptr);
      return;
    }
    if (kind == "folder") {
      webroots::WebRoot root{ev.path().string(), "given", "", "", "argument"};
      scan_root(
          root,
          [&](const pipeline::webshell::FolderSink& sink) {
            return pipeline::webshell::walk_host(ev.path(), ev.path().string(), walk_, sink);
          },
          nullptr);
      return;
    }
    std::vector<ErrorEntry> errors;
    auto roots = webroots::find_web_roots(ev, errors);
    for (const auto& w : opt_.webroots) {
      webroots::WebRoot r;
      r.path = webroots::normalize_windows_path(w);
      r.server = "given";
      r.source = "--webroot";
      roots.push_back(std::move(r));
    }
    for (const auto& e : errors) error(e);
    std::unique_ptr<ImageContext> image;
    if (kind == "image") image = open_image(ev);
    if (roots.empty())
      error(make_error(ev.path().string(), "missing",
                       "no web root found: no IIS, Apache, nginx or Tomcat configuration named "
                       "one, and C:\\inetpub\\wwwroot is not a folder of this evidence (or could "
                       "not be read: see the errors above; symbolic links are not followed); "
                       "name one with --webroot"));
    for (const auto& root : roots) {
      if (!on_evidence_drive(root.path)) {
        error(make_error(root.path, "missing",
                         "web root (" + root.source + ") is not on this evidence's drive C:"));
        continue;
      }
      if (image) {
        // A first pass counts the owners, so every file is judged against the root's usual one.
        const auto counted = pipeline::webshell::walk_volume(image->walk, root.path, walk_, {});
        if (!counted) {
          error(make_error(root.path, "missing", not_found(root, false)));
          continue;
        }
        if (!counted->readable) {  // the root's folder cannot be looked up: not walked
          for (const auto& e : counted->errors) error(e);
          continue;
        }
        scan_root(
            root,
            [&](const pipeline::webshell::FolderSink& sink) {
              return pipeline::webshell::walk_volume(image->walk, root.path, walk_, sink)
                  .value_or(RootFiles{});
            },
            &image->walk, counted->owners, image->walk.entry.accounts);
      } else {
        auto folder = host_folder(ev, root.path);
        std::error_code ec;
        if (!folder || !std::filesystem::is_directory(folder->host_path, ec)) {
          error(make_error(root.path, "missing", not_found(root, folder.has_value())));
          continue;
        }
        scan_root(
            root,
            [&](const pipeline::webshell::FolderSink& sink) {
              return pipeline::webshell::walk_host(folder->host_path, folder->display_path, walk_,
                                                   sink);
            },
            nullptr);
      }
    }
  }

  /// The host folder of a web root of a directory evidence; the drive root ("C:\\") is the
  /// folder holding the evidence's Windows folder.
  static std::optional<ArtifactFile> host_folder(const Evidence& ev, const std::string& path) {
    if (path.size() <= 3 && path.size() >= 2 && path[1] == ':') {
      auto windows = ev.resolve("C:\\Windows");
      if (!windows) return std::nullopt;
      return ArtifactFile{"C:\\", windows->host_path.parent_path(), {}};
    }
    return ev.resolve(path);
  }

  static std::string not_found(const webroots::WebRoot& root, bool exists) {
    std::string why = "web root (" + root.source + ") ";
    if (exists) return why + "is not a folder";
    why += "not found in the evidence";
    if (root.path.find('%') != std::string::npos)
      why += " (it holds a %VARIABLE% this tool does not know)";
    return why + "; symbolic links are not followed";
  }

  static bool on_evidence_drive(const std::string& path) {
    return path.size() >= 2 && path[1] == ':' && (path[0] == 'C' || path[0] == 'c');
  }

  std::unique_ptr<ImageContext> open_image(const Evidence& ev) {
    std::vector<ErrorEntry> errors;
    auto volumes = pipeline::mft_scan::locate_volumes(ev, false, errors);
    for (const auto& e : errors)
      if (e.code != "missing") error(e);
    for (auto& v : volumes) {
      if (!v.volume) continue;
      auto ctx = std::make_unique<ImageContext>();
      ctx->volume = v.volume;
      try {
        ctx->entries = mft::EntrySource::from_volume(v.volume);
      } catch (const ArtifactError& e) {
        error(make_error(e, "open_failed"));
        return nullptr;
      }
      ctx->paths = std::make_unique<mft::PathResolver>(*ctx->entries);
      if (v.sds)
        ctx->sds = std::make_unique<ntfs::SecurityDescriptorStream>(v.sds.bytes, v.sds.display);
      std::vector<ErrorEntry> account_errors;
      auto& entry = ctx->walk.entry;
      entry.accounts = pipeline::mft_scan::account_lookup(ev, account_errors);
      for (const auto& e : account_errors) error(e);
      entry.source = ctx->entries.get();
      entry.paths = ctx->paths.get();
      entry.sds = ctx->sds.get();
      entry.artifact_path = v.entries_display;
      ctx->walk.volume = v.volume;
      return ctx;
    }
    return nullptr;
  }

  ordered_json root_json(const webroots::WebRoot& root,
                         const std::map<std::string, std::uint64_t>& owners,
                         const pipeline::mft_scan::AccountLookup& accounts) const {
    ordered_json j = {
        {"Path", root.path},
        {"Server", root.server},
        {"Site", root.site.empty() ? ordered_json() : ordered_json(root.site)},
        {"UrlPath", root.url_path.empty() ? ordered_json() : ordered_json(root.url_path)},
        {"Source", root.source},
        {"MajorityOwner", nullptr}};
    std::uint64_t owned = 0;
    for (const auto& [sid, n] : owners) owned += n;
    const auto top =
        std::max_element(owners.begin(), owners.end(),
                         [](const auto& a, const auto& b) { return a.second < b.second; });
    if (top != owners.end()) {
      j["MajorityOwner"] = {
          {"Sid", top->first},
          {"Name", nullptr},
          {"Files", owned},
          {"Share", static_cast<double>(top->second) / static_cast<double>(owned)}};
      if (accounts)
        if (auto name = accounts(top->first)) j["MajorityOwner"]["Name"] = name->name;
    }
    return j;
  }

  /// Walks one web root and scans its files as the walk hands them over, folder by folder,
  /// so memory holds a folder and the work window, not the tree. `walk` runs the walk with the
  /// sink it is given; `owners` are the root's file owners, counted beforehand (images), for
  /// MajorityOwner. The root's finding follows its files, with the counts of the walk.
  void scan_root(const webroots::WebRoot& root,
                 const std::function<RootFiles(const pipeline::webshell::FolderSink&)>& walk,
                 const pipeline::webshell::VolumeContext* image,
                 const std::map<std::string, std::uint64_t>& owners = {},
                 const pipeline::mft_scan::AccountLookup& accounts = {}) {
    const RootView view{root_json(root, owners, accounts), root.url_path};
    using Result = pipeline::webshell::FileResult;
    pipeline::OrderedWork<Candidate, Result> work(
        threads_, 4 * threads_ + 4,
        [&](const Candidate& c) {
          return pipeline::webshell::scan_file(
              c, view, *rules_, limits_, image,
              [this](Finding& f) {
                checks::apply_webshell_checks(f, checks_);
                add_timestomping(f);
              },
              opt_.every_file);
        },
        [&](Result&& r) { consume(std::move(r)); });
    std::uint64_t nested = 0, nested_bytes = 0;
    const RootFiles files = walk([&](std::vector<Candidate>&& folder) {
      for (auto& c : folder) {
        if (scanned_under_earlier_root(c.display_path)) {
          ++nested;
          nested_bytes += c.size;
          continue;
        }
        work.submit(std::move(c));
      }
    });
    work.finish();
    if (!files.readable) {  // the root's folder could not be listed: not walked
      for (const auto& e : files.errors) error(e);
      return;
    }
    ++roots_walked_;
    walked_.push_back(ascii_lower(files.root_display));

    Finding rf;
    rf.type = "webshell.web_root";
    rf.artifact.path = root.path;
    rf.data = view.json;
    rf.data["FilesSeen"] = files.seen;
    rf.data["FilesToScan"] = files.to_scan - nested;
    rf.data["SkippedByExtension"] = files.skipped_by_extension;
    rf.data["BytesToScan"] = files.bytes - nested_bytes;
    rf.summary = root.server + " web root " + root.path +
                 (root.site.empty() ? "" : " (" + root.site + ")") + ": " +
                 std::to_string(files.to_scan - nested) + " of " + std::to_string(files.seen) +
                 " files scanned";
    emit_counted(sink_, outcome_, rf);
    for (const auto& e : files.errors) error(e);
    outcome_.stats.records += files.seen;
  }

  /// A nested root (a virtual directory inside a site's folder): each file is scanned once,
  /// under the first root walked that holds it.
  bool scanned_under_earlier_root(const std::string& display_path) const {
    const std::string path = ascii_lower(display_path);
    for (const auto& walked : walked_)
      if (path == walked ||
          (path.size() > walked.size() && path.compare(0, walked.size(), walked) == 0 &&
           (path[walked.size()] == '\\' || path[walked.size()] == '/' || walked.back() == '\\' ||
            walked.back() == '/')))
        return true;
    return false;
  }

  /// The mft check `timestomping` on the file's MFT facts, inside an image.
  static void add_timestomping(Finding& f) {
    const auto it = f.data.find("MFT");
    if (it == f.data.end()) return;
    Finding entry;
    entry.data = *it;
    checks::check_timestomping(entry);
    for (auto& hit : entry.checks) f.add_check(std::move(hit));
  }

  void consume(pipeline::webshell::FileResult&& r) {
    for (const auto& e : r.errors) error(e);
    if (!r.read) return;
    ++outcome_.stats.files;
    if (!r.keep) return;
    Finding& f = r.finding;
    f.summary = f.artifact.path + ": ";
    if (f.checks.empty()) f.summary += "no rule or heuristic fired";
    for (std::size_t i = 0; i < f.checks.size(); ++i) {
      if (i) f.summary += ", ";
      const auto& hit = f.checks[i];
      f.summary += hit.id == "yara_match" ? hit.reason.substr(0, hit.reason.find(':')) : hit.id;
    }
    emit_counted(sink_, outcome_, f);
  }

  const WebshellScanOptions& opt_;
  std::shared_ptr<const yara::RuleSet> rules_;
  FindingSink& sink_;
  unsigned threads_ = 1;
  checks::WebshellCheckOptions checks_;
  pipeline::webshell::WalkOptions walk_;
  pipeline::webshell::FileScanLimits limits_;
  /// The web roots of this evidence argument walked so far (lower case, as files' display
  /// paths start).
  std::vector<std::string> walked_;
  /// The errors of this evidence argument emitted so far (path, code, message).
  std::set<std::string> reported_;
  std::size_t roots_walked_ = 0;
  ScanOutcome outcome_;
};

}  // namespace

ScanOutcome scan_webshells(const WebshellScanOptions& options,
                           std::shared_ptr<const yara::RuleSet> rules, const std::string& command,
                           FindingSink& sink) {
  if (options.max_size == 0) throw std::invalid_argument("--max-size must be at least 1 byte");
  if (options.timeout_s < 0) throw std::invalid_argument("--timeout must not be negative");
  WebshellScan scan(options, std::move(rules), sink);
  return scan.run(command);
}

ScanOutcome scan_webshells(const WebshellScanOptions& options, const std::string& command,
                           FindingSink& sink) {
  return scan_webshells(options, yara::RuleSet::load(options.rules), command, sink);
}

}  // namespace sqltriage
