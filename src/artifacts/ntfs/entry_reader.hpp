// Reads MFT entries from the bytes of an $MFT (a ByteSource: the $MFT stream of a volume or
// a collected $MFT file): record fetch with a small cache, fixups, attribute decoding, and
// extension records reached through $ATTRIBUTE_LIST. Shared by both EntrySources.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "artifacts/ntfs/entry_record.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/mft.hpp"

namespace sqltriage::ntfs {

/// The raw records of one $MFT, read in chunks (sequential walks read 128 KiB at a time; a
/// few chunks stay cached for parent lookups). Thread-safe.
class RecordStore {
 public:
  /// `display` names the $MFT in errors. `record_size`: bytes per MFT entry (a multiple of
  /// 512).
  RecordStore(std::shared_ptr<const ByteSource> mft, std::uint32_t record_size,
              std::string display);

  const std::string& display() const { return display_; }
  std::uint32_t record_size() const { return record_size_; }
  /// Number of records, counting a partial last one.
  std::uint64_t count() const { return count_; }
  /// Byte offset of record `index` in the $MFT.
  std::uint64_t offset_of(std::uint64_t index) const { return index * record_size_; }

  /// Copies record `index` into `out` (resized to record_size()). Throws ArtifactError
  /// (display, message, record offset) for an index past the end, a partial last record or
  /// a read error.
  void read(std::uint64_t index, std::vector<std::uint8_t>& out) const;

 private:
  struct Chunk {
    std::uint64_t first = UINT64_MAX;  // first record held
    std::uint64_t records = 0;         // records held (complete ones)
    std::uint64_t last_use = 0;
    std::vector<std::uint8_t> bytes;
  };
  std::shared_ptr<const ByteSource> mft_;
  std::uint32_t record_size_ = 0;
  std::string display_;
  std::uint64_t count_ = 0;
  std::uint64_t records_per_chunk_ = 1;
  mutable std::mutex mutex_;
  mutable std::array<Chunk, 4> chunks_;
  mutable std::uint64_t clock_ = 0;
};

/// Where a named stream's bytes are.
struct StreamLookup {
  bool found = false;
  bool resident = false;
  std::string name;   ///< as stored (the asked name may differ in ASCII case)
  std::string bytes;  ///< the value (at most the asked size) when resident
};

class EntryReader {
 public:
  /// Gives the file references named by entry `index`'s non-resident $ATTRIBUTE_LIST, or
  /// std::nullopt with the reason in `why` when they cannot be read.
  using ListReader =
      std::function<std::optional<std::vector<std::uint64_t>>(std::uint64_t, std::string&)>;

  EntryReader(std::shared_ptr<const ByteSource> mft, std::uint32_t record_size, std::string display,
              ListReader non_resident_lists);

  const RecordStore& store() const { return store_; }

  /// See mft::EntrySource::read.
  bool read(std::uint64_t index, mft::Entry& out) const;

  /// Finds $DATA stream `name` ("" = the unnamed one) of entry `index`, in its base record
  /// or extension records. Exact name first, else ASCII case-insensitive. Throws like read().
  StreamLookup find_stream(std::uint64_t index, std::string_view name, std::size_t max_bytes) const;

 private:
  // Calls fn(attribute, in_extension) for every attribute of the entry (base record, then
  // extension records in $ATTRIBUTE_LIST order); problems go to `e`. Returns false for an
  // unused record. Throws ArtifactError when the base record is damaged.
  template <typename Fn>
  bool visit(std::uint64_t index, mft::Entry& e, Fn&& fn) const;

  RecordStore store_;
  ListReader non_resident_lists_;
};


}  // namespace sqltriage::ntfs
