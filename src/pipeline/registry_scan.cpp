// `sqltriage registry`: opens each hive of the evidence (replaying dirty ones), hands it to
// the readers of its kind, runs the registry checks on what they find and streams it out.
#include "sqltriage/registry_scan.hpp"

#include <cstdio>
#include <set>
#include <stdexcept>

#include "artifacts/registry/extract.hpp"
#include "artifacts/registry/open_hive.hpp"
#include "pipeline/open_inputs.hpp"
#include "pipeline/registry/locate_hives.hpp"
#include "sqltriage/accounts.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/checks.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage {
namespace {

using pipeline::registry_scan::LocatedHive;
using registry::HiveKind;

/// Which readers a hive kind goes to.
void read_hive(const registry::HiveContext& ctx, registry::Sink& sink) {
  switch (ctx.kind) {
    case HiveKind::system:
      registry::read_services(ctx, sink);
      registry::read_shimcache(ctx, sink);
      registry::read_bam(ctx, sink);
      break;
    case HiveKind::software:
      registry::read_autoruns(ctx, sink);
      registry::read_task_cache(ctx, sink);
      registry::read_profiles(ctx, sink);
      break;
    case HiveKind::sam:
      registry::read_sam_users(ctx, sink);
      break;
    case HiveKind::amcache:
      registry::read_amcache(ctx, sink);
      break;
    case HiveKind::ntuser:
      registry::read_autoruns(ctx, sink);
      break;
    case HiveKind::security:
    case HiveKind::usrclass:
    case HiveKind::other:
      break;  // opened for their dirty state; nothing read from them yet
  }
}

class RegistryScan {
 public:
  RegistryScan(const RegistryScanOptions& opt, FindingSink& sink) : opt_(opt), sink_(sink) {
    checks_.targets = opt.targets;
    checks_.since = opt.since;
    checks_.until = opt.until;
  }

  ScanOutcome run(const std::string& command) {
    const auto run = pipeline::start_run(command, opt_.inputs, opt_.evidence);
    sink_.begin(run.header);
    for (const auto& e : run.early) emit(e);
    for (const auto& ev : run.evidence) scan_evidence(*ev);
    outcome_.nothing_readable =
        run.evidence.empty() || (outcome_.stats.files == 0 && outcome_.stats.findings == 0);
    pipeline::finish_run(run, sink_, outcome_);
    return outcome_;
  }

 private:
  void emit(const ErrorEntry& e) { pipeline::emit_counted(sink_, outcome_, e); }
  void emit(Finding f) {
    checks::apply_registry_checks(f, checks_);
    ++outcome_.stats.records;
    pipeline::emit_counted(sink_, outcome_, f);
  }
  void flush(std::vector<ErrorEntry>& errors) {
    for (const auto& e : errors) emit(e);
    errors.clear();
  }

  void scan_evidence(const Evidence& ev) {
    std::vector<ErrorEntry> errors;
    registry::Sink sink{[this](Finding f) { emit(std::move(f)); }, errors};
    if (!ev.has_windows_layout()) {
      const AccountNames accounts;
      for (const auto& hive : pipeline::registry_scan::locate_loose_hives(ev, errors))
        scan_hive(hive, accounts, sink);
      flush(errors);
      registry::read_prefetch(ev, sink);
      flush(errors);
      return;
    }
    const auto machine = pipeline::registry_scan::locate_machine_hives(ev, errors);
    // Names for SIDs; errors about hives this scan opens itself are reported once, by it.
    std::vector<ErrorEntry> name_errors;
    const AccountNames accounts = AccountNames::from_evidence(ev, name_errors);
    std::set<std::string> ours;
    for (const auto& h : machine) ours.insert(h.file.file.display_path);
    for (auto& e : name_errors)
      if (!ours.count(e.artifact.path)) errors.push_back(std::move(e));
    flush(errors);

    // User hives are found through the ProfileList AccountNames already read.
    for (const auto& hive : machine) scan_hive(hive, accounts, sink);
    for (const auto& hive : pipeline::registry_scan::locate_user_hives(ev, accounts.profiles()))
      scan_hive(hive, accounts, sink);
    registry::read_task_files(ev, accounts, sink);
    flush(errors);
    registry::read_startup_folders(ev, accounts, sink);
    flush(errors);
    registry::read_prefetch(ev, sink);
    flush(errors);
  }

  /// Opens one hive, reports its dirty state, runs its readers.
  void scan_hive(const LocatedHive& located, const AccountNames& accounts, registry::Sink& sink) {
    const std::string& path = located.file.file.display_path;
    auto opened = registry::open_hive(located.file, opt_.replay, sink.errors);
    if (!opened) {
      flush(sink.errors);
      return;
    }
    ++outcome_.stats.files;
    if (opened->dirty || (opened->replay && opened->replay->replayed))
      emit(registry::dirty_hive_finding(path, *opened));
    HiveKind kind = located.kind;
    if (kind == HiveKind::other) kind = registry::kind_from_content(opened->hive);
    if (kind == HiveKind::other)
      sink.errors.push_back(make_error(path, "open_failed",
                                       "a registry hive of no kind this command reads (SYSTEM, "
                                       "SOFTWARE, SAM, SECURITY, NTUSER.DAT, UsrClass.dat, "
                                       "Amcache.hve): only its dirty state was checked"));
    const std::string user_name = located.user_name(accounts);
    const registry::HiveContext ctx{opened->hive, kind, located.user_sid, user_name, accounts};
    read_hive(ctx, sink);
    flush(sink.errors);
  }

  const RegistryScanOptions& opt_;
  FindingSink& sink_;
  checks::RegistryCheckOptions checks_;
  ScanOutcome outcome_;
};

}  // namespace

ScanOutcome scan_registry(const RegistryScanOptions& options, const std::string& command,
                          FindingSink& sink) {
  RegistryScan scan(options, sink);
  return scan.run(command);
}

}  // namespace sqltriage
