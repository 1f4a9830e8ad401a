// Configuration files and folders of a Windows-layout evidence, for the web root search:
// wildcard folders, bounded reads, each file read once, and the Includer the Apache and
// nginx readers follow includes with.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "artifacts/webroot/includes.hpp"
#include "sqltriage/evidence.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::webroots {

/// A configuration file read from the evidence.
struct ConfigFile {
  std::string display;  ///< as the evidence names it ("C:\xampp\apache\conf\httpd.conf")
  std::string bytes;    ///< all of it (at most kMaxConfigBytes)
};

class EvidenceConfigs {
 public:
  explicit EvidenceConfigs(const Evidence& evidence) : evidence_(evidence) {}

  /// The folders a Windows path names, each component matched case-insensitively and
  /// possibly holding '*'/'?': "C:\Program Files\Apache*\*" -> every matching folder, as
  /// the evidence stores the names, in name order. Only drive C: is in the evidence; a
  /// path on another drive or a UNC path gives nothing.
  std::vector<std::string> folders(std::string_view pattern) const;

  /// Reads the file at a Windows path. std::nullopt without an error when it is absent;
  /// std::nullopt with an error in `errors` when it exists but cannot be read ("open_failed",
  /// naming it), is larger than kMaxConfigBytes ("limit"), or when kMaxConfigFiles files
  /// were read already ("limit"). A file read before gives std::nullopt with a "record" error
  /// naming `source` (the include that asked again) when `source` is not empty.
  std::optional<ConfigFile> read(std::string_view windows_path, std::vector<ErrorEntry>& errors,
                                 const std::string& source = {});

  /// Follows an include: the files `pattern` names (wildcards in any component; a folder
  /// means the files in it and below, at most kMaxIncludeDepth levels), read and handed to
  /// `parse` in name order. No match is an error ("missing", naming the include's source)
  /// unless `optional`.
  void include(const std::string& pattern, bool optional, const std::string& source,
               const ParseFile& parse, std::vector<ErrorEntry>& errors);

  /// include() as an Includer for the readers; valid while this object lives.
  Includer includer();

 private:
  std::optional<ConfigFile> read_file(const ArtifactFile& file, std::vector<ErrorEntry>& errors,
                                      const std::string& source);
  void include_folder(const std::string& folder, int level, const std::string& source,
                      const ParseFile& parse, std::vector<ErrorEntry>& errors, bool& any);

  const Evidence& evidence_;
  std::set<std::string> read_;  // lower-case display paths of the files read
  std::size_t files_ = 0;
  bool files_limit_reported_ = false;
};

}  // namespace sqltriage::webroots
