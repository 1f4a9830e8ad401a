// Internal to the checks: Windows paths reduced to one comparable form.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sqltriage::checks::detail {

/// ASCII lower-case copy.
std::string to_lower(std::string_view s);

/// Lower-case components of a Windows path with everything that does not name the folder
/// removed: surrounding quotes, "\\?\", "\??\", "\\.\" and "\\?\GLOBALROOT" prefixes,
/// "\Device\HarddiskVolume<N>" and "\Device\HarddiskVolumeShadowCopy<N>", the drive
/// letter, empty and "." components; ".." removes the component before it. A leading
/// %SystemRoot%, %windir% or "\SystemRoot" becomes "windows", %ProgramFiles% and
/// %ProgramW6432% "program files", %ProgramFiles(x86)% "program files (x86)",
/// %ProgramData% and %ALLUSERSPROFILE% "programdata", and %SystemDrive% disappears.
/// '/' and '\' both separate. "C:\Windows\System32\svchost.exe" ->
/// {"windows", "system32", "svchost.exe"}.
std::vector<std::string> path_components(std::string_view path);

/// The components joined as "\a\b\c" (the root alone is "\").
std::string join_components(const std::vector<std::string>& components, std::size_t count);

}  // namespace sqltriage::checks::detail
