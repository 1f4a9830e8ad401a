// Path helpers shared by the web root readers: wildcards, URL paths, folder containment.
// The public ones (expand_windows_variables, normalize_windows_path) are in
// sqltriage/web_roots.hpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sqltriage::webroots {

/// Whether `text` holds a wildcard character ('*' or '?').
bool has_wildcard(std::string_view text);

/// Whether `name` matches `pattern` ('*' any run, '?' one byte), ASCII case-insensitively,
/// as Windows and the servers' Include globs compare file names. Time O(|name|*|pattern|)
/// at worst, no recursion.
bool wildcard_match(std::string_view pattern, std::string_view name);

/// A URL path: "/" + the parts joined with one '/' between them, without a trailing '/'
/// ("/" when everything is empty): ("/", "/") -> "/", ("/blog", "/img/") -> "/blog/img".
std::string join_url_path(std::string_view a, std::string_view b = {});

/// Whether the normalized Windows path `outer` is `inner` or one of its ancestor folders
/// (ASCII case-insensitive): "C:\inetpub" covers "C:\inetpub\wwwroot".
bool path_covers(std::string_view outer, std::string_view inner);

/// The components of a normalized Windows path after its root: "C:\a\b" -> {"a", "b"};
/// the root ("C:" or "\\server\share") in `root`.
std::vector<std::string> path_components(std::string_view normalized, std::string& root);

}  // namespace sqltriage::webroots
