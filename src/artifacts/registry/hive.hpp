// A registry hive (regf) read through libregf from a ByteSource, so hives inside disk images
// and collected folders read alike. Keys and values keep the hive open while they live.
//
// Dirty hives (with unreplayed .LOG1/.LOG2 transaction logs) are read as they are on disk.
// Not thread-safe: use one Hive (and its keys and values) per thread.
// Format knowledge: libregf's "Windows NT Registry File (REGF) format" document.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/filetime.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::registry {

struct HiveState;

/// A value of a key. Every accessor throws ArtifactError (naming the hive and the key) when
/// libregf cannot read the value's cells.
class Value {
 public:
  /// UTF-8; "" for the key's default value.
  std::string name() const;
  /// The 32-bit type field: REG_SZ (1), REG_EXPAND_SZ (2), REG_BINARY (3), REG_DWORD (4),
  /// ... Not always a type: the SAM stores an account's RID here.
  std::uint32_t type() const;
  /// REG_SZ or REG_EXPAND_SZ data as UTF-8 (not expanded); std::nullopt for other types.
  std::optional<std::string> string() const;
  /// REG_DWORD (little- or big-endian) data; std::nullopt for other types.
  std::optional<std::uint32_t> dword() const;
  /// The raw data, at most `limit` bytes (longer data throws ArtifactError).
  std::vector<std::uint8_t> data(std::size_t limit = 16 * 1024 * 1024) const;
  /// Byte offset of the value's cell in the hive file; std::nullopt when libregf cannot say.
  std::optional<std::uint64_t> offset() const;

  ~Value();
  Value(Value&&) noexcept;
  Value& operator=(Value&&) noexcept;

 private:
  friend class Key;
  struct Impl;
  explicit Value(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// A key. Accessors throw ArtifactError (naming the hive, the key and, when libregf reports
/// one, the hive offset) when its cells cannot be read.
class Key {
 public:
  /// UTF-8 name as stored.
  std::string name() const;
  /// Path below the hive's root, as it was asked for ("SAM\Domains\Account").
  const std::string& path() const;
  std::optional<Filetime> last_written() const;
  /// Byte offset of the key's cell in the hive file; std::nullopt when libregf cannot say.
  std::optional<std::uint64_t> offset() const;
  /// The hive's display path (for error entries).
  const std::string& hive_path() const;

  std::size_t number_of_subkeys() const;
  Key subkey(std::size_t index) const;
  /// A key below this one by relative path ("Users\Names"; '\' separated, case-insensitive).
  /// std::nullopt when absent.
  std::optional<Key> subkey(std::string_view relative_path) const;

  std::size_t number_of_values() const;
  Value value(std::size_t index) const;
  /// A value by name (case-insensitive); "" is the default value. std::nullopt when absent.
  std::optional<Value> value(std::string_view name) const;

  ~Key();
  Key(Key&&) noexcept;
  Key& operator=(Key&&) noexcept;

 private:
  friend class Hive;
  struct Impl;
  explicit Key(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class Hive {
 public:
  /// Opens the hive in `source`. `display_path` names it in errors
  /// ("C:\Windows\System32\config\SAM"). Throws ArtifactError when it is not a regf hive or
  /// libregf cannot read its header or hive bins (e.g. a truncated file).
  static Hive open(std::shared_ptr<const ByteSource> source, std::string display_path);

  const std::string& display_path() const;
  /// Subkey lists hidden from libregf because following them would recurse without end (an
  /// index root listing itself or another index root; list_guard.hpp): one "record" error
  /// each, naming the list's offset. The keys owning them read as having no subkeys.
  const std::vector<ErrorEntry>& repairs() const;
  Key root() const;
  /// A key by path below the root key, without the root's own name ("Select",
  /// "Microsoft\Windows NT\CurrentVersion"; '\' separated, case-insensitive).
  /// std::nullopt when absent.
  std::optional<Key> key(std::string_view path) const;

  ~Hive();
  Hive(Hive&&) noexcept;
  Hive& operator=(Hive&&) noexcept;

 private:
  Hive() = default;
  std::shared_ptr<HiveState> state_;
};

}  // namespace sqltriage::registry
