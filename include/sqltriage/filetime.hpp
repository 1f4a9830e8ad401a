// Time values as Windows stores them, and their text forms.
//
// Format knowledge: FILETIME is defined in [MS-DTYP] section 2.3.3 (a 64-bit count of
// 100-nanosecond intervals since 1601-01-01T00:00:00 UTC). ISO-8601 text follows RFC 3339.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sqltriage {

/// A Windows FILETIME: 100-nanosecond ticks since 1601-01-01T00:00:00 UTC. Always UTC.
using Filetime = std::uint64_t;

/// FILETIME of the Unix epoch, 1970-01-01T00:00:00Z.
inline constexpr Filetime kFiletimeUnixEpoch = 116444736000000000ULL;
/// FILETIME ticks per second.
inline constexpr std::uint64_t kTicksPerSecond = 10000000ULL;

/// Formats as "YYYY-MM-DDThh:mm:ss.fffffffZ": UTC, 7 fractional digits (FILETIME precision).
/// Never throws; every uint64 value has a text form (years past 9999 print with more digits).
std::string format_filetime(Filetime ft);

/// Parses an RFC 3339 / ISO-8601 UTC instant into a FILETIME.
/// Accepts "2023-02-20", "2023-02-20T14:03:11", a space instead of 'T', a fraction of up to
/// 9 digits (truncated to 100 ns), and a "Z" or "+hh:mm"/"-hh:mm" offset (no offset = UTC).
/// Returns std::nullopt for anything else, including dates before 1601. Never throws.
std::optional<Filetime> parse_iso8601(std::string_view text);

/// Parses a duration such as "90s", "15m", "2h", "1d", "1h30m" or a bare number of seconds.
/// Returns 100-ns ticks, or std::nullopt on bad input or overflow. Never throws.
std::optional<std::uint64_t> parse_duration(std::string_view text);

/// Converts a FILETIME to Unix seconds (floor); FILETIMEs before 1970 give negative values.
std::int64_t filetime_to_unix_seconds(Filetime ft);

/// The current time (system clock) as a UTC FILETIME.
Filetime now_filetime();

}  // namespace sqltriage
